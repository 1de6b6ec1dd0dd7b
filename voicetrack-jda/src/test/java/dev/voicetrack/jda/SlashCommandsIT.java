package dev.voicetrack.jda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voicetrack.cache.Cache;
import dev.voicetrack.cache.CacheConfig;
import dev.voicetrack.cache.CacheEntry;
import dev.voicetrack.cache.CacheWarmer;
import dev.voicetrack.cache.InProcessCache;
import dev.voicetrack.core.storage.InMemoryStorage;
import dev.voicetrack.emulator.DiscordEmulator;
import dev.voicetrack.emulator.EmulatedChannel;
import dev.voicetrack.emulator.EmulatedGuild;
import dev.voicetrack.emulator.EmulatedMember;
import dev.voicetrack.emulator.EmulatedRole;
import dev.voicetrack.emulator.EmulatorException;
import dev.voicetrack.emulator.RecordedMessage;
import dev.voicetrack.emulator.RegisteredCommand;
import dev.voicetrack.testkit.ManualClock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.Permission;
import net.dv8tion.jda.api.interactions.InteractionContextType;
import net.dv8tion.jda.api.interactions.commands.build.Commands;
import net.dv8tion.jda.api.requests.GatewayIntent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/** The slash commands through real JDA and the emulator: permissions, DMs, rate limits, config, cache tools. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SlashCommandsIT {
    private static final Duration WAIT = TestBot.WAIT;
    private static final long ADMINISTRATOR = Permission.ADMINISTRATOR.getRawValue();

    private DiscordEmulator emulator;
    private EmulatedGuild guild;
    private EmulatedChannel general;
    private EmulatedChannel levels;
    private EmulatedMember admin;
    private EmulatedMember member;
    private EmulatedMember spammer;
    private ManualClock clock;
    private InMemoryStorage storage;
    private Cache<Object> cache;
    private TestBot bot;

    @BeforeAll
    void start() throws InterruptedException {
        emulator = DiscordEmulator.start();
        guild = emulator.createGuild("Commands");
        general = guild.createTextChannel("general");
        levels = guild.createTextChannel("levels");
        EmulatedRole admins = guild.createRole("Admins", ADMINISTRATOR);
        admin = guild.addMember("admin", false);
        admin.addRole(admins);
        member = guild.addMember("member", false);
        spammer = guild.addMember("spammer", false);
        clock = new ManualClock();
        storage = new InMemoryStorage();
        cache = InProcessCache.create(CacheConfig.builder().name("test").build());
        CacheWarmer<Object> warmer = CacheWarmer.builder(cache)
                .task("config", () -> List.of(CacheEntry.of("cfg:a", "A"), CacheEntry.of("cfg:b", "B")))
                .build();
        bot = TestBot.start(emulator, storage, clock, o -> o.cache(cache).warmer(warmer));
    }

    /** A fresh rate-limit window for every test; the rate-limit test moves the clock itself. */
    @BeforeEach
    void newRateLimitWindow() {
        clock.advance(Duration.ofMinutes(1));
    }

    @AfterAll
    void stop() throws InterruptedException {
        if (bot != null) {
            bot.close();
        }
        cache.close();
        emulator.close();
    }

    @Test
    void commands_areGuildOnly_andAdminCommandsCarryDefaultMemberPermissions() {
        long manageServer = Permission.MANAGE_SERVER.getRawValue();
        List<RegisteredCommand> commands = emulator.registeredCommands();
        assertThat(commands)
                .extracting(RegisteredCommand::name)
                .containsExactlyInAnyOrder(
                        "stats",
                        "rank",
                        "leaderboard",
                        "cachestats",
                        "dbstats",
                        "backup",
                        "optimize",
                        "cache-clear",
                        "cache-warm",
                        "cache-info",
                        "config");
        for (RegisteredCommand c : commands) {
            assertThat(c.contexts()).as(c.name()).containsExactly(0);
            boolean adminCommand = !List.of("stats", "rank", "leaderboard").contains(c.name());
            if (adminCommand) {
                assertThat(c.defaultMemberPermissions()).as(c.name()).hasValue(manageServer);
            } else {
                assertThat(c.defaultMemberPermissions()).as(c.name()).isEmpty();
            }
        }
    }

    @Test
    void nonAdmin_isRefusedByDiscord_andByTheBotWhenAServerOverridesThePermission() {
        assertThatThrownBy(() -> member.invokeCommand(general, "backup", Map.of()))
                .isInstanceOf(EmulatorException.class);

        // a server admin may let everyone use the command (Integrations settings): the bot checks again
        bot.jda
                .upsertCommand(Commands.slash("cache-clear", "Clear cache entries")
                        .addOption(net.dv8tion.jda.api.interactions.commands.OptionType.STRING, "pattern", "p", false)
                        .setContexts(InteractionContextType.GUILD))
                .complete();
        cache.put("user:1:2", "x");
        RecordedMessage refused = member.invokeCommand(general, "cache-clear", Map.of("pattern", "all"))
                .awaitReply(WAIT);
        assertThat(refused.ephemeral()).isTrue();
        assertThat(refused.content()).contains("Manage Server or Administrator");
        assertThat(cache.contains("user:1:2")).isTrue();
        restoreCommands();
    }

    @Test
    void commandInDirectMessage_isAnsweredNotCrashed() {
        // Discord does not offer guild-only commands in DMs ...
        assertThatThrownBy(() -> member.user().invokeDirectCommand("stats", Map.of()))
                .isInstanceOf(EmulatorException.class);
        // ... but a stale registration that allows DMs must still get an answer
        bot.jda
                .upsertCommand(Commands.slash("stats", "Voice stats")
                        .setContexts(InteractionContextType.GUILD, InteractionContextType.BOT_DM))
                .complete();
        RecordedMessage answer =
                member.user().invokeDirectCommand("stats", Map.of()).awaitReply(WAIT);
        assertThat(answer.ephemeral()).isTrue();
        assertThat(answer.content()).contains("only in a server");
        restoreCommands();
    }

    @Test
    void rateLimit_answersTryAgainInNs_untilTheWindowPasses() {
        for (int i = 0; i < VoiceTrackJdaBuilder.DEFAULT_RATE_LIMIT_PERMITS; i++) {
            RecordedMessage ok =
                    spammer.invokeCommand(general, "rank", Map.of()).awaitReply(WAIT);
            assertThat(ok.content()).doesNotContain("too fast");
        }
        clock.advance(Duration.ofMillis(2500));
        RecordedMessage limited =
                spammer.invokeCommand(general, "rank", Map.of()).awaitReply(WAIT);
        assertThat(limited.ephemeral()).isTrue();
        assertThat(limited.content()).isEqualTo("⏳ You're using /rank too fast; try again in 8s.");
        // other commands have their own budget
        assertThat(spammer.invokeCommand(general, "stats", Map.of())
                        .awaitReply(WAIT)
                        .content())
                .doesNotContain("too fast");
        clock.advance(Duration.ofSeconds(8));
        assertThat(spammer.invokeCommand(general, "rank", Map.of())
                        .awaitReply(WAIT)
                        .content())
                .doesNotContain("too fast");
    }

    @Test
    void badInput_isAnsweredWithAnEphemeralErrorNamingTheValue() {
        RecordedMessage level = member.invokeCommand(general, "leaderboard", Map.of("metric", "level", "window", "7d"))
                .awaitReply(WAIT);
        assertThat(level.ephemeral()).isTrue();
        assertThat(level.content()).isEqualTo("❌ The level leaderboard is all-time only, was window 7d");

        RecordedMessage config = admin.invokeCommand(
                        general, "config set", Map.of("option", "trackBots", "value", "maybe"))
                .awaitReply(WAIT);
        assertThat(config.ephemeral()).isTrue();
        assertThat(config.content()).isEqualTo("❌ trackBots must be true or false, was 'maybe'");

        RecordedMessage template = admin.invokeCommand(
                        general, "config levelup", Map.of("mode", "dm", "template", "GG {user}, {lvl}!"))
                .awaitReply(WAIT);
        assertThat(template.ephemeral()).isTrue();
        assertThat(template.content())
                .isEqualTo("❌ template placeholder must be one of {user}, {level}, {xp}, was '{lvl}'");
    }

    @Test
    void configSet_changesTheTrackersGuildConfig() {
        RecordedMessage set = admin.invokeCommand(
                        general, "config set", Map.of("option", "minUsersToTrack", "value", "2"))
                .awaitReply(WAIT);
        assertThat(set.content()).isEqualTo("✅ Set minUsersToTrack to 2.");
        assertThat(bot.tracker.config(guild.id()).minUsersToTrack()).isEqualTo(2);
        assertThat(storage.guildConfig(guild.id()).orElseThrow().minUsersToTrack())
                .isEqualTo(2);
        RecordedMessage show =
                admin.invokeCommand(general, "config show", Map.of()).awaitReply(WAIT);
        assertThat(show.ephemeral()).isTrue();
        assertThat(show.content()).contains("minUsersToTrack: 2");
    }

    @Test
    void levelUp_isAnnouncedInTheConfiguredChannelWithTheTemplate() {
        RecordedMessage set = admin.invokeCommand(
                        general,
                        "config levelup",
                        Map.of("mode", "channel", "channel", levels, "template", "GG {user}: level {level} ({xp} XP)"))
                .awaitReply(WAIT);
        assertThat(set.content()).startsWith("✅ Level-up announcements: channel in <#" + levels.id() + ">");

        bot.tracker.addXp(guild.id(), member.user().id(), 1_000); // level 3
        RecordedMessage announced = levels.awaitBotMessage(m -> m.content().startsWith("GG"), WAIT);
        assertThat(announced.content()).isEqualTo("GG <@" + member.user().id() + ">: level 3 (1,000 XP)");
    }

    @Test
    void levelUp_isAnnouncedByDirectMessage_whenTheGuildChoosesDm() {
        RecordedMessage set = admin.invokeCommand(
                        general, "config levelup", Map.of("mode", "dm", "template", "Well done {user}, level {level}!"))
                .awaitReply(WAIT);
        assertThat(set.ephemeral()).isTrue();
        assertThat(set.content()).startsWith("✅ Level-up announcements:");

        bot.tracker.addXp(guild.id(), member.user().id(), 1_000); // at least one level up
        RecordedMessage announced = member.user()
                .directMessageChannel()
                .awaitBotMessage(m -> m.content().startsWith("Well done"), WAIT);
        // Other tests of this class may have given the member XP already, so read the level it reached.
        int level = storage.member(guild.id(), member.user().id()).orElseThrow().level();
        assertThat(level).isPositive();
        assertThat(announced.content()).isEqualTo("Well done <@" + member.user().id() + ">, level " + level + "!");
        assertThat(levels.botMessages()).noneMatch(m -> m.content().startsWith("Well done"));
    }

    @Test
    void cacheCommands_showStatsClearByPatternAndTag_warmAndInfo() {
        cache.put("user:7:1", "a", dev.voicetrack.cache.WriteOptions.tags("guild:7"));
        cache.put("user:7:2", "b", dev.voicetrack.cache.WriteOptions.tags("guild:7"));
        cache.put("lb:7:xp", "c");
        cache.get("lb:7:xp");
        cache.get("lb:7:xp");

        RecordedMessage stats =
                admin.invokeCommand(general, "cachestats", Map.of()).awaitReply(WAIT);
        assertThat(stats.ephemeral()).isTrue();
        assertThat(Embeds.fields(stats)).containsKeys("Hit rate", "Hits", "Misses", "Entries");
        assertThat(Embeds.fields(stats).get("Top entries")).contains("`lb:7:xp` (2 hits)");

        RecordedMessage byPattern = admin.invokeCommand(general, "cache-clear", Map.of("pattern", "lb:7:*"))
                .awaitReply(WAIT);
        assertThat(byPattern.content()).isEqualTo("🧹 Cleared 1 entries matching `lb:7:*`.");
        RecordedMessage byTag = admin.invokeCommand(general, "cache-clear", Map.of("tag", "guild:7"))
                .awaitReply(WAIT);
        assertThat(byTag.content()).isEqualTo("🧹 Cleared 2 entries tagged `guild:7`.");
        assertThat(cache.contains("user:7:1")).isFalse();

        RecordedMessage warm = admin.invokeCommand(general, "cache-warm", Map.of("scope", "config"))
                .awaitReply(WAIT);
        assertThat(warm.ephemeral()).isTrue();
        assertThat(warm.content()).startsWith("🔥 Warmed 2 entries").contains("• config: 2 entries");
        assertThat(cache.get("cfg:a")).contains("A");

        RecordedMessage unknownScope = admin.invokeCommand(general, "cache-warm", Map.of("scope", "nope"))
                .awaitReply(WAIT);
        assertThat(unknownScope.content()).isEqualTo("❌ scope must be one of [all, config], was 'nope'");

        RecordedMessage info =
                admin.invokeCommand(general, "cache-info", Map.of()).awaitReply(WAIT);
        assertThat(Embeds.title(info)).isEqualTo("Cache — test");
        assertThat(Embeds.fields(info)).containsEntry("Warming scopes", "config");
    }

    @Test
    void storageCommands_withoutStorageAdmin_answerNotSupported() {
        for (String command : List.of("backup", "optimize", "dbstats")) {
            RecordedMessage answer =
                    admin.invokeCommand(general, command, Map.of()).awaitReply(WAIT);
            assertThat(answer.ephemeral()).as(command).isTrue();
            assertThat(answer.content()).as(command).isEqualTo("❌ Not supported by this storage.");
        }
    }

    @Test
    void storageCommands_withStorageAdmin_runOffTheEventThreadAndShowTheResult() throws InterruptedException {
        // its own emulator: two bots on one emulator would both answer every interaction
        DiscordEmulator own = DiscordEmulator.start();
        EmulatedGuild other = own.createGuild("Admin storage");
        EmulatedChannel text = other.createTextChannel("ops");
        EmulatedMember owner = other.addMember("owner", false);
        owner.addRole(other.createRole("Admins", ADMINISTRATOR));
        CompletableFuture<StorageAdmin.BackupResult> backup = new CompletableFuture<>();
        StorageAdmin storageAdmin = new StorageAdmin() {
            @Override
            public CompletableFuture<BackupResult> backup() {
                return backup;
            }

            @Override
            public CompletableFuture<OptimizeResult> optimize() {
                return CompletableFuture.completedFuture(
                        new OptimizeResult(Duration.ofMillis(12), 2 * 1024 * 1024, 1024 * 1024));
            }

            @Override
            public CompletableFuture<StorageStats> stats() {
                return CompletableFuture.completedFuture(
                        new StorageStats("SQLite", 2, 40, 100, 4096, "data/voicetrack.db"));
            }
        };
        try (TestBot second =
                TestBot.start(own, new InMemoryStorage(), new ManualClock(), o -> o.storageAdmin(storageAdmin))) {
            assertThat(second.installation.commandsRegistered()).isCompleted();
            var interaction = owner.invokeCommand(text, "backup", Map.of());
            // deferred at once (type 5, ephemeral) while the backup runs
            assertThat(interaction.awaitResponse(WAIT).callbackType()).isEqualTo(5);
            backup.complete(new StorageAdmin.BackupResult(true, "backups/manual.db", 2048, "integrity verified"));
            RecordedMessage done = interaction.awaitReply(WAIT);
            assertThat(done.ephemeral()).isTrue();
            assertThat(done.content()).isEqualTo("✅ Backup written: `backups/manual.db` (2.00 KB)\nintegrity verified");

            RecordedMessage optimized =
                    owner.invokeCommand(text, "optimize", Map.of()).awaitReply(WAIT);
            assertThat(optimized.content()).isEqualTo("✅ Storage optimized in 12 ms.\nBefore: 2.00 MB, after: 1.00 MB");
            RecordedMessage stats =
                    owner.invokeCommand(text, "dbstats", Map.of()).awaitReply(WAIT);
            assertThat(Embeds.fields(stats))
                    .containsEntry("Users", "40")
                    .containsEntry("Sessions per user", "2.5")
                    .containsEntry("Location", "`data/voicetrack.db`");
        } finally {
            own.close();
        }
    }

    @Test
    void install_failsNamingEveryMissingIntentAndCacheFlag() throws InterruptedException {
        JDA light = TestBot.connect(emulator, EnumSet.of(GatewayIntent.GUILD_VOICE_STATES), false);
        try {
            assertThatThrownBy(() -> VoiceTrackJda.install(light, bot.tracker))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("VoiceTrack needs JDA built with ")
                    .hasMessageContaining("intent GUILD_MEMBERS")
                    .hasMessageContaining("intent GUILD_MESSAGES")
                    .hasMessageContaining("cache flag VOICE_STATE");
        } finally {
            light.shutdownNow();
            light.awaitShutdown(Duration.ofSeconds(10));
        }
    }

    /** Puts the adapter's own definitions back after a test registered a variant. */
    private void restoreCommands() {
        bot.jda.updateCommands().addCommands(VoiceTrackJda.commandData()).complete();
    }
}
