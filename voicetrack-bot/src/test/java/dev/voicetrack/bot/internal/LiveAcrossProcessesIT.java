package dev.voicetrack.bot.internal;

import static dev.voicetrack.bot.internal.ShardedBots.WAIT;
import static dev.voicetrack.bot.internal.ShardedBots.await;
import static dev.voicetrack.bot.internal.ShardedBots.guildsOnEachShard;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.voicetrack.bot.BotConfig;
import dev.voicetrack.emulator.DiscordEmulator;
import dev.voicetrack.emulator.EmulatedGuild;
import dev.voicetrack.emulator.EmulatedMember;
import dev.voicetrack.testkit.ManualClock;
import dev.voicetrack.testkit.postgres.PostgresServer;
import dev.voicetrack.testkit.redis.RedisServer;
import io.lettuce.core.RedisClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two bots in one JVM, each a process of its own to the other, against one emulator with two shards,
 * one PostgreSQL database and one Redis: A runs shard 0 and serves the dashboard, B runs shard 1. A
 * page open on A (an SSE client on its {@code /api/events}) gets the tick of the guild only B ticks,
 * at B's first tick; A's own ticks reach it once (not a second time through Redis); and with Redis
 * stopped, A's own ticks still reach it. The trackers share a manual clock and tick by hand; the
 * waits are bounded hang guards (real time) for Redis and the HTTP stream.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class LiveAcrossProcessesIT {
    private static final String PREFIX = "live-it:";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private final ManualClock clock = new ManualClock(Instant.parse("2026-12-05T12:00:00Z"));

    @Test
    void aPageOnOneProcessGetsTheTicksOfAnothersGuild_ownTicksOnce_andLocalTicksWithoutRedis() throws Exception {
        try (DiscordEmulator discord = DiscordEmulator.builder().shards(2).start();
                PostgresServer.Database db = PostgresServer.freshDatabase();
                RedisServer redis = RedisServer.start()) {
            EmulatedGuild[] guildOf = guildsOnEachShard(discord);
            EmulatedMember alice = guildOf[0].addMember("alice", false);
            EmulatedMember bob = guildOf[1].addMember("bob", false);
            alice.joinVoice(guildOf[0].createVoiceChannel("Lounge"));
            bob.joinVoice(guildOf[1].createVoiceChannel("Lounge"));
            String g0 = Long.toString(guildOf[0].id());
            String g1 = Long.toString(guildOf[1].id());

            List<BotRuntime> started = new ArrayList<>();
            HttpClient http = HttpClient.newHttpClient();
            try {
                BotRuntime a = start(started, config(discord, db, redis, "0", "a", true));
                BotRuntime b = start(started, config(discord, db, redis, "1", "b", false));
                Events page = Events.open(http, a.api().orElseThrow().port());
                await("both processes to listen on the channel", () -> subscribers(redis) == 2);

                clock.advance(Duration.ofSeconds(60));
                b.tracker().tickNow();
                assertThat(page.next().path("guilds"))
                        .as("B's tick, on A's page")
                        .containsExactly(text(g1));

                a.tracker().tickNow();
                assertThat(page.next().path("guilds")).as("A's own tick").containsExactly(text(g0));
                clock.advance(Duration.ofSeconds(30));
                b.tracker().tickNow();
                JsonNode third = page.next();
                assertThat(third.path("guilds"))
                        .as("B's next tick, with no second copy of A's in between")
                        .containsExactly(text(g1));
                assertThat(third.path("tick").asLong()).isEqualTo(3);

                redis.stop();
                clock.advance(Duration.ofSeconds(30));
                a.tracker().tickNow();
                JsonNode local = page.next();
                assertThat(local.path("guilds"))
                        .as("A's tick while Redis is down")
                        .containsExactly(text(g0));
                assertThat(local.path("at").asText()).isEqualTo(clock.instant().toString());
            } finally {
                for (BotRuntime bot : started) {
                    bot.shutdown("test end");
                }
            }
        }
    }

    private static JsonNode text(String s) {
        return JSON.getNodeFactory().textNode(s);
    }

    private static long subscribers(RedisServer redis) {
        RedisClient client = RedisClient.create(redis.url());
        try (var connection = client.connect()) {
            Map<String, Long> counts = connection.sync().pubsubNumsub(PREFIX + LiveUpdates.CHANNEL);
            return counts.values().stream().mapToLong(Long::longValue).sum();
        } finally {
            client.shutdown();
        }
    }

    private BotConfig config(
            DiscordEmulator discord,
            PostgresServer.Database db,
            RedisServer redis,
            String shardIds,
            String name,
            boolean dashboard) {
        Map<String, String> env = ShardedBots.env(discord, db, shardIds, tmp, name);
        env.put("REDIS_URL", redis.url());
        env.put("REDIS_KEY_PREFIX", PREFIX);
        if (dashboard) {
            env.put("ADMIN_API_BIND", "127.0.0.1:0");
        }
        return BotConfig.load(Map.of(), null, null, env);
    }

    private BotRuntime start(List<BotRuntime> started, BotConfig config) throws InterruptedException {
        BotRuntime bot = new BotRuntime(config, clock);
        started.add(bot);
        bot.start();
        return bot;
    }

    /** The {@code tick} events of one SSE stream, read on the HTTP client's threads as they come. */
    private static final class Events {
        private final BlockingQueue<JsonNode> ticks = new LinkedBlockingQueue<>();
        private final CompletableFuture<Void> connected = new CompletableFuture<>();

        static Events open(HttpClient http, int port) throws Exception {
            Events events = new Events();
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/events"))
                    .header("Accept", "text/event-stream")
                    .build();
            http.sendAsync(request, HttpResponse.BodyHandlers.ofLines()).thenAccept(response -> {
                Thread reader = new Thread(() -> events.read(response.body()), "sse-reader");
                reader.setDaemon(true);
                reader.start();
            });
            events.connected.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            return events;
        }

        private void read(Stream<String> lines) {
            boolean tick = false;
            for (String line : (Iterable<String>) lines::iterator) {
                if (line.startsWith(":")) {
                    connected.complete(null); // the stream's "connected" comment
                } else if (line.equals("event: tick")) {
                    tick = true;
                } else if (line.startsWith("data:") && tick) {
                    try {
                        ticks.add(JSON.readTree(line.substring("data:".length()).trim()));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                } else if (line.isEmpty()) {
                    tick = false;
                }
            }
        }

        /** The next tick event, waiting at most {@link ShardedBots#WAIT}. */
        JsonNode next() throws InterruptedException {
            JsonNode event = ticks.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(event).as("a tick event within " + WAIT).isNotNull();
            return event;
        }
    }
}
