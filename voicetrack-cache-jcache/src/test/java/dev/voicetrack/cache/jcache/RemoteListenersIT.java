package dev.voicetrack.cache.jcache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.testkit.redis.RedisServer;
import java.io.File;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.Factory;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryEventFilter;
import javax.cache.event.CacheEntryExpiredListener;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.event.CacheEntryUpdatedListener;
import javax.cache.event.EventType;
import javax.cache.expiry.Duration;
import javax.cache.expiry.ExpiryPolicy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Entry listeners on Redis caches hear the changes other processes make. Two cache managers of
 * their own providers, each with its own Redis connections, are what two processes look like to
 * Redis; one test runs the writer in a second JVM.
 *
 * <p>Events travel asynchronously, so each test waits (bounded) for the ones it expects; that no
 * event comes twice is checked through ordering: Redis delivers one channel's messages in the order
 * it received them, so an echo of our own change would arrive before any later change of the other
 * manager.
 */
class RemoteListenersIT {

    private static final long WAIT_SECONDS = 10;

    static RedisServer server;

    @BeforeAll
    static void start() {
        server = RedisServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static CacheManager managerOf(String prefix) {
        var properties = new Properties();
        properties.setProperty(VoiceTrackCachingProvider.KEY_PREFIX_PROPERTY, prefix);
        return new VoiceTrackCachingProvider()
                .getCacheManager(URI.create(server.url()), RemoteListenersIT.class.getClassLoader(), properties);
    }

    /** What a listener saw of one event. */
    record Seen(EventType type, String key, String value, String oldValue, boolean oldValueAvailable) {
        static Seen of(CacheEntryEvent<? extends String, ? extends String> e) {
            return new Seen(e.getEventType(), e.getKey(), e.getValue(), e.getOldValue(), e.isOldValueAvailable());
        }
    }

    /** Records every event it is given, whatever the thread. */
    static final class Recorder
            implements CacheEntryCreatedListener<String, String>,
                    CacheEntryUpdatedListener<String, String>,
                    CacheEntryRemovedListener<String, String>,
                    CacheEntryExpiredListener<String, String> {
        final BlockingQueue<Seen> seen = new LinkedBlockingQueue<>();

        private void record(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
            events.forEach(e -> seen.add(Seen.of(e)));
        }

        @Override
        public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
            record(events);
        }

        @Override
        public void onUpdated(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
            record(events);
        }

        @Override
        public void onRemoved(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
            record(events);
        }

        @Override
        public void onExpired(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
            record(events);
        }

        Seen next() throws InterruptedException {
            Seen s = seen.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            assertThat(s).as("an event within %d s", WAIT_SECONDS).isNotNull();
            return s;
        }

        List<Seen> next(int n) throws InterruptedException {
            List<Seen> all = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                all.add(next());
            }
            return all;
        }
    }

    private static MutableCacheEntryListenerConfiguration<String, String> listening(
            Recorder recorder,
            CacheEntryEventFilter<String, String> filter,
            boolean oldValueRequired,
            boolean synchronous) {
        Factory<Recorder> listener = () -> recorder;
        Factory<CacheEntryEventFilter<String, String>> filterFactory = filter == null ? null : () -> filter;
        return new MutableCacheEntryListenerConfiguration<>(listener, filterFactory, oldValueRequired, synchronous);
    }

    private static MutableConfiguration<String, String> strings() {
        return new MutableConfiguration<String, String>().setTypes(String.class, String.class);
    }

    @Test
    void listenerHearsTheOtherManagersCreateUpdateRemove_withOldValues_andItsOwnChangesOnce() throws Exception {
        try (CacheManager a = managerOf("rl1:");
                CacheManager b = managerOf("rl1:")) {
            Cache<String, String> onA = a.createCache("profiles", strings());
            Cache<String, String> onB = b.createCache("profiles", strings());
            var heardOnA = new Recorder();
            var heardOnB = new Recorder();
            onA.registerCacheEntryListener(listening(heardOnA, null, true, true));
            onB.registerCacheEntryListener(listening(heardOnB, null, true, false));

            onB.put("k", "v1");
            onB.put("k", "v2");
            onB.remove("k");

            assertThat(heardOnA.next(3))
                    .containsExactly(
                            new Seen(EventType.CREATED, "k", "v1", null, false),
                            new Seen(EventType.UPDATED, "k", "v2", "v1", true),
                            new Seen(EventType.REMOVED, "k", "v2", "v2", true));
            assertThat(heardOnB.next(3))
                    .extracting(Seen::type)
                    .as("B's own listener hears its changes once, locally")
                    .containsExactly(EventType.CREATED, EventType.UPDATED, EventType.REMOVED);

            onA.put("mine", "x");
            assertThat(heardOnA.seen.poll())
                    .as("a synchronous listener has a local change before put returns")
                    .isEqualTo(new Seen(EventType.CREATED, "mine", "x", null, false));
            assertThat(heardOnB.next()).isEqualTo(new Seen(EventType.CREATED, "mine", "x", null, false));
            // A's message has reached Redis and B; an echo to A would come before B's next change
            onB.put("after", "y");

            assertThat(heardOnA.next()).isEqualTo(new Seen(EventType.CREATED, "after", "y", null, false));
            assertThat(heardOnB.next().key()).isEqualTo("after");
            onB.remove("after");
            assertThat(heardOnA.next().type()).isEqualTo(EventType.REMOVED);
            assertThat(heardOnA.seen).as("nothing delivered twice").isEmpty();
        }
    }

    @Test
    void filtersRunOnTheReceivingSide_andOldValuesOnlyWhenAskedFor() throws Exception {
        try (CacheManager a = managerOf("rl2:");
                CacheManager b = managerOf("rl2:")) {
            Cache<String, String> onA = a.createCache("filtered", strings());
            Cache<String, String> onB = b.createCache("filtered", strings());
            var kept = new Recorder();
            onA.registerCacheEntryListener(listening(kept, e -> e.getKey().startsWith("keep"), false, false));

            onB.put("keep:1", "a");
            onB.put("drop:1", "b");
            onB.put("keep:1", "c");
            onB.put("drop:1", "d");
            onB.remove("keep:1");

            assertThat(kept.next(3))
                    .containsExactly(
                            new Seen(EventType.CREATED, "keep:1", "a", null, false),
                            new Seen(EventType.UPDATED, "keep:1", "c", null, false),
                            new Seen(EventType.REMOVED, "keep:1", null, null, false));
            onB.put("keep:2", "e");
            assertThat(kept.next().key()).as("the dropped keys never arrived").isEqualTo("keep:2");
        }
    }

    @Test
    void twoTierCache_withTheListenerInItsConfiguration_hearsTheOtherManager() throws Exception {
        try (CacheManager a = managerOf("rl5:");
                CacheManager b = managerOf("rl5:")) {
            var heard = new Recorder();
            var twoTier = new VoiceTrackConfiguration<String, String>().setTwoTier(true);
            twoTier.setTypes(String.class, String.class);
            twoTier.addCacheEntryListenerConfiguration(listening(heard, null, true, false));
            Cache<String, String> onA = a.createCache("tiered", twoTier);
            Cache<String, String> onB = b.createCache("tiered", strings());

            onB.put("k", "v1");
            assertThat(heard.next()).isEqualTo(new Seen(EventType.CREATED, "k", "v1", null, false));
            assertThat(onA.get("k")).isEqualTo("v1");
            onB.put("k", "v2");

            assertThat(heard.next()).isEqualTo(new Seen(EventType.UPDATED, "k", "v2", "v1", true));
            onB.remove("k");
            assertThat(heard.next()).isEqualTo(new Seen(EventType.REMOVED, "k", "v2", "v2", true));
            assertThat(heard.seen).isEmpty();
        }
    }

    /** Eternal on creation; read once, an entry expires at that instant. */
    public static final class ExpiresOnRead implements ExpiryPolicy {
        @Override
        public Duration getExpiryForCreation() {
            return Duration.ETERNAL;
        }

        @Override
        public Duration getExpiryForAccess() {
            return Duration.ZERO;
        }

        @Override
        public Duration getExpiryForUpdate() {
            return null;
        }
    }

    @Test
    void listenerHearsAnExpiryTheOtherManagerFound_withTheExpiredValue() throws Exception {
        try (CacheManager a = managerOf("rl3:");
                CacheManager b = managerOf("rl3:")) {
            MutableConfiguration<String, String> config = strings().setExpiryPolicyFactory(ExpiresOnRead::new);
            Cache<String, String> onA = a.createCache("sessions", config);
            Cache<String, String> onB = b.createCache("sessions", config);
            var heard = new Recorder();
            onA.registerCacheEntryListener(listening(heard, null, true, false));

            onB.put("s", "token");
            assertThat(onB.get("s")).isEqualTo("token");
            assertThat(onB.get("s")).as("expired by the read before").isNull();

            assertThat(heard.next(2))
                    .containsExactly(
                            new Seen(EventType.CREATED, "s", "token", null, false),
                            new Seen(EventType.EXPIRED, "s", "token", "token", true));
        }
    }

    @Test
    void listenerHearsChangesMadeInAnotherJvm() throws Exception {
        try (CacheManager a = managerOf("rl4:")) {
            Cache<String, String> onA = a.createCache("remote", strings());
            var heard = new Recorder();
            onA.registerCacheEntryListener(listening(heard, null, true, false));

            String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
            Process child = new ProcessBuilder(
                            java,
                            "-cp",
                            System.getProperty("java.class.path"),
                            RemoteWriterMain.class.getName(),
                            server.url(),
                            "rl4:",
                            "remote")
                    .redirectErrorStream(true)
                    .start();
            boolean exited = child.waitFor(60, TimeUnit.SECONDS);
            String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(exited).as("the writer JVM ended: %s", output).isTrue();
            assertThat(child.exitValue())
                    .as("the writer JVM's exit code; output: %s", output)
                    .isZero();

            assertThat(heard.next(3))
                    .containsExactly(
                            new Seen(EventType.CREATED, "k", "v1", null, false),
                            new Seen(EventType.UPDATED, "k", "v2", "v1", true),
                            new Seen(EventType.REMOVED, "k", "v2", "v2", true));
            assertThat(onA.get("k")).isNull();
        }
    }
}
