package dev.voicetrack.cache.redis.regression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.voicetrack.cache.Cache;
import dev.voicetrack.cache.CacheConfig;
import dev.voicetrack.cache.InProcessCache;
import dev.voicetrack.cache.ValueIsolation;
import dev.voicetrack.cache.WriteOptions;
import dev.voicetrack.cache.redis.JacksonCodec;
import dev.voicetrack.cache.redis.RedisCache;
import dev.voicetrack.cache.redis.RedisCacheConfig;
import dev.voicetrack.cache.redis.RedisServerStats;
import dev.voicetrack.cache.redis.TwoTierCache;
import dev.voicetrack.cache.redis.ValueCodec;
import dev.voicetrack.testkit.Await;
import dev.voicetrack.testkit.cache.TestValue;
import dev.voicetrack.testkit.redis.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The defects of issue 16, "Cache user", each against a real redis-server: caches with different
 * names shared one key space in Redis; a value accepted by the Redis caches was rejected in process;
 * values that JSON cannot read back were stored anyway; {@code serverStats()} threw while Redis was
 * down; tag sets of invalidated entries stayed behind.
 */
class CacheUserDefectsIT {

    private static RedisServer server;
    private final List<AutoCloseable> opened = new ArrayList<>();

    @BeforeAll
    static void startServer() {
        server = RedisServer.start();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @AfterEach
    void closeCaches() throws Exception {
        for (AutoCloseable c : opened) {
            c.close();
        }
    }

    private RedisCacheConfig redis() {
        return RedisCacheConfig.builder().url(server.url()).build();
    }

    private <C extends AutoCloseable> C open(C cache) {
        opened.add(cache);
        return cache;
    }

    private <V> RedisCache<V> redisCache(String name, ValueCodec<V> codec) {
        return open(RedisCache.create(redis(), CacheConfig.builder().name(name).build(), codec));
    }

    private String redis(String... command) {
        return server.command(command);
    }

    // ------------------------------------------------------------------ 1. names isolate caches

    @Test
    void cachesWithDifferentNames_onOnePrefix_useSeparateKeys_andClearOnlyTheirOwn() {
        RedisCache<TestValue> users = redisCache("users", JacksonCodec.of(TestValue.class));
        RedisCache<TestValue> guilds = redisCache("guilds", JacksonCodec.of(TestValue.class));
        users.put("42", TestValue.of("user", 1), WriteOptions.tags("guild:7"));

        assertThat(guilds.get("42")).isEmpty();
        assertThat(redis("HEXISTS", "vt:users:42", "v")).isEqualTo(":1");
        assertThat(redis("EXISTS", "vt:42")).isEqualTo(":0");
        assertThat(redis("SCARD", "vt:users:~vt~t:guild:7")).isEqualTo(":1");

        guilds.clear();
        assertThat(users.get("42")).contains(TestValue.of("user", 1));
        assertThat(guilds.invalidateByTag("guild:7")).isZero();
        assertThat(users.get("42")).contains(TestValue.of("user", 1));
    }

    @Test
    void nameThatCannotBePartOfAKey_isRejected_namingIt() {
        for (String name : List.of("a:b", "with space", "{tag}", "rl", "ss")) {
            assertThatThrownBy(() -> redisCache(name, JacksonCodec.of(TestValue.class)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("name of a Redis cache")
                    .hasMessageContaining("'" + name + "'");
        }
    }

    // ------------------------------------------------------------------ 2. one value rule everywhere

    /** Immutable in fact (final fields, no setters), but not a type the immutability check knows. */
    public static final class Money {
        private final String currency;
        private final long cents;

        public Money(
                @com.fasterxml.jackson.annotation.JsonProperty("currency") String currency,
                @com.fasterxml.jackson.annotation.JsonProperty("cents") long cents) {
            this.currency = currency;
            this.cents = cents;
        }

        public String getCurrency() {
            return currency;
        }

        public long getCents() {
            return cents;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Money m && m.currency.equals(currency) && m.cents == cents;
        }

        @Override
        public int hashCode() {
            return Objects.hash(currency, cents);
        }
    }

    public record Holder(String name, List<String> items) {}

    /** Puts {@code value} into an in-process, a Redis and a two-tier cache; returns what each threw. */
    private <V> List<Throwable> putEverywhere(String name, ValueCodec<V> codec, ValueIsolation<V> isolation, V value) {
        CacheConfig config = CacheConfig.builder().name(name).build();
        List<Cache<V>> caches = List.of(
                open(InProcessCache.create(config, isolation)),
                open(RedisCache.create(
                        redis(), config.toBuilder().name(name + "-r").build(), codec, isolation)),
                open(TwoTierCache.create(
                        redis(), config.toBuilder().name(name + "-t").build(), codec, isolation)));
        List<Throwable> thrown = new ArrayList<>();
        for (Cache<V> c : caches) {
            thrown.add(catchThrowable(() -> c.put("k", value)));
            if (thrown.get(thrown.size() - 1) != null) {
                assertThat(c.contains("k")).as("%s stored a rejected value", c).isFalse();
            }
        }
        return thrown;
    }

    @Test
    void mutableValue_isRejectedByEveryBackend_notOnlyInProcess() {
        JacksonCodec<List<String>> lists = JacksonCodec.of(new ObjectMapper(), new TypeReference<List<String>>() {});
        List<Throwable> arrayList =
                putEverywhere("arraylist", lists, ValueIsolation.immutable(), new ArrayList<>(List.of("x")));
        List<Throwable> holder = putEverywhere(
                "holder",
                JacksonCodec.of(Holder.class),
                ValueIsolation.immutable(),
                new Holder("h", new ArrayList<>(List.of("x"))));
        List<Throwable> money =
                putEverywhere("money", JacksonCodec.of(Money.class), ValueIsolation.immutable(), new Money("EUR", 100));

        for (List<Throwable> each : List.of(arrayList, holder, money)) {
            assertThat(each).hasSize(3).allSatisfy(t -> assertThat(t)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'k'")
                    .hasMessageContaining("is not immutable"));
        }
    }

    @Test
    void immutableOrTrustedValue_isAcceptedByEveryBackend() {
        JacksonCodec<List<String>> lists = JacksonCodec.of(new ObjectMapper(), new TypeReference<List<String>>() {});
        assertThat(putEverywhere("list", lists, ValueIsolation.immutable(), List.of("x")))
                .containsOnlyNulls();
        assertThat(putEverywhere(
                        "trusted",
                        JacksonCodec.of(Money.class),
                        ValueIsolation.<Money>immutable().trusting(Money.class),
                        new Money("EUR", 100)))
                .containsOnlyNulls();
        assertThat(putEverywhere(
                        "copied",
                        lists,
                        ValueIsolation.<List<String>>copying(ArrayList::new),
                        new ArrayList<>(List.of("x"))))
                .containsOnlyNulls();
    }

    // ------------------------------------------------------------------ 3. values that cannot round trip

    public abstract static class Shape {
        public int sides;
    }

    public static class Animal {
        public String name;

        @Override
        public boolean equals(Object o) {
            return o != null && o.getClass() == getClass() && Objects.equals(((Animal) o).name, name);
        }

        @Override
        public int hashCode() {
            return Objects.hashCode(name);
        }
    }

    public static final class Dog extends Animal {
        public boolean goodBoy = true;
    }

    public record Point(int x, int y) {}

    public record Envelope(Object payload) {}

    @Test
    void jacksonCodec_ofATypeJsonCannotReadBack_isRefusedAtConstruction_namingTheType() {
        assertThatThrownBy(() -> JacksonCodec.of(Object.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("java.lang.Object");
        assertThatThrownBy(() -> JacksonCodec.of(Runnable.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("java.lang.Runnable");
        assertThatThrownBy(() -> JacksonCodec.of(Shape.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(Shape.class.getName());
        assertThatThrownBy(() -> JacksonCodec.of(new ObjectMapper(), new TypeReference<Map<String, Object>>() {}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("java.lang.Object");

        // what JSON reads back is accepted
        JacksonCodec.of(TestValue.class);
        JacksonCodec.of(new ObjectMapper(), new TypeReference<List<Long>>() {});
        JacksonCodec.of(new ObjectMapper(), new TypeReference<Map<String, TestValue>>() {});
    }

    @Test
    void valueOfASubclass_isRefusedAtPut_namingTheClass_andNothingIsStored() {
        RedisCache<Animal> animals = open(RedisCache.create(
                redis(),
                CacheConfig.builder().name("animals").build(),
                JacksonCodec.of(Animal.class),
                ValueIsolation.<Animal>immutable().trusting(Animal.class, Dog.class)));

        assertThatThrownBy(() -> animals.put("rex", new Dog()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(Dog.class.getName());
        assertThat(redis("EXISTS", "vt:animals:rex")).isEqualTo(":0");
    }

    @Test
    void valueThatReadsBackAsSomethingElse_isRefusedAtPut_namingTheClass() {
        RedisCache<Envelope> envelopes = redisCache("envelopes", JacksonCodec.of(Envelope.class));

        // the point would come back as a LinkedHashMap
        assertThatThrownBy(() -> envelopes.put("e", new Envelope(new Point(1, 2))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(Envelope.class.getName())
                .hasMessageContaining("'e'");
        assertThat(redis("EXISTS", "vt:envelopes:e")).isEqualTo(":0");
        envelopes.put("s", new Envelope("plain string"));
        assertThat(envelopes.get("s")).contains(new Envelope("plain string"));
    }

    @Test
    void thread_isNotStoredInRedis() {
        RedisCache<Thread> threads = open(RedisCache.create(
                redis(),
                CacheConfig.builder().name("threads").build(),
                JacksonCodec.of(Thread.class),
                ValueIsolation.<Thread>immutable().trusting(Thread.class)));

        assertThatThrownBy(() -> threads.put("t", Thread.currentThread()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("java.lang.Thread");
        assertThat(redis("EXISTS", "vt:threads:t")).isEqualTo(":0");
    }

    // ------------------------------------------------------------------ 4. serverStats while down

    @Test
    void serverStats_whileRedisIsDown_answersUnreachable_insteadOfThrowing() {
        try (RedisServer own = RedisServer.start();
                RedisCache<TestValue> cache = RedisCache.create(
                        RedisCacheConfig.builder()
                                .url(own.url())
                                .commandTimeout(Duration.ofMillis(300))
                                .connectTimeout(Duration.ofMillis(300))
                                .build(),
                        CacheConfig.builder().name("stats").build(),
                        JacksonCodec.of(TestValue.class))) {
            cache.put("a", TestValue.of("A", 1));
            cache.put("b", TestValue.of("B", 2));
            RedisServerStats up = cache.serverStats();
            assertThat(up.reachable()).isTrue();
            assertThat(up.lastError()).isEmpty();
            assertThat(up.usedMemoryBytes()).isPositive();
            assertThat(up.keysUnderPrefix()).isEqualTo(2);

            own.kill();
            Await.until(
                    "Redis seen down",
                    () -> !cache.health().healthy() || !cache.serverStats().reachable());
            RedisServerStats down = cache.serverStats();

            assertThat(down.reachable()).isFalse();
            assertThat(down.lastError()).isPresent();
            assertThat(down.usedMemoryBytes()).isEqualTo(-1);
            assertThat(down.evictedKeys()).isEqualTo(-1);
            assertThat(down.keysUnderPrefix()).isEqualTo(2);
            assertThat(down.keysCountedAt()).isEqualTo(up.keysCountedAt());
            assertThat(cache.stats().sets()).isEqualTo(2);
        }
    }

    // ------------------------------------------------------------------ 5. tag sets go with their entries

    @Test
    void invalidateByTag_takesTheRemovedEntriesOutOfTheirOtherTagSets() {
        RedisCache<TestValue> cache = redisCache("tags", JacksonCodec.of(TestValue.class));
        cache.put("a", TestValue.of("A", 1), WriteOptions.tags("guild:7", "user:7:1"));
        cache.put("b", TestValue.of("B", 2), WriteOptions.tags("guild:7", "user:7:2"));
        cache.put("c", TestValue.of("C", 3), WriteOptions.tags("user:7:1"));

        assertThat(cache.invalidateByTag("guild:7")).isEqualTo(2);

        assertThat(redis("EXISTS", "vt:tags:~vt~t:guild:7")).isEqualTo(":0");
        assertThat(redis("EXISTS", "vt:tags:~vt~t:user:7:2")).isEqualTo(":0");
        assertThat(redis("SCARD", "vt:tags:~vt~t:user:7:1")).isEqualTo(":1");
        assertThat(redis("SISMEMBER", "vt:tags:~vt~t:user:7:1", "vt:tags:c")).isEqualTo(":1");
        assertThat(cache.get("c")).contains(TestValue.of("C", 3));
        assertThat(cache.invalidateByTag("user:7:1")).isEqualTo(1);
        assertThat(keysUnder("vt:tags:")).as("keys left by the cache").isZero();
    }

    @Test
    void deletePatternAndReplace_takeTheEntryOutOfItsTagSets() {
        RedisCache<TestValue> cache = redisCache("untag", JacksonCodec.of(TestValue.class));
        cache.put("a", TestValue.of("A", 1), WriteOptions.tags("t1"));
        cache.put("p:1", TestValue.of("P", 1), WriteOptions.tags("t2"));
        cache.put("r", TestValue.of("R", 1), WriteOptions.tags("t3"));

        cache.delete("a");
        cache.invalidateByPattern("p:*");
        cache.put("r", TestValue.of("R", 2), WriteOptions.tags("t4"));

        assertThat(redis("EXISTS", "vt:untag:~vt~t:t1")).isEqualTo(":0");
        assertThat(redis("EXISTS", "vt:untag:~vt~t:t2")).isEqualTo(":0");
        assertThat(redis("EXISTS", "vt:untag:~vt~t:t3")).isEqualTo(":0");
        assertThat(redis("SISMEMBER", "vt:untag:~vt~t:t4", "vt:untag:r")).isEqualTo(":1");
    }

    /** How many keys start with {@code prefix} (KEYS is fine on a test server). */
    private long keysUnder(String prefix) {
        return Long.parseLong(redis("EVAL", "return #redis.call('KEYS', ARGV[1])", "0", prefix + "*")
                .substring(1));
    }
}
