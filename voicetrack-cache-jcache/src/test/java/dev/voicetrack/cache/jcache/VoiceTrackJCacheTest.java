package dev.voicetrack.cache.jcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voicetrack.cache.CacheConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryExpiredListener;
import javax.cache.expiry.AccessedExpiryPolicy;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.spi.CachingProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the provider adds to the JSR-107 API (the TCK checks the API itself). */
class VoiceTrackJCacheTest {

    private final AtomicLong nanos = new AtomicLong();
    private CacheManager manager;

    @BeforeEach
    void setUp() {
        manager = Caching.getCachingProvider().getCacheManager();
    }

    @AfterEach
    void tearDown() {
        for (String name : manager.getCacheNames()) {
            manager.destroyCache(name);
        }
    }

    private CacheConfig manualClock() {
        return CacheConfig.builder().ticker(nanos::get).unboundedEntries().build();
    }

    private void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    @Test
    void serviceLoader_findsTheVoiceTrackProvider() {
        CachingProvider provider = Caching.getCachingProvider();

        assertThat(provider).isInstanceOf(VoiceTrackCachingProvider.class);
        assertThat(provider.getDefaultURI()).isEqualTo(VoiceTrackCachingProvider.DEFAULT_URI);
    }

    @Test
    void expiry_followsTheInjectedTicker_andTellsExpiredListeners() {
        List<String> expired = new CopyOnWriteArrayList<>();
        var config = new VoiceTrackConfiguration<String, String>().setCacheConfig(manualClock());
        config.setTypes(String.class, String.class)
                .setExpiryPolicyFactory(
                        CreatedExpiryPolicy.factoryOf(new javax.cache.expiry.Duration(TimeUnit.MINUTES, 5)))
                .addCacheEntryListenerConfiguration(new MutableCacheEntryListenerConfiguration<>(
                        FactoryBuilder.factoryOf(new ExpiredKeys(expired)), null, true, true));
        Cache<String, String> cache = manager.createCache("expiry", config);

        cache.put("a", "1");
        advance(Duration.ofMinutes(4));
        assertThat(cache.get("a")).isEqualTo("1");
        advance(Duration.ofMinutes(1));

        assertThat(cache.get("a")).isNull();
        assertThat(expired).containsExactly("a=1");
    }

    @Test
    void accessExpiry_isRenewedOnEachRead() {
        var config = new VoiceTrackConfiguration<String, String>().setCacheConfig(manualClock());
        config.setExpiryPolicyFactory(
                AccessedExpiryPolicy.factoryOf(new javax.cache.expiry.Duration(TimeUnit.MINUTES, 5)));
        Cache<String, String> cache = manager.createCache("access", config);

        cache.put("a", "1");
        for (int i = 0; i < 3; i++) {
            advance(Duration.ofMinutes(4));
            assertThat(cache.get("a")).isEqualTo("1");
        }
        advance(Duration.ofMinutes(5));

        assertThat(cache.containsKey("a")).isFalse();
    }

    @Test
    void tier_givesTheTierTtl() {
        var config = new VoiceTrackConfiguration<String, String>()
                .setCacheConfig(manualClock())
                .setTier(CacheConfig.TIER_USER);
        Cache<String, String> cache = manager.createCache("tier", config);

        cache.put("a", "1");
        advance(Duration.ofMinutes(59));
        assertThat(cache.containsKey("a")).isTrue();
        advance(Duration.ofMinutes(1));

        assertThat(cache.containsKey("a")).isFalse();
    }

