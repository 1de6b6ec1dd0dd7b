package dev.voicetrack.bot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.emulator.DiscordEmulator;
import dev.voicetrack.emulator.EmulatedChannel;
import dev.voicetrack.emulator.EmulatedGuild;
import dev.voicetrack.emulator.EmulatedMember;
import dev.voicetrack.testkit.net.FaultProxy;
import dev.voicetrack.testkit.postgres.PostgresServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged bot on PostgreSQL behind a {@link FaultProxy}, through an outage of each kind: the
 * server refusing connections (a stopped server), then hanging (accepting and never answering, open
 * connections frozen, then resuming as a healed network does). Meanwhile {@code /health} answers 503
 * at once from what the bot already knows, ticks keep their pace, and afterwards the stored totals
 * are exact: the member's voice time equals the time its session lasted, nothing lost or counted twice.
 *
 * <p>Timing bounds are generous: the old bot took 19-30 s to answer {@code /health} and as long for a
 * tick; here a health answer must come within 2 s and at least half the ticks due must have run.
 */
class StorageOutageIT {
    private static final Duration INTERVAL = Duration.ofSeconds(2);
    private static final Duration OUTAGE = Duration.ofSeconds(10);
    private static final Pattern TICKS = Pattern.compile("(?m)^voicetrack_tick_seconds_count\\{[^}]*} ([0-9.E]+)$");

    @TempDir
    Path tmp;

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void postgresRefusingThenHanging_healthAnswers503Fast_ticksKeepTheirPace_totalsExactAfterwards() throws Exception {
        try (PostgresServer.Database db = PostgresServer.freshDatabase();
                FaultProxy proxy = FaultProxy.start(db.host(), db.port());
                DiscordEmulator discord = DiscordEmulator.start()) {
            EmulatedGuild guild = discord.createGuild("outage");
            EmulatedChannel lounge = guild.createVoiceChannel("Lounge");
            EmulatedMember bob = guild.addMember("bob", false);
            Map<String, String> env = new HashMap<>(BotProcess.emulatorEnv(discord, INTERVAL.toMillis() + "ms"));
            env.put("VOICETRACK_STORAGE", "postgres");
            env.put("VOICETRACK_JDBC_URL", "jdbc:postgresql://" + proxy.host() + ":" + proxy.port() + "/" + db.name());
            env.put("POSTGRES_USER", db.user());
            env.put("POSTGRES_PASSWORD", db.password());
            Path work = Files.createDirectories(tmp.resolve("work"));
            try (BotProcess bot = BotProcess.start(work, env, "run")) {
                bot.awaitLine("voicetrack: ready");
                String base = bot.apiBase();
                String user =
                        "/api/guilds/" + guild.id() + "/users/" + bob.user().id();
                bob.joinVoice(lounge);
                BotProcess.await("bob stored", () -> bot.get(user).statusCode() == 200);

                proxy.refuse();
                proxy.cutAll();
                outage("refused", base, guild.id());
                proxy.forward();
                BotProcess.await("healthy again", () -> get(base, "/health").statusCode() == 200);

                proxy.hang();
                outage("hung", base, guild.id());
                proxy.forward(); // the frozen connections carry on, as after a healed partition
                BotProcess.await("healthy again", () -> get(base, "/health").statusCode() == 200);

                bob.leaveVoice();
                BotProcess.await("bob's session closed and written", () -> closedSessions(db, bob) == 1);
                try (Connection c = db.connect();
                        Statement st = c.createStatement();
                        ResultSet rs = st.executeQuery("SELECT m.voice_ms, s.duration_ms, s.end_ms - s.start_ms"
                                + " FROM vt_members m JOIN vt_sessions s ON s.guild_id = m.guild_id"
                                + " AND s.user_id = m.user_id WHERE m.user_id = "
                                + bob.user().id())) {
                    assertThat(rs.next()).isTrue();
                    long stored = rs.getLong(1);
                    long session = rs.getLong(3);
                    System.out.println("outage-measure: totals voice_ms=" + stored + " duration_ms=" + rs.getLong(2)
                            + " end-start=" + session);
                    assertThat(stored)
                            .as("voice time stored vs. the session's length")
                            .isEqualTo(session);
                    assertThat(rs.getLong(2)).isEqualTo(session);
                }
                String log = bot.stderr();
                System.out.println("outage-measure: ticks that could not write: "
                        + log.lines()
                                .filter(l -> l.contains("Tick could not write"))
                                .count()
                        + ", of them waiting on a write in doubt: "
                        + log.lines()
                                .filter(l -> l.contains("has not answered yet"))
                                .count());
                assertThat(bot.terminate()).isIn(0, 143);
            }
        }
    }

