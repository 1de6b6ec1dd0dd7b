package dev.voicetrack.cache.redis;

/** A registered pub/sub handler; closing it unregisters the handler. Idempotent. */
public interface Subscription extends AutoCloseable {
    @Override
    void close();
}
