package dev.voicetrack.cache;

/** Why a cache removed an entry that nobody asked it to remove. */
public enum EvictionCause {
    /** The entry's time to live ran out. */
    EXPIRED,
    /** The cache was over its maximum number of entries or maximum bytes. */
    SIZE
}
