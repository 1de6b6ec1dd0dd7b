package dev.voicetrack.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.testkit.redis.RedisServer;
import java.time.Duration;

/**
 * Checks a cache entry's TTL against the Redis server's own clock, so that no check depends on how
 * fast the test machine is: the expiry a put recorded must lie within the TTL after the server times
 * read just before and just after the put, and an entry found gone must be gone because the server's
 * clock passed that expiry, never earlier.
 */
public final class ServerExpiry {

    private final RedisServer server;
    private final String entryKey;
    private final String expiryIndex;
    private long before;

    /**
     * For the entry stored at {@code entryKey} by a cache whose key base (prefix and name) is {@code
     * base}, on a standalone server.
     */
    public ServerExpiry(RedisServer server, String base, String entryKey) {
        this.server = server;
        this.entryKey = base + entryKey;
        this.expiryIndex = base + "~vt~x";
    }

    /** The server's clock, in milliseconds. */
    public long serverMillis() {
        return Long.parseLong(
                server.command("EVAL", "local t = redis.call('TIME') return t[1] * 1000 + math.floor(t[2] / 1000)", "0")
                        .substring(1));
    }

    /** Marks the moment before the put. */
    public void beforePut() {
        before = serverMillis();
    }

    /**
     * Checks, right after the put, that the entry expires {@code ttl} after it was written (in server
     * milliseconds), and that the key has that TTL in milliseconds unless the server's clock already
     * passed it. Returns the expiry time.
     */
    public long assertExpiresAfter(Duration ttl) {
        long after = serverMillis();
        long expiresAt = (long) Double.parseDouble(server.command("ZSCORE", expiryIndex, entryKey));
        assertThat(expiresAt)
                .as("expiry recorded by the put")
                .isBetween(before + ttl.toMillis(), after + ttl.toMillis());
        long pttl = Long.parseLong(server.command("PTTL", entryKey).substring(1));
        if (pttl == -2) {
            assertGoneOnTime(expiresAt);
        } else {
            assertThat(pttl).as("PTTL of %s", entryKey).isBetween(1L, ttl.toMillis());
        }
        return expiresAt;
    }

    /** Checks that an entry found gone was gone because the server's clock reached its expiry. */
    public void assertGoneOnTime(long expiresAt) {
        // Redis and the put script read the clock at slightly different moments: a millisecond apart.
        assertThat(serverMillis())
                .as("server time when %s was found gone", entryKey)
                .isGreaterThanOrEqualTo(expiresAt - 1);
    }
}
