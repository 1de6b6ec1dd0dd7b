package dev.voicetrack.cache.redis.internal;

import dev.voicetrack.cache.CacheKeys;
import dev.voicetrack.cache.KeyPattern;
import dev.voicetrack.cache.ValueIsolation;
import dev.voicetrack.cache.redis.ValueCodec;
import dev.voicetrack.cache.session.InProcessSessionStore;
import dev.voicetrack.cache.session.SessionStore;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/** The Redis session store; see {@link dev.voicetrack.cache.redis.RedisSessionStore}. */
public final class RedisSessionStoreImpl<V> implements SessionStore<V> {

    /**
     * KEYS: session, marker. ARGV: expected bytes, new bytes, marker TTL in ms. Returns 1 set (now or
     * by an earlier run with the same marker), 0 changed meanwhile, -1 gone.
     */
    static final Scripts COMPARE_AND_SET = new Scripts(
            """
            if redis.call('EXISTS', KEYS[2]) == 1 then
              return 1
            end
            local current = redis.call('GET', KEYS[1])
            if not current then
              return -1
            end
            if current ~= ARGV[1] then
              return 0
            end
            redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL')
            redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
            return 1
            """);

    /**
     * How often a command that timed out while the connection stayed open is sent again before the
     * store falls back to its in-process sessions.
     */
    static final int ATTEMPTS_ON_TIMEOUT = 3;

    private final Connector connector;
    private final ValueCodec<V> codec;
    private final String prefix;
    private final InProcessSessionStore<V> fallback;
    private final long markerTtlMillis;

    public RedisSessionStoreImpl(Connector connector, ValueCodec<V> codec) {
        this.connector = connector;
        this.codec = codec;
        this.prefix = connector.config().keyPrefix() + "ss:";
        // A repeat runs on the same connection right after the script it repeats, so the marker only
        // has to outlive the tries: twice their total time, at least a second.
        this.markerTtlMillis =
                Math.max(1_000, connector.config().commandTimeout().toMillis() * ATTEMPTS_ON_TIMEOUT * 2);
        this.fallback =
                InProcessSessionStore.create(dev.voicetrack.cache.Ticker.system(), ValueIsolation.copying(codec::copy));
        connector.onReconnect(fallback::clear);
    }

    /**
     * Runs {@code op} on Redis, or {@code onFallback} while Redis cannot be used.
     *
     * <p>A command timeout while the connection stays open does not mean Redis is down: the server
     * is slow, and the sessions live there, not in process. Falling back then would answer from an
     * in-process store that does not hold them (an update would find no session and be lost, a put
     * would be dropped with the in-process store once Redis answers again). So a timed-out
     * {@code op} is sent again, up to {@link #ATTEMPTS_ON_TIMEOUT} times; every operation is safe to
     * repeat ({@link #update} through its marker). Only then, or on any other failure, the call
     * falls back.
     */
    private <T> T redis(Function<RedisClusterCommands<String, byte[]>, T> op, Supplier<T> onFallback) {
        var sync = connector.sync();
        if (sync.isEmpty() || !connector.usable()) {
            return onFallback.get();
        }
        for (int attempt = 1; ; attempt++) {
            try {
                T result = op.apply(sync.get());
                connector.success();
                return result;
            } catch (RedisCommandTimeoutException e) {
                if (attempt >= ATTEMPTS_ON_TIMEOUT || !connector.usable()) {
                    connector.failure(e);
                    return onFallback.get();
                }
            } catch (RedisException e) {
                connector.failure(e);
                return onFallback.get();
            }
        }
    }

    private String scopePrefix(String scope) {
        return prefix + CacheKeys.part(InProcessSessionStore.checkName("scope", scope)) + ":";
    }

    private String key(String scope, String id) {
        return scopePrefix(scope) + CacheKeys.part(InProcessSessionStore.checkName("id", id));
    }

    @Override
    public void put(String scope, String id, V value, Duration ttl) {
        String key = key(scope, id);
        Objects.requireNonNull(value, "value");
        long ms = Scripts.ttlMillis(InProcessSessionStore.checkTtl(ttl));
        byte[] bytes = codec.encode(value);
        redis(redis -> redis.set(key, bytes, SetArgs.Builder.px(ms)), () -> {
            fallback.put(scope, id, value, ttl);
            return "OK";
        });
    }