    /** Through one outage: every health answer comes fast and says 503; ticks keep coming. */
    private void outage(String kind, String base, long guildId) throws Exception {
        long ticksBefore = ticks(base);
        long start = System.nanoTime();
        List<Long> healthMillis = new ArrayList<>();
        List<Integer> statuses = new ArrayList<>();
        while (System.nanoTime() - start < OUTAGE.toNanos()) {
            long t0 = System.nanoTime();
            int status;
            try {
                status = get(base, "/health").statusCode();
            } catch (java.net.http.HttpTimeoutException e) {
                status = -1;
            }
            healthMillis.add((System.nanoTime() - t0) / 1_000_000);
            statuses.add(status);
            Thread.sleep(250);
        }
        // A query the cache cannot answer (a page never asked for) fails fast, with the reason.
        long q0 = System.nanoTime();
        HttpResponse<String> page =
                get(base, "/api/guilds/" + guildId + "/leaderboard?limit=3&offset=" + (7 + kind.length()));
        long queryMillis = (System.nanoTime() - q0) / 1_000_000;
        long ticks = ticks(base) - ticksBefore;
        long due = OUTAGE.toMillis() / INTERVAL.toMillis();
        Matcher max = Pattern.compile("(?m)^voicetrack_tick_seconds_max\\{written=\"false\"} ([0-9.E]+)$")
                .matcher(get(base, "/metrics").body());
        System.out.println("outage-measure: " + kind + " health ms=" + healthMillis + " statuses=" + statuses
                + " ticks=" + ticks + " due=" + due + " longest unwritten tick s=" + (max.find() ? max.group(1) : "-")
                + " leaderboard ms=" + queryMillis
                + " status=" + page.statusCode() + " body=" + page.body());
        assertThat(healthMillis).as(kind + ": /health answer times (ms)").allMatch(ms -> ms < 2_000);
        // The first answers may still be 200: the bot learns of the outage from its next storage call.
        assertThat(statuses.subList(statuses.size() / 2, statuses.size()))
                .as(kind + ": /health statuses in the second half of the outage")
                .containsOnly(503);
        assertThat(ticks).as(kind + ": ticks during the outage").isGreaterThanOrEqualTo(due / 2);
        assertThat(queryMillis).as(kind + ": leaderboard answer time (ms)").isLessThan(3_000);
        assertThat(page.statusCode()).isEqualTo(503);
        assertThat(page.body()).contains("storage unavailable");
    }

    private HttpResponse<String> get(String base, String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(base + path))
                        .timeout(Duration.ofSeconds(3))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private long ticks(String base) throws Exception {
        Matcher m = TICKS.matcher(get(base, "/metrics").body());
        double n = 0;
        while (m.find()) {
            n += Double.parseDouble(m.group(1));
        }
        return (long) n;
    }

    private static int closedSessions(PostgresServer.Database db, EmulatedMember m) throws Exception {
        try (Connection c = db.connect();
                Statement st = c.createStatement();
                ResultSet rs =
                        st.executeQuery("SELECT count(*) FROM vt_sessions WHERE end_ms IS NOT NULL AND user_id = "
                                + m.user().id())) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
