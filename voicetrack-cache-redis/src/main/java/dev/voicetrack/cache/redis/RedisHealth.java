package dev.voicetrack.cache.redis;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The state of a connection to Redis, as {@link RedisConnector#health()} reports it.
 *
 * @param initialized whether a connection was ever established
 * @param connected whether the connection is up now
 * @param healthy connected, and the last command did not fail
 * @param lastError the last connection or command error, if any since the last success
 * @param since when the current state ({@code healthy} or not) began
 */
public record RedisHealth(
        boolean initialized, boolean connected, boolean healthy, Optional<String> lastError, Instant since) {
    public RedisHealth {
        Objects.requireNonNull(lastError, "lastError");
        Objects.requireNonNull(since, "since");
    }
}
