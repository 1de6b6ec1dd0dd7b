package dev.voicetrack.testkit.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.cache.Cache;
import dev.voicetrack.cache.CacheConfig;
import dev.voicetrack.cache.InProcessCache;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * How the contract's TTL probes treat a backend whose expiry also runs on real time: an entry gone
 * early is a defect only when the backend cannot have seen its TTL pass; when the machine was too
 * slow to tell, the scenario runs again.
 */
class ContractTimingTest {

    /**
     * An in-process cache posing as a real-time backend. The first time the suite lets time pass, the
     * backend also sees 300 ms more: passed on the real clock too (a loaded machine) or not (early
     * expiry). The real clock is the test's own and moves only by that stall (the suite adds the time it
     * passes on its ticker itself), so how loaded the machine running this test is cannot change the
     * outcome.
     */
    abstract static class OnceSlowerBackend extends CacheContractTest {
        private boolean slowed;
        private long realNanos;

        @Override
        protected long realNanos() {
            return realNanos;
        }

        abstract boolean stallIsReal();

        @Override
        protected Cache<TestValue> newCache(CacheConfig config) {
            return InProcessCache.create(config);
        }

        @Override
        protected Cache<LeakyValue> newLeakyValueCache(CacheConfig config) {
            return InProcessCache.create(config);
        }

        @Override
        protected Duration timingSlack() {
            return Duration.ofMillis(100);
        }

        @Override
        protected void advance(Duration duration) {
            super.advance(duration);
            if (!slowed) {
                slowed = true;
                if (stallIsReal()) {
                    realNanos += Duration.ofMillis(300).toNanos();
                }
                super.advance(Duration.ofMillis(300));
            }
        }
    }

    static final class LoadedMachine extends OnceSlowerBackend {
        @Override
        boolean stallIsReal() {
            return true;
        }
    }

    static final class EarlyExpiry extends OnceSlowerBackend {
        @Override
        boolean stallIsReal() {
            return false;
        }
    }

    private static TestExecutionSummary runSubSecondTtlTest(Class<? extends CacheContractTest> backend) {
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        LauncherFactory.create()
                .execute(
                        LauncherDiscoveryRequestBuilder.request()
                                .selectors(DiscoverySelectors.selectNestedMethod(
                                        List.of(backend),
                                        CacheContractTest.Ttl.class,
                                        "subSecondTtl_of250ms_isHonoured"))
                                .build(),
                        listener);
        return listener.getSummary();
    }

    @Test
    void ttlProbe_onALoadedMachine_runsTheScenarioAgainAndPasses() {
        TestExecutionSummary summary = runSubSecondTtlTest(LoadedMachine.class);

        assertThat(summary.getTestsFoundCount()).isEqualTo(1);
        assertThat(summary.getFailures()).isEmpty();
        assertThat(summary.getTestsSucceededCount()).isEqualTo(1);
    }

    @Test
    void ttlProbe_entryGoneBeforeTheBackendCanHaveSeenItsTtl_fails() {
        TestExecutionSummary summary = runSubSecondTtlTest(EarlyExpiry.class);

        assertThat(summary.getTestsFoundCount()).isEqualTo(1);
        assertThat(summary.getFailures()).hasSize(1);
        assertThat(summary.getFailures().get(0).getException())
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("just before its TTL");
    }
}
