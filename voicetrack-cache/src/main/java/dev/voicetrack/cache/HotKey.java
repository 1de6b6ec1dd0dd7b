package dev.voicetrack.cache;

import java.util.Objects;

/**
 * One of the most-read keys of a cache, with the number of hits it had since it was written or since
 * the stats were last reset.
 *
 * @param key the key
 * @param hits how many reads found it
 */
public record HotKey(String key, long hits) {
    public HotKey {
        Objects.requireNonNull(key, "key");
    }
}
