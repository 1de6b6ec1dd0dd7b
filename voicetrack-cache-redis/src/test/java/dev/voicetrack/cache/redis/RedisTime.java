package dev.voicetrack.cache.redis;

import dev.voicetrack.cache.KeyPattern;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.time.Duration;

/**
 * Lets time pass for the keys under a prefix of a real Redis server or cluster without waiting: every
 * remaining TTL is shortened by the duration (a key whose TTL runs out is deleted, as expiry would),
 * and every sorted-set score (the caches' expiry indexes hold expiry times in milliseconds) is moved
 * back by it. Redis has no clock that a test can move, so this moves the keys instead; the server
 * still decides what has expired. One script per key, with the key declared, so it works on a
 * cluster.
 */
final class RedisTime {

    private static final String SCRIPT =
            """
            local d = tonumber(ARGV[1])
            local k = KEYS[1]
            local ttl = redis.call('PTTL', k)
            if ttl > 0 then
              if ttl <= d then
                redis.call('DEL', k)
                return 1
              end
              redis.call('PEXPIRE', k, ttl - d)
            end
            if redis.call('TYPE', k).ok == 'zset' then
              local entries = redis.call('ZRANGE', k, 0, -1, 'WITHSCORES')
              for i = 1, #entries, 2 do
                redis.call('ZADD', k, tonumber(entries[i + 1]) - d, entries[i])
              end
            end
            return 1
            """;

    private RedisTime() {}

    /** Moves the keys starting with {@code prefix} forward by {@code duration}. */
    static void pass(RedisClusterCommands<String, String> redis, String prefix, Duration duration) {
        long ms = duration.toMillis();
        if (ms <= 0) {
            return;
        }
        ScanArgs args =
                ScanArgs.Builder.matches(KeyPattern.escape(prefix) + "*").limit(1000);
        KeyScanCursor<String> cursor = redis.scan(args);
        while (true) {
            for (String key : cursor.getKeys()) {
                redis.eval(SCRIPT, ScriptOutputType.INTEGER, new String[] {key}, Long.toString(ms));
            }
            if (cursor.isFinished()) {
                return;
            }
            cursor = redis.scan(cursor, args);
        }
    }
}
