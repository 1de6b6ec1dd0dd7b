package dev.voicetrack.jda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.cache.CacheConfig;
import dev.voicetrack.cache.InProcessCache;
import dev.voicetrack.core.MemberStats;
import dev.voicetrack.core.VoiceTracker;
import dev.voicetrack.emulator.DiscordEmulator;
import dev.voicetrack.emulator.EmulatedChannel;
import dev.voicetrack.emulator.EmulatedGuild;
import dev.voicetrack.emulator.EmulatedMember;
import dev.voicetrack.emulator.RecordedMessage;
import dev.voicetrack.storage.jdbc.JdbcStorage;
import dev.voicetrack.storage.jdbc.SqliteOptions;
import dev.voicetrack.testkit.ManualClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.JDABuilder;
import net.dv8tion.jda.api.Permission;
import net.dv8tion.jda.api.requests.RestConfig;
import net.dv8tion.jda.api.utils.Compression;
import net.dv8tion.jda.api.utils.ConcurrentSessionController;
import net.dv8tion.jda.api.utils.MemberCachePolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Use it from a JDA bot" snippet, run against the Discord emulator. Issue 16: as the README had
 * it, the tracker had no scheduler, so it never ticked: a member in voice never got any time and {@code /stats}
 * answered "no voice activity yet" forever.
 *
 * <p>The snippet below is the README's, line for line ({@link #readmeSnippet_isTheOneThisTestRuns} checks that
 * every line of the README's block is in this file), with lines added and none changed except the two named in
 * {@link #SUBSTITUTIONS}: JDA is pointed at the emulator, and the tracker gets a manual clock and a 100 ms check
 * interval so that the time credited is exact and the test does not wait 5 s for a tick.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ReadmeJdaSnippetIT {
    private static final Duration WAIT = TestBot.WAIT;

    /** README text to the text this test runs instead. */
    private static final Map<String, String> SUBSTITUTIONS =
            Map.of("SqliteOptions.defaults()", "SqliteOptions.builder().file(db).build()");

    @TempDir
    Path dir;

    @Test
    void readmeJdaSnippet_memberWhoJoinsVoice_getsVoiceTimeFromTheTrackersOwnTicks() throws Exception {
        try (DiscordEmulator emulator = DiscordEmulator.start()) {
            EmulatedGuild guild = emulator.createGuild("Readme");
            EmulatedChannel general = guild.createTextChannel("general");
            EmulatedChannel lounge = guild.createVoiceChannel("Lounge");
            EmulatedMember alice = guild.addMember("alice", false);
            alice.addRole(guild.createRole("Admins", Permission.ADMINISTRATOR.getRawValue()));
            String token = emulator.botToken();
            Path db = dir.resolve("voice-tracker.db");
            ManualClock clock = new ManualClock();

            // --- README snippet begins
            JDA jda = JDABuilder.createLight(token, VoiceTrackJda.REQUIRED_INTENTS)
                    .setRestConfig(new RestConfig().setBaseUrl(emulator.httpBaseUrl())) // the emulator
                    .setSessionController(new ConcurrentSessionController() {
                        @Override
                        public String getGateway() {
                            return emulator.gatewayUrl();
                        }
                    })
                    .setCompression(Compression.NONE)
                    .enableCache(VoiceTrackJda.REQUIRED_CACHE_FLAGS)
                    .setMemberCachePolicy(MemberCachePolicy.VOICE)
                    .build()
                    .awaitReady();
            VoiceTracker tracker = VoiceTracker.builder()
                    .clock(clock) // manual time, ticks every 100 ms
                    .checkInterval(Duration.ofMillis(100))
                    .storage(JdbcStorage.sqlite(SqliteOptions.builder().file(db).build()))
                    .cache(InProcessCache.create(CacheConfig.defaults()))
                    .view(VoiceTrackJda.voiceView(jda))
                    .build();
            tracker.start();
            JdaInstallation installation = VoiceTrackJda.install(jda, tracker);
            // --- README snippet pauses: the bot runs
            installation.commandsRegistered().get(WAIT.toSeconds(), TimeUnit.SECONDS);

            long before = installation.eventsEnqueued();
            alice.joinVoice(lounge);
            await("the join is enqueued", () -> installation.eventsEnqueued() > before);
            clock.advance(Duration.ofSeconds(90));
            long guildId = guild.id();
            long aliceId = alice.user().id();
            await(
                    "a tick credits the 90 s",
                    () -> tracker.getUser(guildId, aliceId)
                                    .map(MemberStats::voiceTimeMs)
                                    .orElse(0L)
                            == 90_000);
            RecordedMessage stats =
                    alice.invokeCommand(general, "stats", Map.of()).awaitReply(WAIT);
            assertThat(Embeds.title(stats)).isEqualTo("Voice stats for alice");
            assertThat(Embeds.fields(stats)).containsEntry("Voice time", "1m 30s");
            RecordedMessage cacheStats =
                    alice.invokeCommand(general, "cachestats", Map.of()).awaitReply(WAIT);
            assertThat(cacheStats.content()).doesNotContain("Cache is not enabled");
            RecordedMessage dbStats =
                    alice.invokeCommand(general, "dbstats", Map.of()).awaitReply(WAIT);
            assertThat(Embeds.title(dbStats)).isEqualTo("SQLite statistics");

            // --- README snippet resumes: shutting down
            installation.close(); // removes the listeners and stops the adapter's threads
            tracker.close(); // a last tick, then closes the storage and the cache it was given
            jda.shutdown();
            // --- README snippet ends
            jda.awaitShutdown(Duration.ofSeconds(10));

            assertThat(dir.resolve("voice-tracker.db-wal")).doesNotExist();
            try (JdbcStorage reopened =
                    JdbcStorage.sqlite(SqliteOptions.builder().file(db).build())) {
                reopened.init();
                assertThat(reopened.member(guildId, aliceId).orElseThrow().voiceTimeMs())
                        .isEqualTo(90_000);
            }
        }
    }

    @Test
    void readmeSnippet_isTheOneThisTestRuns() throws IOException {
        Path root = Path.of("").toAbsolutePath();
        Path readme = root.resolveSibling("README.md");
        if (!Files.exists(readme)) {
            readme = root.resolve("README.md");
        }
        String text = Files.readString(readme, StandardCharsets.UTF_8);
        int heading = text.indexOf("## Use it from a JDA bot");
        assertThat(heading).as("README section").isNotNegative();
        int start = text.indexOf("```java\n", heading) + "```java\n".length();
        int end = text.indexOf("```", start);
        Set<String> ours = Files.readAllLines(
                        root.resolve("src/test/java/dev/voicetrack/jda/ReadmeJdaSnippetIT.java"),
                        StandardCharsets.UTF_8)
                .stream()
                .map(ReadmeJdaSnippetIT::code)
                .collect(Collectors.toSet());
        List<String> missing = new ArrayList<>();
        for (String line : text.substring(start, end).split("\n")) {
            String code = line;
            for (var s : SUBSTITUTIONS.entrySet()) {
                code = code.replace(s.getKey(), s.getValue());
            }
            code = code(code);
            if (!code.isEmpty() && !ours.contains(code)) {
                missing.add(line);
            }
        }
        assertThat(missing).as("README lines this test does not run").isEmpty();
    }

    /** A line without its comment and surrounding blanks. */
    private static String code(String line) {
        int comment = line.indexOf("//");
        return (comment < 0 ? line : line.substring(0, comment)).strip();
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }
}