    @Test
    void tier_unknown_namesTheTierAndTheKnownOnes() {
        var config = new VoiceTrackConfiguration<String, String>();

        assertThatThrownBy(() -> config.setTier("weekly"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("weekly")
                .hasMessageContaining("user");
    }

    @Test
    void unwrap_reachesTheVoiceTrackCache_withReadableKeysAndTaggerTags() {
        var config = new VoiceTrackConfiguration<String, Profile>()
                .setTagger((key, profile) -> Set.of("guild:" + profile.guildId()));
        config.setTypes(String.class, Profile.class);
        Cache<String, Profile> cache = manager.createCache("profiles", config);
        cache.put("profile:1:10", new Profile(1, "ann"));
        cache.put("profile:1:11", new Profile(1, "bob"));
        cache.put("profile:2:10", new Profile(2, "cid"));

        dev.voicetrack.cache.Cache<?> ours = cache.unwrap(dev.voicetrack.cache.Cache.class);

        assertThat(ours.keys("profile:1:*")).containsExactlyInAnyOrder("profile:1:10", "profile:1:11");
        assertThat(ours.invalidateByTag("guild:1")).isEqualTo(2);
        assertThat(cache.get("profile:1:10")).isNull();
        assertThat(cache.get("profile:2:10")).isEqualTo(new Profile(2, "cid"));
    }

    @Test
    void storeByValue_nonSerializableValue_isRejectedNamingItsClass_andNothingIsStored() {
        Cache<String, Object> cache = manager.createCache("byValue", new MutableConfiguration<String, Object>());

        assertThatThrownBy(() -> cache.put("a", new Object()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("value")
                .hasMessageContaining("java.lang.Object");
        assertThat(cache.containsKey("a")).isFalse();
    }

    @Test
    void storeByValue_changingAValueAfterPut_doesNotChangeTheCache() {
        Cache<String, ArrayList<String>> cache =
                manager.createCache("copies", new MutableConfiguration<String, ArrayList<String>>());
        var list = new ArrayList<>(List.of("a"));

        cache.put("k", list);
        list.add("b");
        cache.get("k").add("c");

        assertThat(cache.get("k")).containsExactly("a");
    }

    /** Deeply immutable and serializable: a by-value cache may hand out the object itself. */
    record Snapshot(long userId, String name, List<String> roles) implements java.io.Serializable {}

    /** Serializable but mutable through its list component when that list is. */
    record Holder(List<String> items) implements java.io.Serializable {}

    @Test
    void storeByValue_sharesDeeplyImmutableValues_andCopiesMutableOnes() {
        Cache<String, Object> cache = manager.createCache("sharing", new MutableConfiguration<String, Object>());
        var snapshot = new Snapshot(42, "ann", List.of("admin"));
        var mutable = new Holder(new ArrayList<>(List.of("a")));
        var immutableHolder = new Holder(List.of("x"));

        cache.put("snapshot", snapshot);
        cache.put("mutable", mutable);
        cache.put("holder", immutableHolder);
        mutable.items().add("b");
        ((Holder) cache.get("mutable")).items().add("c");

        assertThat(cache.get("snapshot"))
                .as("no caller can change it, so no copy is made")
                .isSameAs(snapshot);
        assertThat(((Holder) cache.get("mutable")).items()).containsExactly("a");
        assertThat(cache.get("holder"))
                .as("a class once found mutable is copied from then on, even holding an immutable list")
                .isEqualTo(immutableHolder)
                .isNotSameAs(immutableHolder);
        assertThat(cache.getAndPut("snapshot", new Snapshot(42, "ann", List.of())))
                .isSameAs(snapshot);
    }

    @Test
    void invoke_manyThreadsOnOneKey_losesNoIncrement() throws Exception {
        Cache<String, Long> cache = manager.createCache("counter", new MutableConfiguration<String, Long>());
        int threads = 8;
        int perThread = 2_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        cache.invoke("n", (entry, args) -> {
                            entry.setValue(entry.exists() ? entry.getValue() + 1 : 1L);
                            return null;
                        });
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }

        assertThat(cache.get("n")).isEqualTo((long) threads * perThread);
    }

    @Test
    void keysOfOtherTypes_meetOnOneEntryWhenEqual() {
        Cache<Object, String> cache = manager.createCache("mixed", new MutableConfiguration<Object, String>());

        cache.put(42L, "long");
        cache.put(new Profile(1, "ann"), "record");
        cache.put("~tilde", "escaped string");

        assertThat(cache.get(42L)).isEqualTo("long");
        assertThat(cache.get(new Profile(1, "ann"))).isEqualTo("record");
        assertThat(cache.get("~tilde")).isEqualTo("escaped string");
        List<Object> keys = new ArrayList<>();
        cache.forEach(e -> keys.add(e.getKey()));
        assertThat(keys).containsExactlyInAnyOrder(42L, new Profile(1, "ann"), "~tilde");
    }

    record Profile(long guildId, String name) implements java.io.Serializable {}

    /** Records "key=oldValue" of each expired entry. */
    static final class ExpiredKeys implements CacheEntryExpiredListener<String, String>, java.io.Serializable {
        private static final long serialVersionUID = 1L;
        private final transient List<String> sink;

        ExpiredKeys(List<String> sink) {
            this.sink = sink;
        }

        @Override
        public void onExpired(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
            events.forEach(e -> sink.add(e.getKey() + "=" + e.getOldValue()));
        }
    }
}
