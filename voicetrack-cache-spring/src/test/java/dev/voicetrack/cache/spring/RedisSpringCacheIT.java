package dev.voicetrack.cache.spring;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voicetrack.cache.CacheConfig;
import dev.voicetrack.cache.ValueIsolation;
import dev.voicetrack.cache.redis.RedisCache;
import dev.voicetrack.cache.redis.RedisCacheConfig;
import dev.voicetrack.cache.redis.ValueCodec;
import dev.voicetrack.testkit.redis.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.cache.support.NullValue;

/**
 * The Spring contract on Redis caches, on an own redis-server whose KEYS command is disabled: every
 * eviction, {@code allEntries} included, must work without it.
 */
class RedisSpringCacheIT extends SpringCacheContract {

    static RedisServer server;
    static final AtomicInteger RUN = new AtomicInteger();

    @BeforeAll
    static void startServer() {
        server = RedisServer.start(List.of("--rename-command", "KEYS", ""));
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Test
    void keysCommand_isDisabledOnThisServer() {
        RedisClient client = RedisClient.create(server.url());
        try (var connection = client.connect()) {
            assertThatThrownBy(() -> connection.sync().keys("*")).isInstanceOf(RedisCommandExecutionException.class);
        } finally {
            client.shutdown();
        }
    }

    @Override
    protected VoiceTrackCacheManager newManager() {
        // a prefix per test keeps the tests' entries apart on the one server
        var redis = RedisCacheConfig.builder()
                .url(server.url())
                .keyPrefix("sp" + RUN.incrementAndGet() + ":")
                .build();
        return VoiceTrackCacheManager.builder()
                .cacheFactory(name -> RedisCache.create(
                        redis,
                        CacheConfig.builder().name(name).build(),
                        new JavaCodec(),
                        ValueIsolation.immutable().trusting(NullValue.class)))
                .build();
    }

    /** Java serialization, for the test's records and Spring's null marker. */
    static final class JavaCodec implements ValueCodec<Object> {
        @Override
        public byte[] encode(Object value) {
            var bytes = new ByteArrayOutputStream();
            try (var out = new ObjectOutputStream(bytes)) {
                out.writeObject(value);
            } catch (IOException e) {
                throw new IllegalArgumentException(
                        "cannot serialize " + value.getClass().getName(), e);
            }
            return bytes.toByteArray();
        }

        @Override
        public Object decode(byte[] bytes) {
            try (var in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
                return in.readObject();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (ClassNotFoundException e) {
                throw new IllegalArgumentException("unknown class in stored value", e);
            }
        }
    }
}
