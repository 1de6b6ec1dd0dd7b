package dev.voicetrack.jda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.cache.CacheConfig;
import dev.voicetrack.cache.InProcessCache;
import dev.voicetrack.core.storage.InMemoryStorage;
import dev.voicetrack.emulator.DiscordEmulator;
import dev.voicetrack.emulator.EmulatedChannel;
import dev.voicetrack.emulator.EmulatedGuild;
import dev.voicetrack.emulator.EmulatedMember;
import dev.voicetrack.emulator.RecordedMessage;
import dev.voicetrack.storage.jdbc.JdbcStorage;
import dev.voicetrack.storage.jdbc.SqliteOptions;
import dev.voicetrack.testkit.ManualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import net.dv8tion.jda.api.Permission;
import net.dv8tion.jda.api.events.guild.voice.GuildVoiceUpdateEvent;
import net.dv8tion.jda.api.hooks.EventListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16: {@code VoiceTrackJda.install(jda, tracker)} left {@code /cachestats} and {@code /cache-info} answering
 * "Cache is not enabled" although the tracker had a cache, and {@code /dbstats}, {@code /backup}, {@code
 * /optimize} answering "Not supported by this storage" on SQLite unless a hand-written adapter was given. Each
 * test has its own emulator: two bots on one emulator would both answer every interaction.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class InstallDefaultsIT {
    private static final Duration WAIT = TestBot.WAIT;

    @TempDir
    Path dir;

    private DiscordEmulator emulator;
    private EmulatedChannel general;
    private EmulatedMember owner;

    @BeforeEach
    void start() {
        emulator = DiscordEmulator.start();
        EmulatedGuild guild = emulator.createGuild("Defaults");
        general = guild.createTextChannel("general");
        owner = guild.addMember("owner", false);
        owner.addRole(guild.createRole("Admins", Permission.ADMINISTRATOR.getRawValue()));
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    @Test
    void install_usesTheTrackersCache_forCacheStatsAndCacheInfo() throws InterruptedException {
        try (TestBot bot = TestBot.start(
                emulator,
                new InMemoryStorage(),
                new ManualClock(),
                t -> t.cache(InProcessCache.create(
                        CacheConfig.builder().name("tracker-cache").build())),
                o -> o)) {
            assertThat(bot.tracker.cache()).isPresent();
            RecordedMessage stats =
                    owner.invokeCommand(general, "cachestats", Map.of()).awaitReply(WAIT);
            assertThat(stats.content()).doesNotContain("Cache is not enabled");
            RecordedMessage info =
                    owner.invokeCommand(general, "cache-info", Map.of()).awaitReply(WAIT);
            assertThat(Embeds.title(info)).isEqualTo("Cache — tracker-cache");
        }
    }

    @Test
    void install_onSqlite_dbstatsBackupAndOptimizeWork_withoutAnAdapter() throws Exception {
        Path backups = dir.resolve("backups");
        try (JdbcStorage storage = JdbcStorage.sqlite(
                        SqliteOptions.builder().file(dir.resolve("live.db")).build());
                TestBot bot = TestBot.start(emulator, storage, new ManualClock(), o -> o.backupDirectory(backups))) {
            bot.tracker.addXp(1, 2, 30);

            RecordedMessage stats =
                    owner.invokeCommand(general, "dbstats", Map.of()).awaitReply(WAIT);
            assertThat(Embeds.title(stats)).isEqualTo("SQLite statistics");
            assertThat(Embeds.fields(stats)).containsEntry("Users", "1");

            RecordedMessage backup =
                    owner.invokeCommand(general, "backup", Map.of()).awaitReply(WAIT);
            assertThat(backup.content()).startsWith("✅ Backup written: `" + backups);
            try (Stream<Path> files = Files.list(backups)) {
                List<Path> written = files.toList();
                assertThat(written).singleElement().satisfies(f -> assertThat(
                                f.getFileName().toString())
                        .startsWith("voicetrack-backup-")
                        .endsWith(".db"));
                try (JdbcStorage copy = JdbcStorage.sqlite(
                        SqliteOptions.builder().file(written.get(0)).build())) {
                    copy.init();
                    assertThat(copy.member(1, 2).orElseThrow().xp()).isEqualTo(30);
                }
            }

            RecordedMessage optimized =
                    owner.invokeCommand(general, "optimize", Map.of()).awaitReply(WAIT);
            assertThat(optimized.content()).startsWith("✅ Storage optimized in ");
        }
    }

    @Test
    void installationClose_stopsHandingEventsToTheTracker() throws InterruptedException {
        EmulatedGuild guild = emulator.createGuild("Closing");
        EmulatedChannel lounge = guild.createVoiceChannel("Lounge");
        EmulatedMember bob = guild.addMember("bob", false);
        try (TestBot bot = TestBot.start(emulator, new InMemoryStorage(), new ManualClock(), o -> o)) {
            long before = bot.installation.eventsEnqueued();
            bot.installation.close();
            // JDA calls its listeners one after the other in the order they were added: once this one has seen
            // the join, the adapter's (added before it) would have, had it not been removed
            AtomicInteger joins = new AtomicInteger();
            bot.jda.addEventListener((EventListener) e -> {
                if (e instanceof GuildVoiceUpdateEvent) {
                    joins.incrementAndGet();
                }
            });
            bob.joinVoice(lounge);
            bot.await("JDA delivers bob's join", () -> joins.get() == 1);
            assertThat(bot.installation.eventsEnqueued()).isEqualTo(before);
        }
    }
}
