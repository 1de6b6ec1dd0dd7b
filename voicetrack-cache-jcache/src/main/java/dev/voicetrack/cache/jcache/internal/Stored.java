package dev.voicetrack.cache.jcache.internal;

/**
 * What a JCache cache keeps in the VoiceTrack cache under an entry's key: the value (a copy in
 * serialized form when the cache stores by value, the caller's object otherwise) and the instant,
 * on the cache's ticker, at which the entry expires ({@link #ETERNAL} for never), and its tags, kept
 * so that a change of expiry keeps them.
 *
 * <p>Immutable as far as the cache is concerned: the serialized form is never handed out or changed.
 */
record Stored(Object payload, long expiresAt, java.util.Set<String> tags) {

    static final long ETERNAL = Long.MAX_VALUE;

    boolean isExpiredAt(long now) {
        return expiresAt != ETERNAL && now - expiresAt >= 0;
    }

    Stored withExpiry(long expiresAt) {
        return new Stored(payload, expiresAt, tags);
    }
}
