package dev.voicetrack.bot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.voicetrack.core.MemberStats;
import dev.voicetrack.core.VoiceSession;
import dev.voicetrack.core.migrate.MemberFormat;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
    static EmulatedGuild named;
    static EmulatedChannel namedVoice;
    static BotProcess bot;
    static Path work;

    /** A guild stored before the bot started, which the bot is not in (so it knows no names there). */
    static final long GONE_GUILD = 424_242_424_242_424_242L;

    static final long GONE_USER = 900_000_000_000_000_001L;

    @BeforeAll
    static void start() throws Exception {
        discord = DiscordEmulator.start();
        guild = discord.createGuild("api");
        guild.createTextChannel("general");
        lounge = guild.createVoiceChannel("Lounge");
        named = discord.createGuild("names");
        namedVoice = named.createVoiceChannel("Stage");
        work = Files.createDirectories(tmp.resolve("work"));
        try (JdbcStorage storage = JdbcStorage.sqlite(SqliteOptions.builder()
                .file(work.resolve("data/voice-tracker.db"))
                .build())) {
            storage.init();
            storage.setXp(GONE_GUILD, GONE_USER, 70, 1);
        }
        var env = new java.util.HashMap<>(BotProcess.emulatorEnv(discord, "200ms"));
        env.put("MONITOR_INTERVAL", "1h"); // the storage size must be there before any monitor run
        bot = BotProcess.start(work, env, "run");
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
    void export_streamsMembersAsCsvOrJson_onlyWithTheToken() throws Exception {
        String one = "/api/admin/export?format=csv&guild=" + GONE_GUILD;
        assertThat(bot.send("GET", one, null).statusCode()).isEqualTo(401);
        HttpResponse<String> csv = bot.send("GET", one, BotProcess.ADMIN_TOKEN);
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.headers().firstValue("Content-Disposition").orElseThrow())
                .contains("voicetrack-" + GONE_GUILD + ".csv");
        assertThat(csv.body().lines().toList())
                .containsExactly(
                        MemberFormat.CSV_HEADER,
                        GONE_GUILD + "," + GONE_USER + ",0,70,1,0,0,1970-01-01T00:00:00Z,,0,1970-01-01,{}");

        HttpResponse<String> all = bot.send("GET", "/api/admin/export?format=json", BotProcess.ADMIN_TOKEN);
        assertThat(all.statusCode()).isEqualTo(200);
        assertThat(all.body())
                .startsWith("[\n")
                .endsWith("\n]\n")
                .contains("{\"guild_id\":\"" + GONE_GUILD + "\",\"user_id\":\"" + GONE_USER + "\",\"voice_time_ms\":0,"
                        + "\"xp\":70,\"level\":1,");

        assertThat(bot.send("GET", "/api/admin/export?format=xml", BotProcess.ADMIN_TOKEN)
                        .statusCode())
                .isEqualTo(400);
        assertThat(bot.send("GET", "/api/admin/export?format=csv&guild=123456789012345678", BotProcess.ADMIN_TOKEN)
                        .statusCode())
                .isEqualTo(404);
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
    void metrics_haveHistogramBuckets_andTheStorageSizeFromTheStart() throws Exception {
        BotProcess.await("a tick", () -> bot.get("/metrics").body().contains("voicetrack_tick_seconds_count"));
        String metrics = bot.get("/metrics").body();
        // Buckets (labels in any order) from the smallest expected value up to +Inf, for p95/p99.
        assertThat(metrics)
                .containsPattern("(?m)^voicetrack_tick_seconds_bucket\\{(?=[^}]*le=\"1\\.0E-4\")")
                .containsPattern("(?m)^voicetrack_tick_seconds_bucket\\{(?=[^}]*le=\"\\+Inf\")")
                .containsPattern("(?m)^voicetrack_storage_seconds_bucket\\{(?=[^}]*op=\"apply\")(?=[^}]*le=\"\\+Inf\")")
                .containsPattern(
                        "(?m)^voicetrack_storage_seconds_bucket\\{(?=[^}]*op=\"apply\")(?=[^}]*le=\"1\\.0E-4\")");
        // MONITOR_INTERVAL is an hour: the size was measured at start, not left at -1 until a monitor run.
        Matcher size = Pattern.compile("(?m)^voicetrack_storage_size_bytes(\\{[^}]*})? (\\S+)$")
                .matcher(metrics);
        assertThat(size.find()).as(metrics).isTrue();
        assertThat(Double.parseDouble(size.group(2))).isPositive();
    }

    @Test
    void guilds_listIdsNamesAndCounts_andMembersHaveNamesAndAvatars() throws Exception {
        EmulatedMember bob = named.addMember("bob", false);
        bob.joinVoice(namedVoice);
        String gid = Long.toString(named.id());
        BotProcess.await("bob in voice and stored", () -> {
            for (JsonNode g : JSON.readTree(bot.get("/api/guilds").body()).get("guilds")) {
                if (g.get("id").asText().equals(gid)) {
                    return g.get("membersInVoice").asLong() == 1
                            && g.get("trackedMembers").asLong() == 1;
                }
            }
            return false;
        });
        // Storage holds bob before the tick that wrote him invalidates the cache (his absence was cached when he
        // joined the guild): the tick has finished once the API answers for him.
        BotProcess.await(
                "the tick that stored bob finished",
                () -> bot.get("/api/guilds/" + gid + "/users/" + bob.user().id())
                                .statusCode()
                        == 200);
        JsonNode guilds = JSON.readTree(bot.get("/api/guilds").body()).get("guilds");
        JsonNode mine = null;
        JsonNode gone = null;
        for (JsonNode g : guilds) {
            assertThat(g.get("id").isTextual()).as("ids are strings").isTrue();
            if (g.get("id").asText().equals(gid)) {
                mine = g;
            } else if (g.get("id").asText().equals(Long.toString(GONE_GUILD))) {
                gone = g;
            }
        }
        assertThat(mine).isNotNull();
        assertThat(mine.get("name").asText()).isEqualTo("names");
        assertThat(guilds.toString()).contains("\"id\":\"" + guild.id() + "\",\"name\":\"api\"");
        // A stored guild the bot is not in: listed with its id (exact: beyond 2^53) and no name.
        assertThat(gone).isNotNull();
        assertThat(gone.get("name").isNull()).isTrue();
        assertThat(gone.get("trackedMembers").asLong()).isEqualTo(1);
        assertThat(gone.get("membersInVoice").isNull()).isTrue();

        JsonNode entry = JSON.readTree(bot.get("/api/guilds/" + gid + "/leaderboard?metric=voiceTime")
                        .body())
                .get("entries")
                .get(0);
        assertThat(entry.get("userId").asText())
                .isEqualTo(Long.toString(bob.user().id()));
        assertThat(entry.get("name").asText()).isEqualTo("bob");
        assertThat(entry.get("avatarUrl").asText()).startsWith("https://");
        JsonNode user = JSON.readTree(
                bot.get("/api/guilds/" + gid + "/users/" + bob.user().id()).body());
        assertThat(user.get("name").asText()).isEqualTo("bob");
        assertThat(user.get("avatarUrl").asText()).startsWith("https://");

        JsonNode unknown = JSON.readTree(
                        bot.get("/api/guilds/" + GONE_GUILD + "/leaderboard").body())
                .get("entries")
                .get(0);
        assertThat(unknown.get("userId").asText()).isEqualTo(Long.toString(GONE_USER));
        assertThat(unknown.get("name").isNull()).isTrue();
        assertThat(unknown.get("avatarUrl").isNull()).isTrue();
        JsonNode unknownUser = JSON.readTree(
                bot.get("/api/guilds/" + GONE_GUILD + "/users/" + GONE_USER).body());
        assertThat(unknownUser.get("xp").asLong()).isEqualTo(70);
        assertThat(unknownUser.get("name").isNull()).isTrue();
        bob.leaveVoice();
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
