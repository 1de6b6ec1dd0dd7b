package dev.voicetrack.bot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.core.MemberStats;
import dev.voicetrack.core.VoiceSession;
import dev.voicetrack.emulator.DiscordEmulator;
import dev.voicetrack.emulator.EmulatedChannel;
import dev.voicetrack.emulator.EmulatedGuild;
import dev.voicetrack.emulator.EmulatedMember;
import dev.voicetrack.storage.jdbc.JdbcStorage;
import dev.voicetrack.storage.jdbc.SqliteOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault injection against the packaged bot: it is killed at random moments, and after each kill the
 * database must be sound and hold everything committed before it. Bounded: a fixed number of rounds
 * with seeded random delays (the seed is printed, and {@code -Dvoicetrack.faults.seed=N} replays a run).
 *
 * <p>The other faults of the suite (storage refusing connections, Redis paused and killed, corrupt and
 * truncated files, commands pointed at awkward paths) live beside this class in {@code *FaultIT}s.
 */
class FaultInjectionIT {
    private static final long CHECK_MS = 250;
    private static final int ROUNDS = 5;

    @TempDir
    Path tmp;

    DiscordEmulator discord;
    EmulatedGuild guild;
    EmulatedChannel lounge;
    Path work;

    @BeforeEach
    void setUp() throws Exception {
        discord = DiscordEmulator.start();
        guild = discord.createGuild("faults");
        guild.createTextChannel("general");
        lounge = guild.createVoiceChannel("Lounge");
        work = Files.createDirectories(tmp.resolve("work"));
    }

    @AfterEach
    void tearDown() {
        discord.close();
    }

    @Test
    void kill9AtRandomMoments_neverLosesCommittedTotals_norSplitsSessions() throws Exception {
        long seed = Long.getLong("voicetrack.faults.seed", System.nanoTime());
        System.out.println("FaultInjectionIT seed " + seed);
        Random random = new Random(seed);
        List<EmulatedMember> members = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            EmulatedMember m = guild.addMember("member" + i, false);
            m.joinVoice(lounge);
            members.add(m);
        }
        Map<String, String> env = BotProcess.emulatorEnv(discord, CHECK_MS + "ms");
        env.put("SESSION_WRITE_INTERVAL", "0");
        Path db = work.resolve("data/voice-tracker.db");

        Map<Long, Long> before = new HashMap<>();
        for (int round = 0; round < ROUNDS; round++) {
            long alive;
            try (BotProcess bot = BotProcess.start(work, env, "run")) {
                bot.awaitLine("voicetrack: ready");
                long started = System.nanoTime();
                // A random moment: during start-up work, between ticks, or in the middle of one.
                Thread.sleep(random.nextInt((int) (8 * CHECK_MS)));
                alive = (System.nanoTime() - started) / 1_000_000;
                bot.kill9();
            }
            assertThat(integrity(db))
                    .as("integrity after kill in round %d (seed %d)", round, seed)
                    .isEqualTo("ok");
            try (JdbcStorage storage = open(db)) {
                for (EmulatedMember m : members) {
                    long id = m.user().id();
                    long now = storage.member(guild.id(), id)
                            .map(MemberStats::voiceTimeMs)
                            .orElse(0L);
                    long was = before.getOrDefault(id, 0L);
                    assertThat(now)
                            .as("voice time of %s after a kill %d ms into round %d (seed %d)", id, alive, round, seed)
                            .isGreaterThanOrEqualTo(was);
                    before.put(id, now);
                }
                // Every member is still in voice: one open session each, never a duplicate.
                assertThat(storage.openSessions())
                        .extracting(VoiceSession::userId)
                        .as("open sessions after round %d (seed %d)", round, seed)
                        .doesNotHaveDuplicates();
            }
        }

        // A clean run at the end: the members leave, and each has exactly one closed session, resumed
        // across every crash rather than split by them.
        try (BotProcess bot = BotProcess.start(work, env, "run")) {
            bot.awaitLine("voicetrack: ready");
            String first = "/api/guilds/" + guild.id() + "/users/"
                    + members.get(0).user().id();
            long floor = before.getOrDefault(members.get(0).user().id(), 0L);
            BotProcess.await("accrual after the last restart", () -> {
                var r = bot.get(first);
                return r.statusCode() == 200 && voiceMs(r.body()) > floor + CHECK_MS;
            });
            java.time.Instant left = java.time.Instant.now();
            members.forEach(EmulatedMember::leaveVoice);
            BotProcess.await("a tick after the leaves", () -> {
                var h = new com.fasterxml.jackson.databind.ObjectMapper()
                        .readTree(bot.get("/health").body());
                return h.has("lastTick")
                        && java.time.Instant.parse(h.get("lastTick").get("at").asText())
                                .isAfter(left.plusMillis(CHECK_MS));
            });
            assertThat(bot.terminate()).as(bot.stderr()).isIn(0, 143);
        }
        try (JdbcStorage storage = open(db)) {
            for (EmulatedMember m : members) {
                long id = m.user().id();
                MemberStats stats = storage.member(guild.id(), id).orElseThrow();
                assertThat(stats.voiceTimeMs()).isGreaterThan(before.get(id));
                List<VoiceSession> sessions = storage.sessions(guild.id(), id, 50);
                assertThat(sessions).as("sessions of %s (seed %d)", id, seed).hasSize(1);
                assertThat(sessions.get(0).open()).isFalse();
                assertThat(stats.sessions()).isEqualTo(1);
            }
            assertThat(storage.openSessions()).isEmpty();
        }
    }

    private static long voiceMs(String body) throws Exception {
        return new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(body)
                .get("voiceTimeMs")
                .asLong();
    }

    private static JdbcStorage open(Path file) {
        JdbcStorage s = JdbcStorage.sqlite(SqliteOptions.builder().file(file).build());
        s.init();
        return s;
    }

    /** {@code PRAGMA integrity_check} on a read-only connection: never changes the file it checks. */
    static String integrity(Path db) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:file:" + db + "?mode=ro");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
            StringBuilder sb = new StringBuilder();
            while (rs.next()) {
                sb.append(sb.length() == 0 ? "" : "; ").append(rs.getString(1));
            }
            return sb.toString();
        }
    }
}
