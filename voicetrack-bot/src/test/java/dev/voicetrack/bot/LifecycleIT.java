package dev.voicetrack.bot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.voicetrack.core.MemberStats;
import dev.voicetrack.core.VoiceSession;
import dev.voicetrack.emulator.DiscordEmulator;
import dev.voicetrack.emulator.EmulatedChannel;
import dev.voicetrack.emulator.EmulatedGuild;
import dev.voicetrack.emulator.EmulatedMember;
import dev.voicetrack.storage.jdbc.JdbcStorage;
import dev.voicetrack.storage.jdbc.SqliteOptions;
import dev.voicetrack.storage.jdbc.SqliteStorage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stopping the packaged bot: SIGTERM (graceful) and SIGKILL (crash) followed by a restart. */
class LifecycleIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long CHECK_MS = 300;

    @TempDir
    Path tmp;

    DiscordEmulator discord;
    EmulatedGuild guild;
    EmulatedChannel lounge;
    Path work;

    @BeforeEach
    void setUp() throws Exception {
        discord = DiscordEmulator.start();
        guild = discord.createGuild("lifecycle");
        guild.createTextChannel("general");
        lounge = guild.createVoiceChannel("Lounge");
        work = Files.createDirectories(tmp.resolve("work"));
    }

    @AfterEach
    void tearDown() {
        discord.close();
    }

    private Map<String, String> env() {
        return BotProcess.emulatorEnv(discord, CHECK_MS + "ms");
    }

    private static long voiceMs(BotProcess bot, String path) throws Exception {
        return JSON.readTree(bot.get(path).body()).get("voiceTimeMs").asLong();
    }

    /** Waits for /health to report a tick that wrote its increments, and returns that tick's time. */
    private static Instant awaitWrittenTick(BotProcess bot) throws Exception {
        Instant[] at = new Instant[1];
        BotProcess.await("a written tick", () -> {
            JsonNode tick = JSON.readTree(bot.get("/health").body()).get("lastTick");
            if (tick == null || !tick.get("written").asBoolean()) {
                return false;
            }
            at[0] = Instant.parse(tick.get("at").asText());
            return true;
        });
        return at[0];
    }

    private SqliteStorage open(Path file) {
        SqliteStorage s = JdbcStorage.sqlite(SqliteOptions.builder().file(file).build());
        s.init();
        return s;
    }

    @Test
    void sigterm_losesNothing_andLeavesAVerifiedBackup() throws Exception {
        EmulatedMember alice = guild.addMember("alice", false);
        String user = "/api/guilds/" + guild.id() + "/users/" + alice.user().id();
        long t0;
        long seen;
        long term;
        long exited;
        try (BotProcess bot = BotProcess.start(work, env(), "run")) {
            bot.awaitLine("voicetrack: ready");
            t0 = System.currentTimeMillis();
            alice.joinVoice(lounge);
            BotProcess.await("alice stored", () -> bot.get(user).statusCode() == 200);
            seen = System.currentTimeMillis(); // alice joined before this
            BotProcess.await("some accrual", () -> voiceMs(bot, user) >= 3 * CHECK_MS);
            term = System.currentTimeMillis();
            int code = bot.terminate();
            exited = System.currentTimeMillis();
            assertThat(code).as(bot.stderr()).isIn(0, 143);
            assertThat(bot.stdoutLines()).as(bot.stderr()).contains("voicetrack: stopped");
            String backupLine = bot.stdoutLines().stream()
                    .filter(l -> l.startsWith("shutdown-backup: "))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no shutdown backup; stderr=" + bot.stderr()));
            Path backup = work.resolve(backupLine.substring("shutdown-backup: ".length()));
            assertThat(backup).exists();

            MemberStats live;
            try (JdbcStorage storage = open(work.resolve("data/voice-tracker.db"))) {
                live = storage.member(guild.id(), alice.user().id()).orElseThrow();
                // The last tick at shutdown recorded the time up to the signal: nothing lost.
                assertThat(live.voiceTimeMs()).isBetween(term - seen, exited - t0);
                // The session stays open in storage, to be reconciled at the next start.
                assertThat(storage.openSessions())
                        .extracting(VoiceSession::userId)
                        .containsExactly(alice.user().id());
            }
            // The backup passes a restore's verification (integrity and schema) and holds the same totals.
            Path copy = tmp.resolve("copy.db");
            Files.copy(backup, copy, StandardCopyOption.REPLACE_EXISTING);
            try (SqliteStorage restored = open(tmp.resolve("restored.db"))) {
                restored.restore(copy);
                MemberStats fromBackup =
                        restored.member(guild.id(), alice.user().id()).orElseThrow();
                assertThat(fromBackup.voiceTimeMs()).isEqualTo(live.voiceTimeMs());
                assertThat(fromBackup.xp()).isEqualTo(live.xp());
                assertThat(fromBackup.sessions()).isEqualTo(live.sessions());
            }
        }
    }

    @Test
    void kill9MidRun_thenRestart_losesAtMostOneTick_andNoSession() throws Exception {
        EmulatedMember alice = guild.addMember("alice", false);
        String user = "/api/guilds/" + guild.id() + "/users/" + alice.user().id();
        Path db = work.resolve("data/voice-tracker.db");
        Instant committedTick;
        try (BotProcess bot = BotProcess.start(work, env(), "run")) {
            bot.awaitLine("voicetrack: ready");
            alice.joinVoice(lounge);
            BotProcess.await("alice stored", () -> bot.get(user).statusCode() == 200);
            BotProcess.await("some accrual", () -> voiceMs(bot, user) >= 5 * CHECK_MS);
            // The bot's own report of a tick whose write went through: its time, on the bot's clock,
            // is what storage must hold up to, however slowly this machine ran the three processes.
            committedTick = awaitWrittenTick(bot);
            bot.kill9();
        }
        long afterCrash;
        String sessionId;
        try (JdbcStorage storage = open(db)) {
            MemberStats m = storage.member(guild.id(), alice.user().id()).orElseThrow();
            afterCrash = m.voiceTimeMs();
            List<VoiceSession> open = storage.openSessions();
            assertThat(open).hasSize(1);
            sessionId = open.get(0).id();
            // Everything up to the last tick reported written before the kill is there (at most the
            // ticks after it, which the kill interrupted, were in memory only).
            long upToCommittedTick =
                    Duration.between(open.get(0).start(), committedTick).toMillis();
            assertThat(upToCommittedTick).isGreaterThanOrEqualTo(5 * CHECK_MS);
            assertThat(afterCrash).isGreaterThanOrEqualTo(upToCommittedTick);
        }

        try (BotProcess bot = BotProcess.start(work, env(), "run")) {
            bot.awaitLine("voicetrack: ready");
            // alice is still in voice: the persisted session is resumed, not lost or duplicated
            BotProcess.await("accrual after restart", () -> voiceMs(bot, user) > afterCrash + 2 * CHECK_MS);
            Instant left = Instant.now();
            alice.leaveVoice();
            BotProcess.await("a tick after the leave", () -> {
                JsonNode h = JSON.readTree(bot.get("/health").body());
                return h.has("lastTick")
                        && Instant.parse(h.get("lastTick").get("at").asText()).isAfter(left.plusMillis(CHECK_MS));
            });
            assertThat(bot.terminate()).isIn(0, 143);
        }
        try (JdbcStorage storage = open(db)) {
            MemberStats m = storage.member(guild.id(), alice.user().id()).orElseThrow();
            List<VoiceSession> sessions =
                    storage.sessions(guild.id(), alice.user().id(), 10);
            assertThat(sessions).extracting(VoiceSession::id).containsExactly(sessionId);
            assertThat(sessions.get(0).open()).isFalse();
            assertThat(m.sessions()).isEqualTo(1);
            assertThat(m.voiceTimeMs()).isGreaterThan(afterCrash);
            assertThat(storage.openSessions()).isEmpty();
        }
    }
}
