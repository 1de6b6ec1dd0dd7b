package dev.voicetrack.cache;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A compiled glob pattern over cache keys, with the syntax of Redis {@code SCAN MATCH}: {@code *}
 * matches any run of characters, {@code ?} exactly one, {@code [abc]} one of a set, {@code [a-z]} a
 * range, {@code [^a]} any but, and {@code \} makes the next character literal. Immutable and thread
 * safe.
 *
 * <p>{@link #literalPrefix()} is the part before the first wildcard; implementations use it to visit
 * only the keys that can match instead of every key.
 */
public final class KeyPattern {

    private static final int LITERAL = 0;
    private static final int ANY_ONE = 1;
    private static final int ANY_RUN = 2;
    private static final int CLASS = 3;

    private final String source;
    private final int[] kinds;
    private final char[] literals;
    private final CharClass[] classes;
    private final String literalPrefix;
    private final boolean exact;

    private KeyPattern(String source, int[] kinds, char[] literals, CharClass[] classes, String prefix, boolean exact) {
        this.source = source;
        this.kinds = kinds;
        this.literals = literals;
        this.classes = classes;
        this.literalPrefix = prefix;
        this.exact = exact;
    }

    /**
     * Compiles a glob pattern.
     *
     * @throws IllegalArgumentException naming the pattern if it is empty, ends in a lone {@code \} or
     *     has an unclosed {@code [}
     */
    public static KeyPattern compile(String pattern) {
        Objects.requireNonNull(pattern, "pattern must not be null");
        if (pattern.isEmpty()) {
            throw new IllegalArgumentException("pattern must not be empty, was ''");
        }
        List<Integer> kinds = new ArrayList<>();
        StringBuilder literals = new StringBuilder();
        List<CharClass> classes = new ArrayList<>();
        StringBuilder prefix = new StringBuilder();
        boolean inPrefix = true;
        int i = 0;
        while (i < pattern.length()) {
            char c = pattern.charAt(i);
            if (c == '\\') {
                if (i + 1 >= pattern.length()) {
                    throw new IllegalArgumentException("pattern ends with a lone '\\', was '" + pattern + "'");
                }
                char next = pattern.charAt(i + 1);
                add(kinds, literals, classes, LITERAL, next, null);
                if (inPrefix) {
                    prefix.append(next);
                }
                i += 2;
            } else if (c == '*') {
                // Consecutive stars match what one star matches.
                if (kinds.isEmpty() || kinds.get(kinds.size() - 1) != ANY_RUN) {
                    add(kinds, literals, classes, ANY_RUN, '\0', null);
                }
                inPrefix = false;
                i++;
            } else if (c == '?') {
                add(kinds, literals, classes, ANY_ONE, '\0', null);
                inPrefix = false;
                i++;
            } else if (c == '[') {
                int end = i + 1;
                if (end < pattern.length() && pattern.charAt(end) == '^') {
                    end++;
                }
                if (end < pattern.length() && pattern.charAt(end) == ']') {
                    end++; // a ']' right after '[' or '[^' is literal
                }
                while (end < pattern.length() && pattern.charAt(end) != ']') {
                    end += pattern.charAt(end) == '\\' ? 2 : 1;
                }
                if (end >= pattern.length()) {
                    throw new IllegalArgumentException("pattern has an unclosed '[', was '" + pattern + "'");
                }
                add(kinds, literals, classes, CLASS, '\0', CharClass.parse(pattern.substring(i + 1, end)));
                inPrefix = false;
                i = end + 1;
            } else {
                add(kinds, literals, classes, LITERAL, c, null);
                if (inPrefix) {
                    prefix.append(c);
                }
                i++;
            }
        }
        int[] k = kinds.stream().mapToInt(Integer::intValue).toArray();
        return new KeyPattern(
                pattern,
                k,
                literals.toString().toCharArray(),
                classes.toArray(CharClass[]::new),
                prefix.toString(),
                inPrefix);
    }

    /** Escapes every glob metacharacter of {@code literal}, so the result matches exactly it. */
    public static String escape(String literal) {
        StringBuilder sb = new StringBuilder(literal.length() + 8);
        for (int i = 0; i < literal.length(); i++) {
            char c = literal.charAt(i);
            if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.toString();
    }

    private static void add(
            List<Integer> kinds, StringBuilder literals, List<CharClass> classes, int kind, char c, CharClass cls) {
        kinds.add(kind);
        literals.append(c);
        classes.add(cls);
    }

    /** The pattern as written. */
    public String source() {
        return source;
    }

    /** The characters every matching key starts with: the pattern up to its first wildcard. */
    public String literalPrefix() {
        return literalPrefix;
    }

    /** Whether the pattern has no wildcard at all, so it matches exactly {@link #literalPrefix()}. */
    public boolean isExact() {
        return exact;
    }

    /** Whether the pattern is a literal prefix followed by one {@code *} and nothing else. */
    public boolean isPrefixOnly() {
        int n = kinds.length;
        return n > 0 && kinds[n - 1] == ANY_RUN && literalPrefix.length() == n - 1;
    }

    /** Whether {@code key} matches the whole pattern. */
    public boolean matches(String key) {
        int p = 0;
        int k = 0;
        int starP = -1;
        int starK = -1;
        int n = kinds.length;
        while (k < key.length()) {
            if (p < n && kinds[p] == ANY_RUN) {
                starP = p++;
                starK = k;
            } else if (p < n && matchesOne(p, key.charAt(k))) {
                p++;
                k++;
            } else if (starP >= 0) {
                p = starP + 1;
                k = ++starK;
            } else {
                return false;
            }
        }
        while (p < n && kinds[p] == ANY_RUN) {
            p++;
        }
        return p == n;
    }

    private boolean matchesOne(int p, char c) {
        return switch (kinds[p]) {
            case LITERAL -> literals[p] == c;
            case ANY_ONE -> true;
            case CLASS -> classes[p].matches(c);
            default -> false;
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyPattern other && source.equals(other.source);
    }

    @Override
    public int hashCode() {
        return source.hashCode();
    }

    @Override
    public String toString() {
        return source;
    }

    private static final class CharClass {
        private final boolean negated;
        private final char[] singles;
        private final char[] rangeFrom;
        private final char[] rangeTo;

        private CharClass(boolean negated, char[] singles, char[] rangeFrom, char[] rangeTo) {
            this.negated = negated;
            this.singles = singles;
            this.rangeFrom = rangeFrom;
            this.rangeTo = rangeTo;
        }

        static CharClass parse(String body) {
            boolean negated = body.startsWith("^");
            int i = negated ? 1 : 0;
            StringBuilder singles = new StringBuilder();
            StringBuilder from = new StringBuilder();
            StringBuilder to = new StringBuilder();
            while (i < body.length()) {
                char c = body.charAt(i);
                if (c == '\\' && i + 1 < body.length()) {
                    c = body.charAt(++i);
                }
                if (i + 2 < body.length() && body.charAt(i + 1) == '-') {
                    char end = body.charAt(i + 2);
                    if (end == '\\' && i + 3 < body.length()) {
                        end = body.charAt(i + 3);
                        i++;
                    }
                    from.append((char) Math.min(c, end));
                    to.append((char) Math.max(c, end));
                    i += 3;
                } else {
                    singles.append(c);
                    i++;
                }
            }
            return new CharClass(
                    negated,
                    singles.toString().toCharArray(),
                    from.toString().toCharArray(),
                    to.toString().toCharArray());
        }

        boolean matches(char c) {
            boolean found = false;
            for (char s : singles) {
                if (s == c) {
                    found = true;
                    break;
                }
            }
            for (int r = 0; !found && r < rangeFrom.length; r++) {
                found = c >= rangeFrom[r] && c <= rangeTo[r];
            }
            return found != negated;
        }
    }
}
