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

    private static final java.util.regex.Pattern SIM_START =
            java.util.regex.Pattern.compile("real time \\(from (\\S+)\\)");

    private static java.time.Instant simulatedStart(BotProcess demo) {
        var m = SIM_START.matcher(demo.awaitLine("Simulated time runs"));
        assertThat(m.find()).isTrue();
        return java.time.Instant.parse(m.group(1));
    }

    private static java.time.Instant worldTime(Path world) throws java.io.IOException {
        java.util.Properties p = new java.util.Properties();
        try (var r = Files.newBufferedReader(world)) {
            p.load(r);
        }
        return java.time.Instant.parse(p.getProperty("simulatedTime"));
    }

    /** Every stored session of the demo's members (read-only). */
    private static List<VoiceSession> allSessions(JdbcStorage s) {
        List<VoiceSession> out = new ArrayList<>();
        for (long g : s.guildIds()) {
            for (LeaderboardEntry e : s.leaderboard(g, Metric.VOICE_TIME, null, 100, 0)) {
                out.addAll(s.sessions(g, e.userId(), 10_000));
            }
        }
        return out;
    }

    @Test
    void demoKilledMidRun_restartsNoEarlierThanItsStoredTime() throws Exception {
        Path work = Files.createDirectories(tmp.resolve("killed"));
        Path db = work.resolve("data/demo/voice-tracker.db");
        Path world = work.resolve("data/demo/demo-world.properties");
        String[] args = {"demo", "--speed", "10", "--guilds", "2", "--members", "5", "--seed", "13"};
        String staleWorld;
        java.time.Instant firstStart;
        try (BotProcess demo = BotProcess.start(work, Map.of("ADMIN_API_BIND", "127.0.0.1:0"), args)) {
            firstStart = simulatedStart(demo);
            demo.awaitLine("Press Ctrl-C");
            staleWorld = Files.readString(world); // as written at start
            // the running demo rewrites its world file: a kill loses only its last few seconds
            BotProcess.await("the world file to reach a minute of simulated time", () -> worldTime(world)
                    .isAfter(firstStart.plusSeconds(60)));
            demo.kill9();
        }
        java.time.Instant stored = firstStart;
        try (JdbcStorage s = JdbcStorage.sqlite(
                SqliteOptions.builder().file(db).readOnly(true).build())) {
            s.init();
            for (VoiceSession v : allSessions(s)) {
                stored = v.lastAccrual().isAfter(stored) ? v.lastAccrual() : stored;
                if (v.end() != null && v.end().isAfter(stored)) {
                    stored = v.end();
                }
                var m = s.member(v.guildId(), v.userId()).orElseThrow();
                stored = m.lastSeen().isAfter(stored) ? m.lastSeen() : stored;
            }
        }
        assertThat(stored).as("the killed run stored activity").isAfter(firstStart.plusSeconds(60));
        // The worst case: a world file as stale as the one the first run wrote at its start.
        Files.writeString(world, staleWorld);

        List<String> restart = new ArrayList<>(List.of(args));
        restart.addAll(List.of("--duration", "6s"));
        java.time.Instant secondStart;
        try (BotProcess demo =
                BotProcess.start(work, Map.of("ADMIN_API_BIND", "127.0.0.1:0"), restart.toArray(String[]::new))) {
            secondStart = simulatedStart(demo);
            assertThat(demo.awaitExit()).as(demo.stderr()).isZero();
        }
        assertThat(secondStart)
                .as("the restarted clock starts no earlier than the killed run's stored time")
                .isAfterOrEqualTo(stored);
        try (JdbcStorage s = JdbcStorage.sqlite(
                SqliteOptions.builder().file(db).readOnly(true).build())) {
            s.init();
            Map<String, List<VoiceSession>> byMember = new HashMap<>();
            for (VoiceSession v : allSessions(s)) {
                byMember.computeIfAbsent(v.guildId() + "/" + v.userId(), k -> new ArrayList<>())
                        .add(v);
                if (v.start().isBefore(secondStart)) { // from the killed run
                    assertThat(v.end() == null ? v.lastAccrual() : v.end())
                            .as(v.toString())
                            .isBeforeOrEqualTo(secondStart);
                }
            }
            assertThat(byMember).isNotEmpty();
            byMember.forEach((member, sessions) -> {
                sessions.sort(java.util.Comparator.comparing(VoiceSession::start));
                for (int i = 1; i < sessions.size(); i++) {
                    VoiceSession prev = sessions.get(i - 1);
                    assertThat(prev.end())
                            .as(member + ": only the latest session may be open: " + prev)
                            .isNotNull();
                    assertThat(prev.end())
                            .as(member + ": sessions do not overlap: " + prev + " then " + sessions.get(i))
                            .isBeforeOrEqualTo(sessions.get(i).start());
                }
            });
        }
    }
}