    @Override
    public Optional<V> get(String scope, String id) {
        String key = key(scope, id);
        return redis(redis -> Optional.ofNullable(redis.get(key)).map(codec::decode), () -> fallback.get(scope, id));
    }

    @Override
    public boolean touch(String scope, String id, Duration ttl) {
        String key = key(scope, id);
        long ms = Scripts.ttlMillis(InProcessSessionStore.checkTtl(ttl));
        return redis(redis -> redis.pexpire(key, ms), () -> fallback.touch(scope, id, ttl));
    }

    @Override
    public Optional<V> update(String scope, String id, UnaryOperator<V> update) {
        String key = key(scope, id);
        Objects.requireNonNull(update, "update");
        return redis(
                redis -> {
                    while (true) {
                        byte[] current = redis.get(key);
                        if (current == null) {
                            return Optional.<V>empty();
                        }
                        V next = Objects.requireNonNull(update.apply(codec.decode(current)), "update returned null");
                        byte[] bytes = codec.encode(next);
                        Long r = compareAndSet(redis, key, current, bytes);
                        if (r == 1) {
                            return Optional.of(codec.decode(bytes));
                        }
                        if (r == -1) {
                            return Optional.<V>empty();
                        }
                    }
                },
                () -> fallback.update(scope, id, update));
    }

    /**
     * One compare-and-set, repeated with the same marker while it times out: the server may have run
     * a timed-out script after all, and the marker it then left makes the repeat report success
     * instead of applying the update a second time (or, after another process's change, finding the
     * value changed and losing it).
     */
    private Long compareAndSet(RedisClusterCommands<String, byte[]> redis, String key, byte[] current, byte[] bytes) {
        String[] keys = {key, markerKey(key)};
        byte[] ttl = Scripts.bytes(markerTtlMillis);
        for (int attempt = 1; ; attempt++) {
            try {
                return COMPARE_AND_SET.run(redis, ScriptOutputType.INTEGER, keys, current, bytes, ttl);
            } catch (RedisCommandTimeoutException e) {
                if (attempt >= ATTEMPTS_ON_TIMEOUT || !connector.usable()) {
                    // Not a timeout any more: the caller must not run the update again from a fresh
                    // read, since this script may still be applied.
                    throw new RedisException("compare-and-set unanswered after " + attempt + " attempts", e);
                }
            }
        }
    }

    /**
     * A key of its own for one update's marker, outside every scope's SCAN pattern, in the session
     * key's cluster slot: the session key's own hash tag if it has braces, else the whole session
     * key as the tag.
     */
    private String markerKey(String key) {
        String tagged = key.indexOf('{') >= 0 ? key : "{" + key + "}";
        return connector.config().keyPrefix() + "ssop:" + tagged + ":" + UUID.randomUUID();
    }

    @Override
    public boolean remove(String scope, String id) {
        String key = key(scope, id);
        return redis(redis -> redis.del(key) > 0, () -> fallback.remove(scope, id));
    }

    @Override
    public Map<String, V> list(String scope) {
        String scopePrefix = scopePrefix(scope);
        return redis(
                redis -> {
                    Map<String, V> result = new TreeMap<>();
                    ScanArgs args = ScanArgs.Builder.matches(KeyPattern.escape(scopePrefix) + "*")
                            .limit(500);
                    KeyScanCursor<String> cursor = redis.scan(args);
                    while (true) {
                        for (String k : cursor.getKeys()) {
                            byte[] bytes = redis.get(k);
                            if (bytes != null) {
                                result.put(decodePart(k.substring(scopePrefix.length())), codec.decode(bytes));
                            }
                        }
                        if (cursor.isFinished()) {
                            break;
                        }
                        cursor = redis.scan(cursor, args);
                    }
                    return Collections.unmodifiableMap(result);
                },
                () -> fallback.list(scope));
    }

    /** Reverses the {@code %XX} encoding of {@link CacheKeys#part}. */
    private static String decodePart(String part) {
        if (part.indexOf('%') < 0) {
            return part;
        }
        StringBuilder sb = new StringBuilder(part.length());
        for (int i = 0; i < part.length(); i++) {
            char c = part.charAt(i);
            if (c == '%' && i + 2 < part.length()) {
                sb.append((char) Integer.parseInt(part.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    @Override
    public void close() {
        fallback.close();
    }
}
