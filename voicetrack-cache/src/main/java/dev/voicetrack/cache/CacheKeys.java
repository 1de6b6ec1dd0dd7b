package dev.voicetrack.cache;

import java.util.Objects;

/**
 * Builds cache keys from parts, joined by {@code ':'}, so that keys built in one place and patterns
 * built in another always agree. Each part is encoded so that it can never contain the separator or
 * a glob metacharacter: {@code %}, {@code :}, {@code *}, {@code ?}, {@code [}, {@code ]} and {@code \}
 * become {@code %XX}. Numbers and other values use their {@code toString()}.
 *
 * <p>{@code CacheKeys.key("user", 123, 456)} is {@code user:123:456}; {@code
 * CacheKeys.prefixPattern("user", 123)} is {@code user:123:*}, which matches it and every other key
 * built from the parts {@code "user", 123} followed by at least one more part.
 */
public final class CacheKeys {

    /** The separator between key parts. */
    public static final char SEPARATOR = ':';

    private CacheKeys() {}

    /**
     * Joins the encoded parts with {@code ':'}.
     *
     * @throws IllegalArgumentException if there are no parts
     */
    public static String key(Object... parts) {
        Objects.requireNonNull(parts, "parts");
        if (parts.length == 0) {
            throw new IllegalArgumentException("a key needs at least one part, was none");
        }
        StringBuilder sb = new StringBuilder(16 * parts.length);
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                sb.append(SEPARATOR);
            }
            appendPart(sb, parts[i], i);
        }
        return sb.toString();
    }

    /** A glob pattern matching every key that starts with these parts and has at least one more. */
    public static String prefixPattern(Object... parts) {
        return key(parts) + SEPARATOR + '*';
    }

    /** Encodes one part as {@link #key} does. */
    public static String part(Object part) {
        StringBuilder sb = new StringBuilder();
        appendPart(sb, part, 0);
        return sb.toString();
    }

    private static void appendPart(StringBuilder sb, Object part, int index) {
        if (part == null) {
            throw new NullPointerException("key part " + index + " must not be null");
        }
        if (part instanceof Long || part instanceof Integer) {
            sb.append(part);
            return;
        }
        String s = part.toString();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '%', ':', '*', '?', '[', ']', '\\' -> {
                    sb.append('%');
                    sb.append(Character.toUpperCase(Character.forDigit(c >> 4, 16)));
                    sb.append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
                }
                default -> sb.append(c);
            }
        }
    }
}
