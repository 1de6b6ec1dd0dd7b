package dev.voicetrack.jda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.LevelCalculator;
import dev.voicetrack.core.LevelReward;
import dev.voicetrack.core.LevelRewards;
import dev.voicetrack.core.storage.InMemoryStorage;
import dev.voicetrack.emulator.DiscordEmulator;
import dev.voicetrack.emulator.EmulatedChannel;
import dev.voicetrack.emulator.EmulatedGuild;
import dev.voicetrack.emulator.EmulatedMember;
import dev.voicetrack.emulator.EmulatedRole;
import dev.voicetrack.emulator.RecordedMessage;
import dev.voicetrack.testkit.ManualClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import net.dv8tion.jda.api.Permission;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Broken reward roles reach the guild's admins in a guild without a level-up channel, through real JDA and the
 * emulator: in the channel where {@code /rewards} was last used, else in the guild's system channel, else by a
 * direct message to the owner; once per role, and in one message when several break in one sync.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RewardProblemReportsIT {
    private static final Duration WAIT = TestBot.WAIT;
    private static final double MULTIPLIER =
            GuildConfig.defaults().levelMultiplierConfig().baseMultiplier();
    private static final Predicate<RecordedMessage> REPORT = m -> m.content().contains("cannot give or take");

    private DiscordEmulator emulator;
    private EmulatedGuild guild;
    private EmulatedChannel general;
    private EmulatedChannel staff;
    private EmulatedRole bronze;
    private EmulatedMember admin;
    private EmulatedMember alice;
    private ManualClock clock;
    private TestBot bot;

    private void start(DiscordEmulator.Builder emulatorOptions) throws InterruptedException {
        emulator = emulatorOptions.start();
        guild = emulator.createGuild("Rewards");
        general = guild.createTextChannel("general");
        staff = guild.createTextChannel("staff");
        bronze = guild.createRole("Bronze", 0);
        admin = guild.addMember("admin", false);
        admin.addRole(guild.createRole("Admins", Permission.ADMINISTRATOR.getRawValue()));
        alice = guild.addMember("alice", false);
        clock = new ManualClock();
        bot = TestBot.start(emulator, new InMemoryStorage(), clock, o -> o);
    }

    @AfterEach
    void stop() {
        if (bot != null) {
            bot.close();
        }
        if (emulator != null) {
            emulator.close();
        }
    }

    private RecordedMessage run(EmulatedChannel channel, String command, Map<String, ?> options) {
        clock.advance(Duration.ofMinutes(1)); // past the per-user command rate limit
        return admin.invokeCommand(channel, command, options).awaitReply(WAIT);
    }

    /** Sets one level-1 reward of these roles as an application would, without {@code /rewards}. */
    private void setRewards(EmulatedRole... roles) {
        Set<Long> ids = java.util.Arrays.stream(roles).map(EmulatedRole::id).collect(Collectors.toSet());
        GuildConfig config = bot.tracker.config(guild.id());
        bot.tracker.updateConfig(
                guild.id(),
                config.toBuilder()
                        .levelRewards(
                                LevelRewards.of(List.of(new LevelReward(LevelReward.Trigger.LEVEL, 1, ids, true))))
                        .build());
    }

    private void reachLevel(int level) {
        long xp = LevelCalculator.xpForLevel(level, MULTIPLIER);
        bot.tracker.setXp(guild.id(), alice.user().id(), xp - 1);
        bot.tracker.addXp(guild.id(), alice.user().id(), 1); // the level-up event
    }

    private void awaitBronze() {
        bot.await("alice holding Bronze", () -> guild.members().stream()
                .filter(m -> m.user().id() == alice.user().id())
                .anyMatch(m -> m.roles().equals(List.of(bronze))));
    }

    private static List<RecordedMessage> reports(EmulatedChannel channel) {
        return channel.botMessages().stream().filter(REPORT).toList();
    }

    @Test
    void noLevelUpChannel_aRoleAboveTheBot_isReportedOnce_whereRewardsWasLastUsed() throws InterruptedException {
        start(DiscordEmulator.builder());
        guild.setSystemChannel(general); // there too, but the admins' own channel comes first
        EmulatedRole vip = guild.createRoleAboveBot("VIP", 0);
        run(staff, "rewards add", Map.of("role", bronze, "level", 1));
        run(staff, "rewards add", Map.of("role", vip, "level", 1));
        reachLevel(1);
        awaitBronze();
        RecordedMessage report = staff.awaitBotMessage(REPORT, WAIT);
        assertThat(report.content())
                .isEqualTo("⚠️ VoiceTrack cannot give or take the level reward role <@&" + vip.id()
                        + ">: the role is not below VoiceTrack's highest role. The reward is kept and marked broken"
                        + " until this is fixed (see /rewards list).");

        // later syncs and level-ups meet the same broken role: no second report anywhere
        run(staff, "rewards sync", Map.of());
        reachLevel(2);
        run(staff, "rewards sync", Map.of());
        RecordedMessage list = run(staff, "rewards list", Map.of());
        assertThat(list.content()).contains("⚠️ broken: <@&" + vip.id() + ">");
        assertThat(reports(staff)).hasSize(1);
        assertThat(reports(general)).isEmpty();
        assertThat(guild.owner().directMessageChannel().botMessages()).isEmpty();
    }

    @Test
    void noLevelUpChannel_noRewardsCommand_reportsInTheSystemChannel() throws InterruptedException {
        start(DiscordEmulator.builder());
        guild.setSystemChannel(staff); // after the bot connected: it learns it from GUILD_UPDATE
        bot.await("JDA seeing the system channel", () -> {
            var g = bot.jda.getGuildById(guild.id());
            return g != null && g.getSystemChannel() != null;
        });
        EmulatedRole vip = guild.createRoleAboveBot("VIP", 0);
        setRewards(bronze, vip);
        reachLevel(1);
        awaitBronze();
        RecordedMessage report = staff.awaitBotMessage(REPORT, WAIT);
        assertThat(report.content()).contains("<@&" + vip.id() + ">: the role is not below VoiceTrack's highest");

        reachLevel(2);
        run(general, "rewards sync", Map.of()); // answers after the level-up's member sync (one rewards thread)
        assertThat(reports(staff)).hasSize(1);
        assertThat(reports(general)).isEmpty();
    }

    @Test
    void noWritableChannel_reportsToTheOwnerByDirectMessage() throws InterruptedException {
        start(DiscordEmulator.builder());
        EmulatedRole vip = guild.createRoleAboveBot("VIP", 0);
        setRewards(bronze, vip);
        reachLevel(1);
        awaitBronze();
        RecordedMessage dm = guild.owner().directMessageChannel().awaitBotMessage(REPORT, WAIT);
        assertThat(dm.content())
                .isEqualTo("⚠️ In your server **Rewards**, VoiceTrack cannot give or take this level reward role (no"
                        + " channel there lets VoiceTrack tell the admins):\n• **VIP**: the role is not below"
                        + " VoiceTrack's highest role\nThe reward is kept and marked broken until this is fixed (see"
                        + " /rewards list).");
        assertThat(reports(general)).isEmpty();
        assertThat(reports(staff)).isEmpty();
    }

    @Test
    void manageRolesMissing_breaksEveryReward_inOneReport() throws InterruptedException {
        // the bot may read and write messages but not manage roles
        start(DiscordEmulator.builder()
                .botPermissions(Permission.getRaw(
                        Permission.VIEW_CHANNEL, Permission.MESSAGE_SEND, Permission.MESSAGE_EMBED_LINKS)));
        EmulatedRole silver = guild.createRole("Silver", 0);
        guild.setSystemChannel(staff);
        bot.await("JDA seeing the system channel", () -> {
            var g = bot.jda.getGuildById(guild.id());
            return g != null && g.getSystemChannel() != null;
        });
        setRewards(bronze, silver);
        reachLevel(1);
        RecordedMessage report = staff.awaitBotMessage(REPORT, WAIT);
        assertThat(report.content())
                .startsWith("⚠️ VoiceTrack cannot give or take these level reward roles:\n")
                .contains("• <@&" + bronze.id() + ">: VoiceTrack lacks the Manage Roles permission\n")
                .contains("• <@&" + silver.id() + ">: VoiceTrack lacks the Manage Roles permission\n");
        reachLevel(2);
        run(general, "rewards sync", Map.of());
        assertThat(reports(staff)).hasSize(1);
        assertThat(reports(general)).isEmpty();
        assertThat(alice.roles()).isEmpty();
    }
}
