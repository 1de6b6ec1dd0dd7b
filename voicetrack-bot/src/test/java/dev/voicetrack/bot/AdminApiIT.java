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
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged bot's admin API, against an emulator in this JVM, on SQLite. */
class AdminApiIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;

    static DiscordEmulator discord;
    static EmulatedGuild guild;
    static EmulatedChannel lounge;
    static BotProcess bot;
    static Path work;

    @BeforeAll
    static void start() throws Exception {
        discord = DiscordEmulator.start();
        guild = discord.createGuild("api");
        guild.createTextChannel("general");
        lounge = guild.createVoiceChannel("Lounge");
        work = Files.createDirectories(tmp.resolve("work"));
        bot = BotProcess.start(work, BotProcess.emulatorEnv(discord, "200ms"), "run");
        bot.awaitLine("voicetrack: ready");
    }

    @AfterAll
    static void stop() {
        if (bot != null) {
            bot.close();
        }
        if (discord != null) {
            discord.close();
        }
    }

    @Test
    void adminRoutes_refuseWithoutOrWithWrongToken_andWorkWithIt() throws Exception {
        String path = "/api/admin/monitoring/cache/stats";
        assertThat(bot.send("GET", path, null).statusCode()).isEqualTo(401);
        assertThat(bot.send("GET", path, "wrong-token-wrong-token").statusCode())
                .isEqualTo(401);
        assertThat(bot.send("DELETE", "/api/admin/monitoring/cache/clear", null).statusCode())
                .isEqualTo(401);
        assertThat(bot.send("DELETE", "/api/admin/monitoring/cache/invalidate/guild:1", null)
                        .statusCode())
                .isEqualTo(401);
        assertThat(bot.send("POST", "/api/admin/monitoring/cache/warm", null).statusCode())
                .isEqualTo(401);

        HttpResponse<String> ok = bot.send("GET", path, BotProcess.ADMIN_TOKEN);
        assertThat(ok.statusCode()).isEqualTo(200);
        JsonNode stats = JSON.readTree(ok.body()).get("stats");
        assertThat(stats.has("hits")).isTrue();
        assertThat(stats.has("hitRate")).isTrue();
        assertThat(bot.send("POST", "/api/admin/monitoring/cache/warm", BotProcess.ADMIN_TOKEN)
                        .statusCode())
                .isEqualTo(200);
        HttpResponse<String> inv = bot.send(
                "DELETE", "/api/admin/monitoring/cache/invalidate/guild:" + guild.id(), BotProcess.ADMIN_TOKEN);
        assertThat(inv.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(inv.body()).get("tag").asText()).isEqualTo("guild:" + guild.id());
    }

    @Test
    void health_andMetrics_reportStorageCacheGatewayAndTicks() throws Exception {
        HttpResponse<String> health = bot.get("/health");
        assertThat(health.statusCode()).isEqualTo(200);
        JsonNode h = JSON.readTree(health.body());
        assertThat(h.get("status").asText()).isEqualTo("UP");
        assertThat(h.get("storage").get("status").asText()).isEqualTo("UP");
        assertThat(h.get("gateway").get("status").asText()).isEqualTo("UP");
        BotProcess.await("a tick", () -> bot.get("/metrics").body().contains("voicetrack_tick_seconds_count"));
        String metrics = bot.get("/metrics").body();
        assertThat(metrics)
                .contains("voicetrack_cache_hits_total{cache=\"voicetrack\"")
                .contains("voicetrack_cache_misses_total{cache=\"voicetrack\"")
                .contains("voicetrack_storage_seconds_count")
                .contains("voicetrack_members_tracked")
                .contains("jvm_memory_used_bytes");
    }

    @Test
    void clearingTheCacheWhileMembersAccrue_changesNoTotals() throws Exception {
        EmulatedMember alice = guild.addMember("alice", false);
        String user = "/api/guilds/" + guild.id() + "/users/" + alice.user().id();
        alice.joinVoice(lounge);
        BotProcess.await("alice stored", () -> bot.get(user).statusCode() == 200);

        long lastVoice = -1;
        long lastXp = -1;
        for (int i = 0; i < 30; i++) {
            JsonNode before = JSON.readTree(bot.get(user).body()); // fills the cache
            assertThat(bot.send("DELETE", "/api/admin/monitoring/cache/clear", BotProcess.ADMIN_TOKEN)
                            .statusCode())
                    .isEqualTo(200);
            JsonNode after = JSON.readTree(bot.get(user).body()); // read from storage
            // Never goes back: a clear neither loses increments nor resurrects an older copy.
            assertThat(before.get("voiceTimeMs").asLong()).isGreaterThanOrEqualTo(lastVoice);
            assertThat(after.get("voiceTimeMs").asLong())
                    .isGreaterThanOrEqualTo(before.get("voiceTimeMs").asLong());
            assertThat(after.get("xp").asLong())
                    .isGreaterThanOrEqualTo(before.get("xp").asLong());
            assertThat(before.get("xp").asLong()).isGreaterThanOrEqualTo(lastXp);
            lastVoice = after.get("voiceTimeMs").asLong();
            lastXp = after.get("xp").asLong();
        }
        Instant left = Instant.now();
        alice.leaveVoice();
        // Once a tick that started after the leave has written, alice's totals are final.
        BotProcess.await("a tick after the leave", () -> {
            JsonNode h = JSON.readTree(bot.get("/health").body());
            return h.has("lastTick")
                    && Instant.parse(h.get("lastTick").get("at").asText()).isAfter(left.plusMillis(500));
        });
        assertThat(bot.send("DELETE", "/api/admin/monitoring/cache/clear", BotProcess.ADMIN_TOKEN)
                        .statusCode())
                .isEqualTo(200);
        JsonNode viaApi = JSON.readTree(bot.get(user).body());
        JsonNode cached = JSON.readTree(bot.get(user).body());
        assertThat(cached).isEqualTo(viaApi);

        // The truth: storage, read directly. Voice time is exactly the measured session time.
        try (JdbcStorage storage = JdbcStorage.sqlite(SqliteOptions.builder()
                .file(work.resolve("data/voice-tracker.db"))
                .build())) {
            storage.init();
            MemberStats m = storage.member(guild.id(), alice.user().id()).orElseThrow();
            assertThat(viaApi.get("voiceTimeMs").asLong()).isEqualTo(m.voiceTimeMs());
            assertThat(viaApi.get("xp").asLong()).isEqualTo(m.xp());
            List<VoiceSession> sessions =
                    storage.sessions(guild.id(), alice.user().id(), 10);
            assertThat(sessions).hasSize(1);
            assertThat(sessions.get(0).open()).isFalse();
            assertThat(m.voiceTimeMs()).isEqualTo(sessions.get(0).durationMs()).isPositive();
        }

        HttpResponse<String> board = bot.get("/api/guilds/" + guild.id() + "/leaderboard?metric=voiceTime&limit=5");
        assertThat(board.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(board.body())
                        .get("entries")
                        .get(0)
                        .get("userId")
                        .asText())
                .isEqualTo(Long.toString(alice.user().id()));
        assertThat(bot.get("/api/guilds/" + guild.id() + "/leaderboard?metric=nope")
                        .statusCode())
                .isEqualTo(400);
    }
}
