package dev.voicetrack.jda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.LevelReward;
import dev.voicetrack.core.LevelRewards;
import dev.voicetrack.core.storage.InMemoryStorage;
import dev.voicetrack.emulator.DiscordEmulator;
import dev.voicetrack.emulator.EmulatedGuild;
import dev.voicetrack.emulator.EmulatedMember;
import dev.voicetrack.emulator.EmulatedRole;
import dev.voicetrack.emulator.RateLimits;
import dev.voicetrack.testkit.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The start-up sync over 10,000 members: members whose roles drifted while the bot was away are repaired, the
 * others are left alone, and no request is answered 429 (the emulator enforces a per-guild role-change limit).
 * Timing figures come from {@code RewardSyncLoad} in voicetrack-bench, not from here.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RewardSyncAtScaleIT {
    private static final int MEMBERS = 10_000;
    private static final int DRIFTED = 40;

    @Test
    void startupSync_ofTenThousandMembers_repairsOnlyTheDrift_withinTheRateLimits() throws InterruptedException {
        startupSync(true);
    }

    /** JDA caching only the members in voice: the sync lists the members over REST, in pages of 1,000. */
    @Test
    void startupSync_withoutAFullMemberCache_listsTheMembersOverRest_andRepairsOnlyTheDrift()
            throws InterruptedException {
        startupSync(false);
    }

    private void startupSync(boolean cacheAllMembers) throws InterruptedException {
        RateLimits limits = RateLimits.discordDefaults()
                .withRoleChanges(RateLimits.Limit.of(10, Duration.ofSeconds(1))); // Discord's 10 per 10 s, faster
        try (DiscordEmulator emulator =
                DiscordEmulator.builder().rateLimits(limits).start()) {
            EmulatedGuild guild = emulator.createGuild("Big");
            guild.createTextChannel("general");
            EmulatedRole bronze = guild.createRole("Bronze", 0);
            EmulatedRole silver = guild.createRole("Silver", 0);
            LevelRewards rewards = LevelRewards.of(List.of(
                    new LevelReward(LevelReward.Trigger.LEVEL, 1, Set.of(bronze.id()), false),
                    new LevelReward(LevelReward.Trigger.LEVEL, 5, Set.of(silver.id()), false)));
            InMemoryStorage storage = new InMemoryStorage();
            storage.init();
            storage.saveGuildConfig(
                    guild.id(), GuildConfig.builder().levelRewards(rewards).build());
            List<EmulatedMember> members = new ArrayList<>();
            for (int i = 0; i < MEMBERS; i++) {
                EmulatedMember m = guild.addMember("m" + i, false);
                members.add(m);
                int level = i % 8; // 0: nothing, 1..4: Bronze, 5..7: Silver
                if (level > 0) {
                    storage.setXp(guild.id(), m.user().id(), 100L * level, level);
                }
                boolean drifted = i % (MEMBERS / DRIFTED) == 0 && level > 0;
                if (!drifted && level > 0) {
                    m.addRole(level >= 5 ? silver : bronze); // synced before the restart
                } else if (drifted) {
                    m.addRole(level >= 5 ? bronze : silver); // the wrong one
                }
            }

            try (TestBot bot = TestBot.start(emulator, storage, new ManualClock(), t -> t, o -> o, cacheAllMembers)) {
                if (!cacheAllMembers) {
                    assertThat(bot.jda.getGuildById(guild.id()).isLoaded()).isFalse();
                }
                bot.await("the start-up reward sync", () -> bot.installation.rewardSyncs() >= 1);
                List<String> wrong = new ArrayList<>();
                for (int i = 0; i < MEMBERS; i++) {
                    int level = i % 8;
                    Set<String> expected = level == 0 ? Set.of() : Set.of(level >= 5 ? "Silver" : "Bronze");
                    Set<String> held = members.get(i).roles().stream()
                            .map(EmulatedRole::name)
                            .collect(Collectors.toSet());
                    if (!held.equals(expected)) {
                        wrong.add("m" + i + " holds " + held + ", expected " + expected);
                    }
                }
                assertThat(wrong).isEmpty();
                assertThat(emulator.rateLimitedResponses()).isZero();
            }
        }
    }
}
