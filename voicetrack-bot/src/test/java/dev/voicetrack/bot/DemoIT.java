package dev.voicetrack.bot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.core.LeaderboardEntry;
import dev.voicetrack.core.Metric;
import dev.voicetrack.core.VoiceSession;
import dev.voicetrack.storage.jdbc.JdbcStorage;
import dev.voicetrack.storage.jdbc.SqliteOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code voicetrack demo --duration}: the README's first command, as a user runs it. */
class DemoIT {
    @TempDir
    Path tmp;

    @Test
    void demo_runsTheBotAgainstTheEmulator_printsLeaderboards_andStopsWithABackup() throws Exception {
        Path work = Files.createDirectories(tmp.resolve("work"));
        try (BotProcess demo = BotProcess.start(
                work,
                Map.of("ADMIN_API_BIND", "127.0.0.1:0"),
                "demo",
                "--duration",
                "9s",
                "--speed",
                "10",
                "--guilds",
                "2",
                "--members",
                "6",
                "--seed",
                "7")) {
            demo.awaitLine("=== VoiceTrack live leaderboard ===");
            assertThat(demo.get("/health").statusCode()).isEqualTo(200);
            assertThat(demo.awaitExit()).as(demo.stderr()).isZero();
            String out = String.join("\n", demo.stdoutLines());
            assertThat(out)
                    .contains("Storage: sqlite at ./data/demo/voice-tracker.db")
                    .contains("Admin API token for this demo")
                    .contains("shutdown-backup: ")
                    .contains("voicetrack: stopped")
                    .containsPattern("#1 \\S+ +level +\\d+ +\\d+ XP");
        }
        assertThat(work.resolve("data/demo/voice-tracker.db")).exists();
    }

    private static final java.util.regex.Pattern GUILD_LINE = java.util.regex.Pattern.compile("^Guild (\\d+) \"");

    private static List<Long> runDemo(Path work) throws Exception {
        try (BotProcess demo = BotProcess.start(
                work,
                Map.of("ADMIN_API_BIND", "127.0.0.1:0"),
                "demo",
                "--duration",
                "6s",
                "--speed",
                "10",
                "--guilds",
                "2",
                "--members",
                "5",
                "--seed",
                "11")) {
            assertThat(demo.awaitExit()).as(demo.stderr()).isZero();
            List<Long> ids = new ArrayList<>();
            for (String line : demo.stdoutLines()) {
                var m = GUILD_LINE.matcher(line);
                if (m.find()) {
                    ids.add(Long.parseLong(m.group(1)));
                    assertThat(line).endsWith(": 5 members");
                }
            }
            if (!demo.stdoutLines().stream().anyMatch(l -> l.startsWith("Resumed: "))) {
                ids.add(0, -1L); // marks a run that resumed nobody
            }
            return ids;
        }
    }

    private static Map<String, Long> totals(JdbcStorage s) {
        Map<String, Long> out = new HashMap<>();
        for (long g : s.guildIds()) {
            for (LeaderboardEntry e : s.leaderboard(g, Metric.VOICE_TIME, null, 100, 0)) {
                out.put(g + "/" + e.userId(), e.voiceTimeMs());
            }
        }
        return out;
    }

    @Test
    void demoRestartedOnItsData_keepsTheGuildIds_resumesMembersInVoice_andContinuesTotals() throws Exception {
        Path work = Files.createDirectories(tmp.resolve("restart"));
        Path db = work.resolve("data/demo/voice-tracker.db");

        List<Long> first = runDemo(work);
        assertThat(first).startsWith(-1L).hasSize(3); // a new world: nobody to resume
        Map<String, Long> before;
        Map<String, java.time.Instant> openBefore = new HashMap<>();
        try (JdbcStorage s = JdbcStorage.sqlite(SqliteOptions.builder().file(db).build())) {
            s.init();
            before = totals(s);
            s.openSessions().forEach(v -> openBefore.put(v.id(), v.lastAccrual()));
        }
        assertThat(openBefore).as("members left in voice by the first run").isNotEmpty();

        List<Long> second = runDemo(work);
        assertThat(second).as("same guilds, and members resumed").isEqualTo(first.subList(1, 3));
        try (JdbcStorage s = JdbcStorage.sqlite(SqliteOptions.builder().file(db).build())) {
            s.init();
            assertThat(s.guildIds()).containsExactlyInAnyOrderElementsOf(second);
            Map<String, Long> after = totals(s);
            assertThat(after.keySet()).containsAll(before.keySet());
            before.forEach((k, v) -> assertThat(after.get(k)).as(k).isGreaterThanOrEqualTo(v));
            assertThat(after.values().stream().mapToLong(Long::longValue).sum())
                    .isGreaterThan(
                            before.values().stream().mapToLong(Long::longValue).sum());
            // a session open when the first run stopped was resumed (same row) and accrued further
            long resumed = 0;
            for (long g : s.guildIds()) {
                for (LeaderboardEntry e : s.leaderboard(g, Metric.VOICE_TIME, null, 100, 0)) {
                    for (VoiceSession v : s.sessions(g, e.userId(), 100)) {
                        java.time.Instant then = openBefore.get(v.id());
                        if (then != null && v.lastAccrual().isAfter(then)) {
                            resumed++;
                        }
                    }
                }
            }
            assertThat(resumed).isPositive();
        }
    }
}
