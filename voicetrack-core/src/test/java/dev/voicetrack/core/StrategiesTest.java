package dev.voicetrack.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.core.storage.InMemoryStorage;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The built-ins give the original's results; custom strategies work sync and async. */
class StrategiesTest {

    private static long xpAfterOneCheck(GuildConfig config, MemberInfo member) {
        return xpAfterOneCheck(VoiceTracker.builder().manualTicks().defaultConfig(config), member);
    }

    private static long xpAfterOneCheck(VoiceTrackerBuilder b, MemberInfo member) {
        try (var f = new Fixture(b, null, new InMemoryStorage(), VoiceView.EMPTY)) {
            f.join(1, Fixture.C1, member);
            f.tickAfterSeconds(5);
            return f.user(1).xp();
        }
    }

    @Test
    void fixed_givesBaseAmount_orFive() {
        assertThat(xpAfterOneCheck(GuildConfig.defaults(), MemberInfo.PLAIN)).isEqualTo(5);
        var ten = GuildConfig.builder().xpConfig(XpConfig.ofBaseAmount(10)).build();
        assertThat(xpAfterOneCheck(ten, MemberInfo.PLAIN)).isEqualTo(10);
        var unset = GuildConfig.builder().xpConfig(XpConfig.EMPTY).build();
        assertThat(xpAfterOneCheck(unset, MemberInfo.PLAIN)).isEqualTo(5);
    }

    @Test
    void roleBased_firstListedRoleWins_elseBase() {
        var roles = new LinkedHashMap<Long, Long>();
        roles.put(11L, 15L);
        roles.put(22L, 20L);
        var cfg = GuildConfig.builder()
                .xpStrategy(Strategies.XP_ROLE_BASED)
                .xpConfig(new XpConfig(5L, roles, null, null, null))
                .build();
        assertThat(xpAfterOneCheck(cfg, MemberInfo.withRoles(22L, 11L))).isEqualTo(15);
        assertThat(xpAfterOneCheck(cfg, MemberInfo.withRoles(22L))).isEqualTo(20);
        assertThat(xpAfterOneCheck(cfg, MemberInfo.withRoles(33L))).isEqualTo(5);
    }

    @Test
    void boosterBonus_multipliesForBoosters() {
        var cfg = GuildConfig.builder()
                .xpStrategy(Strategies.XP_BOOSTER_BONUS)
                .xpConfig(new XpConfig(10L, Map.of(), 2.0, null, null))
                .build();
        assertThat(xpAfterOneCheck(cfg, new MemberInfo(false, Set.of(), true, Set.of())))
                .isEqualTo(20);
        assertThat(xpAfterOneCheck(cfg, MemberInfo.PLAIN)).isEqualTo(10);
        var unset = GuildConfig.builder()
                .xpStrategy(Strategies.XP_BOOSTER_BONUS)
                .xpConfig(XpConfig.EMPTY)
                .build();
        assertThat(xpAfterOneCheck(unset, new MemberInfo(false, Set.of(), true, Set.of())))
                .isEqualTo(20);
    }

    @Test
    void random_staysInRange_andUsesTheInjectedGenerator() {
        var cfg = GuildConfig.builder()
                .xpStrategy(Strategies.XP_RANDOM)
                .xpConfig(new XpConfig(null, Map.of(), null, 5L, 15L))
                .build();
        long a = xpAfterOneCheck(
                VoiceTracker.builder().manualTicks().defaultConfig(cfg).random(new SplittableRandom(42)),
                MemberInfo.PLAIN);
        long b = xpAfterOneCheck(
                VoiceTracker.builder().manualTicks().defaultConfig(cfg).random(new SplittableRandom(42)),
                MemberInfo.PLAIN);
        assertThat(a).isBetween(5L, 15L).isEqualTo(b);
    }

    @Test
    void fixedAndScaledVoiceTime_creditPerCheck_elapsedMeasures() {
        var fixed = GuildConfig.builder()
                .voiceTimeStrategy(Strategies.VOICE_TIME_FIXED)
                .build();
        var scaled = GuildConfig.builder()
                .voiceTimeStrategy(Strategies.VOICE_TIME_SCALED)
                .voiceTimeConfig(new VoiceTimeConfig(5000L, 1.5))
                .build();
        for (var c : new GuildConfig[] {fixed, scaled, GuildConfig.defaults()}) {
            try (var f = new Fixture(c)) {
                f.join(1, Fixture.C1);
                f.tickAfterSeconds(10);
                long expected = c == fixed ? 5000 : c == scaled ? 7500 : 10_000;
                assertThat(f.user(1).voiceTimeMs()).isEqualTo(expected);
            }
        }
    }

    @Test
    void levelMultipliers_standardFastSlow() {
        for (var e : Map.of("standard", 0.1, "fast", 0.15, "slow", 0.05).entrySet()) {
            try (var f = new Fixture(
                    GuildConfig.builder().levelMultiplierStrategy(e.getKey()).build())) {
                assertThat(f.tracker.levelMultiplier(Fixture.G)).isEqualTo(e.getValue());
            }
        }
    }

    @Test
    void customStrategies_syncAndAsync() {
        var b = VoiceTracker.builder()
                .manualTicks()
                .registerXpStrategy("double-channel", m -> m.channelSize() * 2L)
                .registerAsyncXpStrategy("db", m -> CompletableFuture.supplyAsync(() -> 7L))
                .registerVoiceTimeStrategy("half", (m, measured) -> measured / 2)
                .registerLevelMultiplierStrategy("steep", (g, c) -> 0.5);
        try (var f = new Fixture(
                b.defaultConfig(GuildConfig.builder()
                        .xpStrategy("double-channel")
                        .voiceTimeStrategy("half")
                        .levelMultiplierStrategy("steep")
                        .build()),
                null,
                new InMemoryStorage(),
                VoiceView.EMPTY)) {
            f.join(1, Fixture.C1);
            f.join(2, Fixture.C1);
            f.tickAfterSeconds(10);
            assertThat(f.user(1).xp()).isEqualTo(4);
            assertThat(f.user(1).voiceTimeMs()).isEqualTo(5000);
            assertThat(f.user(1).level()).isEqualTo(1); // floor(0.5 * sqrt(4))
            f.tracker.updateConfig(
                    Fixture.G, GuildConfig.builder().xpStrategy("db").build());
            f.tickAfterSeconds(10);
            assertThat(f.user(1).xp()).isEqualTo(11);
        }
    }
}
