package dev.voicetrack.jda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voicetrack.cache.Cache;
import dev.voicetrack.cache.CacheConfig;
import dev.voicetrack.cache.CacheEntry;
import dev.voicetrack.cache.CacheWarmer;
import dev.voicetrack.cache.InProcessCache;
import dev.voicetrack.core.Metric;
import dev.voicetrack.core.storage.InMemoryStorage;
import dev.voicetrack.core.storage.StorageMaintenance.BackupResult;
import dev.voicetrack.core.storage.StorageOptimizer;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The slash commands through real JDA and the emulator: permissions, DMs, rate limits, config, cache
 * tools. Each test has an emulator, bot, storage, cache and clock of its own, so no test depends on
 * what another did or on the order JUnit runs them in.
 */
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

    @BeforeEach
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

    @AfterEach
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
                        "config",
                        "rewards",
                        "xp");
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
    void aFirstLeaderboardPageReadAsTheHelperReadsIt_isTheOneTheCommandReads() throws InterruptedException {
        bot.close(); // this one's tracker runs without a cache: one that caches its queries in `cache`
        bot = TestBot.start(emulator, storage, clock, t -> t.cache(cache), o -> o.cache(cache), true);
        bot.tracker.addXp(guild.id(), member.user().id(), 10);
        VoiceTrackJda.readFirstLeaderboardPage(bot.tracker, guild.id(), Metric.XP);
        List<String> warmed = cache.keys("lb:*");
        assertThat(warmed).hasSize(1);

        member.invokeCommand(general, "leaderboard", Map.of("metric", "xp")).awaitReply(WAIT);

        assertThat(cache.keys("lb:*"))
                .as("the command read the warmed page, no other")
                .isEqualTo(warmed);
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
    void configSet_noXpRoleIdsAndNoXpChannelIds_areSettable() {
        RecordedMessage roles = admin.invokeCommand(
                        general, "config set", Map.of("option", "noXpRoleIds", "value", "<@&111>, 222"))
                .awaitReply(WAIT);
        assertThat(roles.content()).isEqualTo("✅ Set noXpRoleIds to <@&111>, 222.");
        RecordedMessage channels = admin.invokeCommand(
                        general, "config set", Map.of("option", "noXpChannelIds", "value", "333 <#444>"))
                .awaitReply(WAIT);
        assertThat(channels.content()).isEqualTo("✅ Set noXpChannelIds to 333 <#444>.");
        assertThat(bot.tracker.config(guild.id()).noXpRoleIds()).containsExactlyInAnyOrder(111L, 222L);
        assertThat(storage.guildConfig(guild.id()).orElseThrow().noXpChannelIds())
                .containsExactlyInAnyOrder(333L, 444L);
        RecordedMessage show =
                admin.invokeCommand(general, "config show", Map.of()).awaitReply(WAIT);
        assertThat(show.content()).contains("noXpRoleIds: 111, 222").contains("noXpChannelIds: 333, 444");

        admin.invokeCommand(general, "config set", Map.of("option", "noXpRoleIds", "value", "none"))
                .awaitReply(WAIT);
        assertThat(bot.tracker.config(guild.id()).noXpRoleIds()).isEmpty();
        admin.invokeCommand(general, "config set", Map.of("option", "noXpChannelIds", "value", "none"))
                .awaitReply(WAIT);
    }

    @Test
    void configSet_manyIds_theAnswerAndConfigShowStayWithinDiscordsLimit() {
        String many = java.util.stream.LongStream.rangeClosed(1, 280)
                .mapToObj(i -> Long.toString(100_000_000_000_000_000L + i))
                .collect(java.util.stream.Collectors.joining(","));
        try {
            RecordedMessage set = admin.invokeCommand(
                            general, "config set", Map.of("option", "noXpChannelIds", "value", many))
                    .awaitReply(WAIT);
            assertThat(set.content()).startsWith("✅ Set noXpChannelIds to ").hasSizeLessThan(2000);
            assertThat(bot.tracker.config(guild.id()).noXpChannelIds()).hasSize(280);
            RecordedMessage show =
                    admin.invokeCommand(general, "config show", Map.of()).awaitReply(WAIT);
            assertThat(show.content()).contains("(280 in all)").hasSizeLessThan(2000);
        } finally {
            bot.tracker.updateConfig(guild.id(), dev.voicetrack.core.GuildConfig.defaults());
        }
    }

    @Test
    void configSet_everyGuildConfigOption_isSettable() {
        Map<String, String> values = new java.util.LinkedHashMap<>();
        values.put("trackBots", "true");
        values.put("trackAllChannels", "false");
        values.put("channelIds", "501, 502");
        values.put("trackMuted", "false");
        values.put("trackDeafened", "false");
        values.put("minUsersToTrack", "2");
        values.put("maxUsersToTrack", "9");
        values.put("exemptPermissions", "ADMINISTRATOR, MANAGE_SERVER");
        values.put("xpStrategy", "random");
        values.put("xpConfig.baseAmount", "7");
        values.put("xpConfig.roles", "601:20, 602:10");
        values.put("xpConfig.boosterMultiplier", "1.5");
        values.put("xpConfig.minXP", "3");
        values.put("xpConfig.maxXP", "30");
        values.put("voiceTimeStrategy", "scaled");
        values.put("voiceTimeConfig.baseAmount", "4000");
        values.put("voiceTimeConfig.multiplier", "2.5");
        values.put("levelMultiplierStrategy", "standard");
        values.put("levelMultiplierConfig.baseMultiplier", "0.2");
        values.put("enableLeveling", "false");
        values.put("enableVoiceTime", "false");
        values.put("excludedChannelIds", "701");
        values.put("noXpRoleIds", "801");
        values.put("noXpChannelIds", "901");
        values.put("botsCountAsCompany", "false");
        values.put("mutedCountAsCompany", "false");
        values.put("messageXp", "4");
        values.put("messageXpCooldownSeconds", "30");
        values.put("timeZone", "Europe/Paris");
        values.put("publicDashboard", "false");
        assertThat(values.keySet())
                .as("every option /config set offers, except the xpPerCheck alias")
                .containsExactlyInAnyOrderElementsOf(dev.voicetrack.jda.internal.ConfigOptionsAccess.options().stream()
                        .filter(o -> !o.equals("xpPerCheck"))
                        .toList());
        try {
            for (var e : values.entrySet()) {
                clock.advance(Duration.ofMinutes(1)); // keep under the rate limit
                RecordedMessage set = admin.invokeCommand(
                                general, "config set", Map.of("option", e.getKey(), "value", e.getValue()))
                        .awaitReply(WAIT);
                assertThat(set.content()).as(e.getKey()).isEqualTo("✅ Set " + e.getKey() + " to " + e.getValue() + ".");
            }
            var c = storage.guildConfig(guild.id()).orElseThrow();
            assertThat(c.trackBots()).isTrue();
            assertThat(c.trackAllChannels()).isFalse();
            assertThat(c.channelIds()).containsExactlyInAnyOrder(501L, 502L);
            assertThat(c.trackMuted()).isFalse();
            assertThat(c.trackDeafened()).isFalse();
            assertThat(c.minUsersToTrack()).isEqualTo(2);
            assertThat(c.maxUsersToTrack()).isEqualTo(9);
            assertThat(c.exemptPermissions()).containsExactlyInAnyOrder("ADMINISTRATOR", "MANAGE_SERVER");
            assertThat(c.xpStrategy()).isEqualTo("random");
            assertThat(c.xpConfig())
                    .isEqualTo(new dev.voicetrack.core.XpConfig(
                            7L, new java.util.LinkedHashMap<>(Map.of(601L, 20L, 602L, 10L)), 1.5, 3L, 30L));
            assertThat(c.xpConfig().roles().keySet()).containsExactly(601L, 602L);
            assertThat(c.voiceTimeStrategy()).isEqualTo("scaled");
            assertThat(c.voiceTimeConfig()).isEqualTo(new dev.voicetrack.core.VoiceTimeConfig(4000L, 2.5));
            assertThat(c.levelMultiplierStrategy()).isEqualTo("standard");
            assertThat(c.levelMultiplierConfig().baseMultiplier()).isEqualTo(0.2);
            assertThat(c.enableLeveling()).isFalse();
            assertThat(c.enableVoiceTime()).isFalse();
            assertThat(c.excludedChannelIds()).containsExactly(701L);
            assertThat(c.noXpRoleIds()).containsExactly(801L);
            assertThat(c.noXpChannelIds()).containsExactly(901L);
            assertThat(c.botsCountAsCompany()).isFalse();
            assertThat(c.mutedCountAsCompany()).isFalse();
            assertThat(c.messageXp()).isEqualTo(4);
            assertThat(c.messageXpCooldown()).isEqualTo(Duration.ofSeconds(30));
            assertThat(c.timeZone()).isEqualTo(java.time.ZoneId.of("Europe/Paris"));
            assertThat(c.publicDashboard()).isFalse();
        } finally {
            bot.tracker.updateConfig(guild.id(), dev.voicetrack.core.GuildConfig.defaults());
        }
    }

    @Test
    void configSet_badValues_areRejectedNamingTheOptionAndTheValue_andNothingIsWritten() {
        var before = bot.tracker.config(guild.id());
        Map<List<String>, String> cases = new java.util.LinkedHashMap<>();
        cases.put(List.of("noXpRoleIds", "abc"), "❌ noXpRoleIds must be ids separated by commas (or none), was 'abc'");
        cases.put(List.of("noXpChannelIds", "0"), "❌ noXpChannelIds element must be a snowflake id > 0, was 0");
        cases.put(List.of("minUsersToTrack", "-1"), "❌ minUsersToTrack must be >= 0, was -1");
        cases.put(List.of("xpConfig.minXP", "50"), "❌ xpConfig.minXP must be <= xpConfig.maxXP (15), was 50");
        cases.put(
                List.of("levelMultiplierConfig.baseMultiplier", "0"),
                "❌ levelMultiplierConfig.baseMultiplier must be a finite number > 0, was 0.0");
        cases.put(
                List.of("xpConfig.roles", "601"),
                "❌ xpConfig.roles must be roleId:xp pairs separated by commas" + " (or none), was '601'");
        cases.put(List.of("xpStrategy", "nope"), null);
        cases.put(
                List.of("bogus", "1"),
                "❌ option must be one of "
                        + String.join(", ", dev.voicetrack.jda.internal.ConfigOptionsAccess.options())
                        + ", was 'bogus'");
        for (var e : cases.entrySet()) {
            clock.advance(Duration.ofMinutes(1));
            String option = e.getKey().get(0);
            String value = e.getKey().get(1);
            RecordedMessage answer = admin.invokeCommand(
                            general, "config set", Map.of("option", option, "value", value))
                    .awaitReply(WAIT);
            assertThat(answer.ephemeral()).isTrue();
            if (e.getValue() != null) {
                assertThat(answer.content()).as(option).isEqualTo(e.getValue());
            } else {
                assertThat(answer.content())
                        .as(option)
                        .startsWith("❌ ")
                        .contains(option)
                        .contains(value);
            }
        }
        assertThat(bot.tracker.config(guild.id())).isEqualTo(before);
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

        bot.tracker.addXp(guild.id(), member.user().id(), 1_000); // level 3
        RecordedMessage announced = member.user()
                .directMessageChannel()
                .awaitBotMessage(m -> m.content().startsWith("Well done"), WAIT);
        assertThat(storage.member(guild.id(), member.user().id()).orElseThrow().level())
                .isEqualTo(3);
        assertThat(announced.content()).isEqualTo("Well done <@" + member.user().id() + ">, level 3!");
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
    void storageCommands_onInMemoryStorage_dbstatsAnswers_backupAndOptimizeAreNotSupported() {
        for (String command : List.of("backup", "optimize")) {
            RecordedMessage answer =
                    admin.invokeCommand(general, command, Map.of()).awaitReply(WAIT);
            assertThat(answer.ephemeral()).as(command).isTrue();
            assertThat(answer.content())
                    .as(command)
                    .isEqualTo("❌ /" + command + " is not supported by in-memory storage.");
        }
        RecordedMessage stats =
                admin.invokeCommand(general, "dbstats", Map.of()).awaitReply(WAIT);
        assertThat(stats.ephemeral()).isTrue();
        assertThat(Embeds.title(stats)).isEqualTo("in-memory statistics");
        assertThat(Embeds.fields(stats)).containsEntry("Size", "unknown");
    }

    @Test
    void storageCommands_withStorageMaintenanceAndBackup_runOffTheEventThreadAndShowTheResult()
            throws InterruptedException {
        // its own emulator: two bots on one emulator would both answer every interaction
        DiscordEmulator own = DiscordEmulator.start();
        EmulatedGuild other = own.createGuild("Admin storage");
        EmulatedChannel text = other.createTextChannel("ops");
        EmulatedMember owner = other.addMember("owner", false);
        owner.addRole(other.createRole("Admins", ADMINISTRATOR));
        CompletableFuture<BackupResult> backup = new CompletableFuture<>();
        StorageOptimizer maintenance = new StorageOptimizer() {
            @Override
            public MaintenanceStats maintenanceStats() {
                return new MaintenanceStats("SQLite", 2, 40, 100, 4096, "data/voicetrack.db");
            }

            @Override
            public Optimized optimizeStorage() {
                return new Optimized(Duration.ofMillis(12), 2 * 1024 * 1024, 1024 * 1024);
            }
        };
        try (TestBot second =
                TestBot.start(own, new InMemoryStorage(), new ManualClock(), o -> o.storageMaintenance(maintenance)
                        .backup(backup::join))) {
            assertThat(second.installation.commandsRegistered()).isCompleted();
            var interaction = owner.invokeCommand(text, "backup", Map.of());
            // deferred at once (type 5, ephemeral) while the backup runs
            assertThat(interaction.awaitResponse(WAIT).callbackType()).isEqualTo(5);
            backup.complete(new BackupResult(true, "backups/manual.db", 2048, "integrity verified"));
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
