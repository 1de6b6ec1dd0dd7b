package dev.voicetrack.cache.redis.internal;

import dev.voicetrack.cache.CacheKeys;
import dev.voicetrack.cache.KeyPattern;
import dev.voicetrack.cache.ValueIsolation;
import dev.voicetrack.cache.redis.ValueCodec;
import dev.voicetrack.cache.session.InProcessSessionStore;
import dev.voicetrack.cache.session.SessionStore;
import io.lettuce.core.KeyScanCursor;
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
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/** The Redis session store; see {@link dev.voicetrack.cache.redis.RedisSessionStore}. */
public final class RedisSessionStoreImpl<V> implements SessionStore<V> {

    /** KEYS: session. ARGV: expected bytes, new bytes. Returns 1 set, 0 changed meanwhile, -1 gone. */
    static final Scripts COMPARE_AND_SET = new Scripts(
            """
            local current = redis.call('GET', KEYS[1])
            if not current then
              return -1
            end
            if current ~= ARGV[1] then
              return 0
            end
            redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL')
            return 1
            """);

    private final Connector connector;
    private final ValueCodec<V> codec;
    private final String prefix;
    private final InProcessSessionStore<V> fallback;

    public RedisSessionStoreImpl(Connector connector, ValueCodec<V> codec) {
        this.connector = connector;
        this.codec = codec;
        this.prefix = connector.config().keyPrefix() + "ss:";
        this.fallback =
                InProcessSessionStore.create(dev.voicetrack.cache.Ticker.system(), ValueIsolation.copying(codec::copy));
        connector.onReconnect(fallback::clear);
    }

    private <T> T redis(Function<RedisClusterCommands<String, byte[]>, T> op, Supplier<T> onFallback) {
        var sync = connector.sync();
        if (sync.isEmpty() || !connector.usable()) {
            return onFallback.get();
        }
        try {
            T result = op.apply(sync.get());
            connector.success();
            return result;
        } catch (RedisException e) {
            connector.failure(e);
            return onFallback.get();
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
        long ms = RedisCacheImpl.ttlMillis(InProcessSessionStore.checkTtl(ttl));
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
        long ms = RedisCacheImpl.ttlMillis(InProcessSessionStore.checkTtl(ttl));
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
                        Long r = COMPARE_AND_SET.run(
                                redis, ScriptOutputType.INTEGER, new String[] {key}, current, bytes);
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
