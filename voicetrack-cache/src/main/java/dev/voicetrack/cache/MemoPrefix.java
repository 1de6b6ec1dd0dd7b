package dev.voicetrack.cache;

import java.util.Objects;

/** Validation of the key prefix of {@link Memoized} and {@link Memoized2}. */
final class MemoPrefix {

    private MemoPrefix() {}

    /**
     * Checks that a prefix is usable as the literal first part of keys and patterns: not blank, and
     * free of every character {@link CacheKeys} would encode (the separator, {@code %} and the glob
     * metacharacters), so that the keys start with the prefix exactly as written.
     */
    static String check(String prefix) {
        Objects.requireNonNull(prefix, "prefix must not be null");
        if (prefix.isBlank()) {
            throw new IllegalArgumentException("prefix must not be blank, was '" + prefix + "'");
        }
        if (!CacheKeys.part(prefix).equals(prefix)) {
            throw new IllegalArgumentException(
                    "prefix must not contain ':', '%' or a glob metacharacter (* ? [ ] \\), was '" + prefix + "'");
        }
        return prefix;
    }

    /** Checks that the options name a tier the cache has, so a bad tier fails at build time. */
    static WriteOptions checkOptions(Cache<?> cache, WriteOptions options) {
        Objects.requireNonNull(options, "options must not be null");
        cache.config().ttlOf(options);
        return options;
    }
}
