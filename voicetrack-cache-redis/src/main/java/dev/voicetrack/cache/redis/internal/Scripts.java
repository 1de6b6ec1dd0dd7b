package dev.voicetrack.cache.redis.internal;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

/**
 * A Lua script run by its SHA-1 digest, falling back to sending its text when the server does not
 * know it (after a restart, or on a cluster node that never saw it).
 */
final class Scripts {

    private final String text;
    private final String sha;

    Scripts(String text) {
        this.text = text;
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8));
            this.sha = HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from this JVM", e);
        }
    }

    String sha() {
        return sha;
    }

    <T> T run(RedisClusterCommands<String, byte[]> redis, ScriptOutputType type, String[] keys, byte[]... args) {
        return run(KeyCommands.of(redis), type, keys, args);
    }

    <T> T run(KeyCommands redis, ScriptOutputType type, String[] keys, byte[]... args) {
        try {
            return redis.evalsha(sha, type, keys, args);
        } catch (RedisNoScriptException e) {
            return redis.eval(text, type, keys, args);
        }
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] bytes(long n) {
        return Long.toString(n).getBytes(StandardCharsets.UTF_8);
    }

    /** A TTL as the milliseconds a script gives {@code PEXPIRE}: rounded up, and never 0. */
    static long ttlMillis(Duration ttl) {
        long ms = ttl.toMillis();
        // Round up: a TTL of 1.5 ms lives 2 ms, and a sub-millisecond TTL never becomes 0.
        if (ttl.minusMillis(ms).isZero()) {
            return Math.max(1, ms);
        }
        return ms + 1;
    }
}
