package dev.voicetrack.jda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.LevelCalculator;
import dev.voicetrack.core.storage.InMemoryStorage;
import dev.voicetrack.emulator.DiscordEmulator;
import dev.voicetrack.emulator.EmulatedChannel;
import dev.voicetrack.emulator.EmulatedGuild;
import dev.voicetrack.emulator.EmulatedMember;
import dev.voicetrack.emulator.EmulatedRole;
import dev.voicetrack.emulator.Outage;
import dev.voicetrack.emulator.RecordedMessage;
import dev.voicetrack.testkit.ManualClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import net.dv8tion.jda.api.Permission;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Level role rewards through real JDA and the emulator: given on level-up, stacked or replaced, taken away by
 * {@code /xp}, given back on rejoin and after a restart, and a role above the bot reported once.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LevelRewardsIT {
    private static final Duration WAIT = TestBot.WAIT;
    private static final double MULTIPLIER =
            GuildConfig.defaults().levelMultiplierConfig().baseMultiplier();

    private DiscordEmulator emulator;
    private EmulatedGuild guild;
    private EmulatedChannel general;
    private EmulatedChannel levels;
    private EmulatedRole bronze;
    private EmulatedRole silver;
    private EmulatedRole gold;
    private EmulatedMember admin;
    private EmulatedMember alice;
    private ManualClock clock;
    private InMemoryStorage storage;
    private TestBot bot;

    @BeforeEach
    void start() throws InterruptedException {
        emulator = DiscordEmulator.start();
        guild = emulator.createGuild("Rewards");
        general = guild.createTextChannel("general");
        levels = guild.createTextChannel("levels");
        bronze = guild.createRole("Bronze", 0);
        silver = guild.createRole("Silver", 0);
        gold = guild.createRole("Gold", 0);
        admin = guild.addMember("admin", false);
        admin.addRole(guild.createRole("Admins", Permission.ADMINISTRATOR.getRawValue()));
        alice = guild.addMember("alice", false);
        clock = new ManualClock();
        storage = new InMemoryStorage();
        bot = TestBot.start(emulator, storage, clock, o -> o);
    }

    @AfterEach
    void stop() {
        if (bot != null) {
            bot.close();
        }
        emulator.close();
    }

    private RecordedMessage run(String command, Map<String, ?> options) {
        clock.advance(Duration.ofMinutes(1)); // past the per-user command rate limit
        return admin.invokeCommand(general, command, options).awaitReply(WAIT);
    }

    private void addRewards() {
        run("rewards add", Map.of("role", bronze, "level", 1)); // stacks (the default)
        run("rewards add", Map.of("role", silver, "level", 2, "mode", "replace"));
        run("rewards add", Map.of("role", gold, "level", 3, "mode", "replace"));
    }

    private Set<String> roles(EmulatedMember m) {
        return m.roles().stream().map(EmulatedRole::name).collect(Collectors.toSet());
    }

    private EmulatedMember current(EmulatedMember m) {
        return guild.members().stream()
                .filter(x -> x.user().id() == m.user().id())
                .findFirst()
                .orElseThrow();
    }

    private void awaitRoles(EmulatedMember m, String... names) {
        bot.await(m.user().username() + " holding " + List.of(names), () -> roles(current(m))
                .equals(Set.of(names)));
    }

    private void reachLevel(int level) {
        long xp = LevelCalculator.xpForLevel(level, MULTIPLIER);
        bot.tracker.setXp(guild.id(), alice.user().id(), xp - 1);
        bot.tracker.addXp(guild.id(), alice.user().id(), 1); // the level-up event
    }

    @Test
    void levelUps_giveRewards_stackedOrReplaced_andTheAnnouncementNamesThem() {
        run("config levelup", Map.of("mode", "channel", "channel", levels));
        addRewards();
        RecordedMessage list = run("rewards list", Map.of());
        assertThat(list.content())
                .contains("at level 1 → <@&" + bronze.id() + "> (stacks)")
                .contains("at level 2 → <@&" + silver.id() + "> (replaced by the next)");
        assertThat(bot.tracker.config(guild.id()).levelRewards().rewards()).hasSize(3);

        reachLevel(1);
        awaitRoles(alice, "Bronze");
        reachLevel(2);
        awaitRoles(alice, "Bronze", "Silver");
        reachLevel(3);
        awaitRoles(alice, "Bronze", "Gold");
        RecordedMessage announced = levels.awaitBotMessage(m -> m.content().contains("Level 3"), WAIT);
        assertThat(announced.content()).endsWith("Reward: <@&" + gold.id() + ">");
        assertThat(emulator.rateLimitedResponses()).isZero();
    }

    @Test
    void aLevelUpByDirectMessage_namesTheRewardRole_asAMentionWouldNotResolveThere() {
        run("config levelup", Map.of("mode", "dm"));
        run("rewards add", Map.of("role", bronze, "level", 1));
        run("rewards add", Map.of("role", silver, "level", 1));
        reachLevel(1);
        awaitRoles(alice, "Bronze", "Silver");
        RecordedMessage dm = alice.user()
                .directMessageChannel()
                .awaitBotMessage(m -> m.content().contains("Level 1"), WAIT);
        assertThat(dm.content()).containsAnyOf(" Reward: **Bronze**, **Silver**", " Reward: **Silver**, **Bronze**");
        assertThat(dm.content()).doesNotContain("<@&");
    }

    @Test
    void xpSetAndReset_takeRewardsAway_andRejoinGivesThemBack() {
        addRewards();
        reachLevel(3);
        awaitRoles(alice, "Bronze", "Gold");

        RecordedMessage set = run("xp set", Map.of("user", alice, "amount", LevelCalculator.xpForLevel(2, MULTIPLIER)));
        assertThat(set.content()).contains("level 2");
        awaitRoles(alice, "Bronze", "Silver");

        guild.removeMember(alice);
        EmulatedMember back = guild.addMember(alice.user());
        assertThat(back.roles()).isEmpty();
        awaitRoles(back, "Bronze", "Silver");

        run("xp reset", Map.of("user", back));
        awaitRoles(back);
        assertThat(bot.tracker
                        .getUser(guild.id(), back.user().id())
                        .orElseThrow()
                        .xp())
                .isZero();
        bot.tracker.tickNow(); // a tick does not bring the XP back
        assertThat(bot.tracker
                        .getUser(guild.id(), back.user().id())
                        .orElseThrow()
                        .xp())
                .isZero();
    }

    @Test
    void adminOperationsOfTheApplication_moveRewardsToo() {
        addRewards();
        reachLevel(2);
        awaitRoles(alice, "Bronze", "Silver");
        bot.tracker.setLevel(guild.id(), alice.user().id(), 1); // not through /xp: the tracker's levelSet event
        awaitRoles(alice, "Bronze");
        bot.tracker.deleteUser(guild.id(), alice.user().id());
        awaitRoles(alice);
    }

    @Test
    void aRestart_repairsDrift() throws InterruptedException {
        addRewards();
        reachLevel(2);
        awaitRoles(alice, "Bronze", "Silver");
        bot.close();
        bot = null;
        alice.removeRole(silver); // drift while the bot is away
        alice.addRole(gold);

        bot = TestBot.start(emulator, storage, clock, o -> o);
        awaitRoles(alice, "Bronze", "Silver");
        bot.await("the start-up sync counted", () -> bot.installation.rewardSyncs() >= 1);
    }

    @Test
    void aResume_syncsTheGuild_andRepairsDriftFromWhileTheBotWasAway() {
        addRewards();
        reachLevel(2);
        awaitRoles(alice, "Bronze", "Silver");
        // A barrier: the rewards thread runs its jobs in order, so once this sync has answered, the syncs the
        // start and the three /rewards add queued are done, and none of them can repair the drift below.
        run("rewards sync", Map.of());
        long syncs = bot.installation.rewardSyncs();
        long resumes = emulator.gatewayStats().resumes();
        Outage outage = emulator.beginOutage(true);
        try {
            alice.removeRole(silver); // a moderator's change while the bot is away: replayed on RESUME
            alice.addRole(gold);
        } finally {
            outage.end();
        }
        bot.await("the resume", () -> emulator.gatewayStats().resumes() > resumes);
        bot.await("the guild sync after the resume", () -> bot.installation.rewardSyncs() > syncs);
        awaitRoles(alice, "Bronze", "Silver");
    }

    @Test
    void aRoleAboveTheBot_isReportedOnce_markedBroken_andNeverRetriedInALoop() {
        run("config levelup", Map.of("mode", "channel", "channel", levels));
        EmulatedRole vip = guild.createRoleAboveBot("VIP", 0);
        run("rewards add", Map.of("role", bronze, "level", 1));
        run("rewards add", Map.of("role", vip, "level", 1));
        reachLevel(1);
        awaitRoles(alice, "Bronze");
        RecordedMessage sync = run("rewards sync", Map.of());
        assertThat(sync.content())
                .contains("⚠️ broken: <@&" + vip.id() + "> — the role is not below VoiceTrack's highest");
        run("rewards sync", Map.of());
        reachLevel(2);
        RecordedMessage list = run("rewards list", Map.of());
        assertThat(list.content()).contains("⚠️ broken: <@&" + vip.id() + ">");
        assertThat(levels.botMessages())
                .filteredOn(m -> m.content().contains("cannot give or take"))
                .singleElement()
                .extracting(RecordedMessage::content)
                .asString()
                .contains("<@&" + vip.id() + ">");
        assertThat(roles(current(alice))).containsExactly("Bronze");
    }

    @Test
    void theLevelUpMessage_doesNotClaimABrokenRole() {
        run("config levelup", Map.of("mode", "channel", "channel", levels));
        EmulatedRole vip = guild.createRoleAboveBot("VIP", 0);
        run("rewards add", Map.of("role", bronze, "level", 1));
        run("rewards add", Map.of("role", vip, "level", 1));
        reachLevel(1); // alice's sync finds VIP broken
        awaitRoles(alice, "Bronze");
        levels.awaitBotMessage(m -> m.content().contains("cannot give or take"), WAIT);
        EmulatedMember bob = guild.addMember("bob", false);
        bot.tracker.setXp(guild.id(), bob.user().id(), LevelCalculator.xpForLevel(1, MULTIPLIER) - 1);
        bot.tracker.addXp(guild.id(), bob.user().id(), 1);
        RecordedMessage announced = levels.awaitBotMessage(
                m -> m.content().contains("<@" + bob.user().id() + ">"), WAIT);
        assertThat(announced.content()).endsWith("Reward: <@&" + bronze.id() + ">");
    }

    @Test
    void anHourInVoice_givesTheVoiceTimeReward() {
        EmulatedChannel lounge = guild.createVoiceChannel("lounge");
        run("rewards add", Map.of("role", gold, "voice_hours", 1));
        long before = bot.installation.eventsEnqueued();
        alice.joinVoice(lounge);
        bot.awaitEnqueued(before, 1);
        bot.tracker.tickNow();
        clock.advance(Duration.ofMinutes(59));
        bot.tracker.tickNow();
        assertThat(roles(current(alice))).isEmpty();
        clock.advance(Duration.ofMinutes(2));
        bot.tracker.tickNow();
        awaitRoles(alice, "Gold");
    }

    @Test
    void aDeletedRole_isMarkedBroken_andTheRewardIsKept() {
        run("rewards add", Map.of("role", bronze, "level", 1));
        run("rewards add", Map.of("role", gold, "level", 1));
        reachLevel(1);
        awaitRoles(alice, "Bronze", "Gold");
        guild.deleteRole(gold);
        awaitRoles(alice, "Bronze");
        RecordedMessage sync = run("rewards sync", Map.of());
        assertThat(sync.content()).contains("⚠️ broken: <@&" + gold.id() + "> — the role was deleted");
        assertThat(bot.tracker.config(guild.id()).levelRewards().managedRoles()).contains(gold.id());
        assertThat(roles(current(alice))).containsExactly("Bronze");
    }

    @Test
    void badRewardCommands_areRefusedNamingTheValue() {
        RecordedMessage both = run("rewards add", Map.of("role", bronze, "level", 1, "voice_hours", 2));
        assertThat(both.content()).isEqualTo("❌ give exactly one of level and voice_hours, was both");
        RecordedMessage missing = run("rewards remove", Map.of("level", 7));
        assertThat(missing.content()).isEqualTo("❌ there is no reward at level 7");
        assertThat(bot.tracker.config(guild.id()).levelRewards().isEmpty()).isTrue();
    }
}
