package dev.voicetrack.bot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.voicetrack.emulator.DiscordEmulator;
import dev.voicetrack.emulator.EmulatedChannel;
import dev.voicetrack.emulator.EmulatedGuild;
import dev.voicetrack.emulator.EmulatedMember;
import dev.voicetrack.testkit.redis.RedisServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * The packaged bot with the two-tier cache on a Redis that stops answering ({@code CLIENT PAUSE ...
 * ALL}): leaderboard requests, cached or not, answer within 2 s (at most one Redis command timeout of
 * 1 s is paid, then the in-process tier serves without waiting), ticks keep their pace, and the cache
 * reports itself degraded, then up again once Redis answers. The old bot's ticks took 5-5.7 s at a 2 s
 * interval and its leaderboard answers more than 3 s.
 */
class RedisPauseIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration INTERVAL = Duration.ofSeconds(2);
    private static final Duration PAUSE = Duration.ofSeconds(9);
    private static final Pattern TICKS = Pattern.compile("(?m)^voicetrack_tick_seconds_count\\{[^}]*} ([0-9.E]+)$");
    private static final Pattern TICK_MAX = Pattern.compile("(?m)^voicetrack_tick_seconds_max\\{[^}]*} ([0-9.E]+)$");

    @TempDir
    Path tmp;

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void pausedRedis_leaderboardAnswersWithinTwoSeconds_ticksKeepTheirPace() throws Exception {
        RedisServer redis = RedisServer.start();
        try (DiscordEmulator discord = DiscordEmulator.start()) {
            EmulatedGuild guild = discord.createGuild("paused");
            EmulatedChannel lounge = guild.createVoiceChannel("Lounge");
            EmulatedMember bob = guild.addMember("bob", false);
            Map<String, String> env = new HashMap<>(BotProcess.emulatorEnv(discord, INTERVAL.toMillis() + "ms"));
            env.put("REDIS_URL", redis.url());
            Path work = Files.createDirectories(tmp.resolve("work"));
            try (BotProcess bot = BotProcess.start(work, env, "run")) {
                bot.awaitLine("voicetrack: ready");
                String base = bot.apiBase();
                String board = "/api/guilds/" + guild.id() + "/leaderboard";
                bob.joinVoice(lounge);
                BotProcess.await(
                        "bob on the leaderboard",
                        () -> JSON.readTree(get(base, board).body())
                                        .get("entries")
                                        .size()
                                == 1);

                long ticksBefore = count(TICKS, base);
                assertThat(redis.command("CLIENT", "PAUSE", Long.toString(PAUSE.toMillis()), "ALL"))
                        .isEqualTo("+OK");
                long start = System.nanoTime();
                List<Long> millis = new ArrayList<>();
                List<Integer> statuses = new ArrayList<>();
                int i = 0;
                while (System.nanoTime() - start < PAUSE.minusSeconds(2).toNanos()) {
                    // Every other request is a page never asked for: a cache miss, filled in process.
                    String path = i++ % 2 == 0 ? board : board + "?limit=5&offset=" + i;
                    long t0 = System.nanoTime();
                    int status;
                    try {
                        status = get(base, path).statusCode();
                    } catch (java.net.http.HttpTimeoutException e) {
                        status = -1;
                    }
                    millis.add((System.nanoTime() - t0) / 1_000_000);
                    statuses.add(status);
                    Thread.sleep(200);
                }
                long ticks = count(TICKS, base) - ticksBefore;
                long due = PAUSE.minusSeconds(2).toMillis() / INTERVAL.toMillis();
                String cacheStatus = JSON.readTree(get(base, "/health").body())
                        .get("cache")
                        .get("status")
                        .asText();
                System.out.println("redis-pause-measure: leaderboard ms=" + millis + " statuses=" + statuses
                        + " ticks=" + ticks + " due=" + due + " longest tick s=" + max(TICK_MAX, base)
                        + " cache=" + cacheStatus);
                // One Redis command timeout (1 s) at most, plus the request itself; 2 s leaves room for a
                // loaded machine (measured: 1.02-1.43 s for the call that meets the timeout, 3-60 ms after).
                assertThat(millis).as("leaderboard answer times (ms)").allMatch(ms -> ms < 2_000);
                assertThat(statuses).containsOnly(200);
                assertThat(ticks).as("ticks during the pause").isGreaterThanOrEqualTo(due / 2);
                assertThat(cacheStatus).isEqualTo("DEGRADED");

                BotProcess.await("Redis in use again", () -> JSON.readTree(
                                get(base, "/health").body())
                        .get("cache")
                        .get("status")
                        .asText()
                        .equals("UP"));
                assertThat(get(base, board).statusCode()).isEqualTo(200);
                assertThat(bot.terminate()).isIn(0, 143);
            }
        } finally {
            redis.stop();
        }
    }

    private HttpResponse<String> get(String base, String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(base + path))
                        .timeout(Duration.ofSeconds(3))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private long count(Pattern p, String base) throws Exception {
        Matcher m = p.matcher(get(base, "/metrics").body());
        double n = 0;
        while (m.find()) {
            n += Double.parseDouble(m.group(1));
        }
        return (long) n;
    }

    private String max(Pattern p, String base) throws Exception {
        Matcher m = p.matcher(get(base, "/metrics").body());
        double n = 0;
        while (m.find()) {
            n = Math.max(n, Double.parseDouble(m.group(1)));
        }
        return Double.toString(n);
    }
}
