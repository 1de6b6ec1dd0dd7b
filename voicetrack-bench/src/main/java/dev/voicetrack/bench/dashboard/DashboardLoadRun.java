package dev.voicetrack.bench.dashboard;

import dev.voicetrack.bot.BotConfig;
import dev.voicetrack.bot.internal.BotRuntime;
import dev.voicetrack.core.storage.Batch;
import dev.voicetrack.core.storage.MemberDelta;
import dev.voicetrack.emulator.DiscordEmulator;
import dev.voicetrack.emulator.EmulatedChannel;
import dev.voicetrack.emulator.EmulatedGuild;
import dev.voicetrack.emulator.EmulatedMember;
import dev.voicetrack.storage.jdbc.JdbcStorage;
import dev.voicetrack.storage.jdbc.SqliteOptions;
import dev.voicetrack.storage.jdbc.SqliteStorage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Load run of the dashboard's leaderboard against the running bot (not JMH: what counts is the HTTP
 * round trip through the bot's server, its cache and SQLite, under concurrent clients).
 *
 * <ol>
 *   <li>Fills a fresh SQLite database with one guild of 1,000,000 members through the store's own batch
 *       ({@code JdbcStorage.apply}, 50,000 members a batch): XP skewed ({@code u^3 x 1,000,000}), voice time
 *       and messages from it. Every member has all-time totals; 5% (every 20th) were active today, the others
 *       400 days ago, so the 7-day, week and month boards hold 50,000 members (members active in a window
 *       are a fraction of a large guild's; every member in it is the worst case, see the report). The first
 *       1,000 members are members of the emulated guild, with names, so that the search finds them.
 *   <li>Starts the bot ({@link BotRuntime}, as {@code voicetrack run} does) on that database against the Discord
 *       emulator, with 20 of those members in voice and the default 5 s check interval, so ticks land and
 *       drop the guild's cached leaderboards during the run as in a live guild.
 *   <li>Weighs the leaderboard page as a browser loads it: the document, every asset it names (and the
 *       script's), and the JSON it fetches ({@code /api/guilds/{g}/leaderboard?...limit=25} and {@code
 *       /api/guilds}). Members' avatars come from Discord's CDN, not from the bot, and are not counted.
 *   <li>Runs {@code N} concurrent clients (one shared {@link HttpClient}, HTTP/1.1) for a number of requests,
 *       each drawn at random: the page document, the leaderboard JSON of page 1 and of a random page (deep
 *       pages down to the last) for every metric and window, {@code /api/guilds}, and a name search. After a
 *       warm-up of the same mix, prints p50 / p99 / max per route and over all requests.
 * </ol>
 *
 * <p>Run: {@code voicetrack-bench/run-dashboard-load.sh [clients] [requests]} (defaults 8 and 20,000).
 */
public final class DashboardLoadRun {
    private static final int MEMBERS = 1_000_000;
    private static final int NAMED = 1_000;
    private static final int IN_VOICE = 20;
    private static final int CHUNK = 50_000;
    private static final int PAGE = 25;
    private static final long SYNTHETIC_IDS = 900_000_000_000_000_000L;
    private static final List<String> METRICS = List.of("xp", "voiceTime", "level", "messages");
    private static final List<String> WINDOWS = List.of("all", "7d", "week", "month");
    private static final Duration WAIT = Duration.ofSeconds(120);

    private DashboardLoadRun() {}

    public static void main(String[] args) throws Exception {
        int clients = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        int requests = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        Path dir = Files.createTempDirectory("vt-dashboard-load");
        try (DiscordEmulator discord = DiscordEmulator.start()) {
            EmulatedGuild guild = discord.createGuild("Million");
            EmulatedChannel lounge = guild.createVoiceChannel("Lounge");
            List<EmulatedMember> named = new ArrayList<>();
            for (int i = 0; i < NAMED; i++) {
                named.add(guild.addMember(String.format(Locale.ROOT, "member%04d", i), false));
            }
            Path db = dir.resolve("voice-tracker.db");
            fill(db, guild.id(), named);
            for (int i = 0; i < IN_VOICE; i++) {
                named.get(i).joinVoice(lounge);
            }
            BotRuntime bot = new BotRuntime(BotConfig.load(Map.of(), null, null, env(discord, dir, db)));
            bot.start();
            try {
                String base = "http://127.0.0.1:" + bot.api().orElseThrow().port();
                HttpClient http = HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(5))
                        .build();
                String g = Long.toString(guild.id());
                awaitSearchable(http, base, g);
                weigh(http, base, g);
                Mix mix = new Mix(g);
                System.out.printf("warm-up: %,d requests, %d clients%n", requests / 5, clients);
                run(http, base, mix, clients, requests / 5, false);
                System.out.printf(
                        "measured: %,d requests, %d clients (load average %s)%n", requests, clients, loadAverage());
                Map<String, long[]> times = run(http, base, mix, clients, requests, true);
                report(times);
                System.out.printf("load average after: %s%n", loadAverage());
            } finally {
                bot.shutdown("load run end");
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static Map<String, String> env(DiscordEmulator discord, Path dir, Path db) {
        Map<String, String> env = new HashMap<>();
        env.put("DISCORD_BOT_TOKEN", discord.botToken());
        env.put("DISCORD_API_URL", discord.httpBaseUrl());
        env.put("DISCORD_GATEWAY_URL", discord.gatewayUrl());
        env.put("VOICETRACK_STORAGE", "sqlite");
        env.put("SQLITE_DB_PATH", db.toString());
        env.put("BACKUP_DIR", dir.resolve("backups").toString());
        env.put("BACKUP_INTERVAL", "0");
        env.put("SHUTDOWN_BACKUP", "false");
        env.put("OPTIMIZE_INTERVAL", "0");
        env.put("ANNOUNCEMENTS_FILE", dir.resolve("announcements.properties").toString());
        env.put("ADMIN_API_BIND", "127.0.0.1:0");
        return env;
    }

    /** One guild of {@link #MEMBERS} members through the store's batch; prints the time it took. */
    private static void fill(Path db, long guild, List<EmulatedMember> named) {
        long start = System.nanoTime();
        SplittableRandom random = new SplittableRandom(7);
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        LocalDate longAgo = today.minusDays(400);
        Instant now = Instant.now();
        try (SqliteStorage storage =
                JdbcStorage.sqlite(SqliteOptions.builder().file(db).build())) {
            storage.init();
            for (int from = 0; from < MEMBERS; from += CHUNK) {
                List<MemberDelta> deltas = new ArrayList<>(CHUNK);
                for (int i = from; i < from + CHUNK && i < MEMBERS; i++) {
                    long user = i < named.size() ? named.get(i).user().id() : SYNTHETIC_IDS + i;
                    double u = random.nextDouble();
                    long xp = (long) (u * u * u * 1_000_000);
                    LocalDate day = i % 20 == 0 ? today : longAgo;
                    deltas.add(new MemberDelta(
                            guild, user, 77, day, 12, 60_000 + xp * 1_000, xp, xp / 50, 1 + xp / 10_000, now));
                }
                storage.apply(new Batch(deltas, List.of()));
            }
            System.out.printf(
                    "filled %,d members in %.1f s (%,d MB)%n",
                    storage.memberCount(guild),
                    (System.nanoTime() - start) / 1e9,
                    db.toFile().length() >> 20);
        }
    }

    /** Waits (bounded) until the bot has the named members cached, so that the search finds them. */
    private static void awaitSearchable(HttpClient http, String base, String guild) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!get(http, base + "/api/guilds/" + guild + "/members?q=member0999")
                .body()
                .contains("member0999")) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the bot did not list the guild's members within " + WAIT);
            }
            Thread.sleep(200);
        }
    }

    /** Prints the bytes of the leaderboard page and of everything the bot serves for it. */
    private static void weigh(HttpClient http, String base, String guild) throws Exception {
        Map<String, Integer> parts = new LinkedHashMap<>();
        String doc = get(http, base + "/dashboard/guilds/" + guild).body();
        parts.put("/dashboard/guilds/{g}", bytes(doc));
        List<String> assets = new ArrayList<>();
        Matcher m =
                Pattern.compile("(?:href|src)=\"(/dashboard/assets/[^\"]+)\"").matcher(doc);
        while (m.find()) {
            if (!assets.contains(m.group(1))) {
                assets.add(m.group(1));
            }
        }
        for (String a : assets) {
            String body = get(http, base + a).body();
            parts.put(a, bytes(body));
            Matcher inner = Pattern.compile("\"(/dashboard/assets/[^\"]+)\"").matcher(body);
            while (inner.find()) {
                if (!parts.containsKey(inner.group(1)) && !assets.contains(inner.group(1))) {
                    parts.put(
                            inner.group(1),
                            bytes(get(http, base + inner.group(1)).body()));
                }
            }
        }
        parts.put(
                "/api/guilds/{g}/leaderboard?limit=25&offset=0",
                bytes(get(http, base + "/api/guilds/" + guild + "/leaderboard?metric=xp&window=all&limit=25&offset=0")
                        .body()));
        parts.put("/api/guilds", bytes(get(http, base + "/api/guilds").body()));
        int total = 0;
        System.out.println("page weight (uncompressed bytes; avatars are Discord's, not counted):");
        for (var e : parts.entrySet()) {
            System.out.printf("  %-50s %,9d%n", e.getKey(), e.getValue());
            total += e.getValue();
        }
        System.out.printf("  %-50s %,9d (%.1f KB)%n", "total", total, total / 1024.0);
    }

    private static int bytes(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }

    /** The requests, drawn at random per call; each knows the route it is timed under. */
    private static final class Mix {
        private final String guild;
        private final int lastPage = (MEMBERS - 1) / PAGE;
        private final int lastWindowPage = (MEMBERS / 20 - 1) / PAGE;

        Mix(String guild) {
            this.guild = guild;
        }

        /** {route, path}. */
        String[] next(SplittableRandom r) {
            int kind = r.nextInt(10);
            String metric = METRICS.get(r.nextInt(METRICS.size()));
            // level has no windowed board (the page offers it for all time only; the route answers 400)
            String window = metric.equals("level") ? "all" : WINDOWS.get(r.nextInt(WINDOWS.size()));
            String lb = "/api/guilds/" + guild + "/leaderboard?metric=" + metric + "&window=" + window + "&limit="
                    + PAGE + "&offset=";
            String when = window.equals("all") ? "all-time" : "windowed";
            return switch (kind) {
                case 0, 1 -> new String[] {"page document", "/dashboard/guilds/" + guild};
                case 2 -> new String[] {"/api/guilds", "/api/guilds"};
                case 3 -> new String[] {
                    "search",
                    "/api/guilds/" + guild + "/members?q=member" + String.format(Locale.ROOT, "%03d", r.nextInt(1000))
                };
                case 4, 5, 6 -> new String[] {"leaderboard page 1, " + when, lb + "0"};
                default -> new String[] {
                    "leaderboard random page, " + when,
                    lb + (long) PAGE * r.nextInt((window.equals("all") ? lastPage : lastWindowPage) + 1)
                };
            };
        }
    }

    /**
     * Runs the requests; an answer other than 200 is counted per route (the first 5 printed) and not timed;
     * {@code strict} only names the part in the output (the warm-up meets the first reads of cold indexes).
     */
    private static Map<String, long[]> run(
            HttpClient http, String base, Mix mix, int clients, int requests, boolean strict)
            throws InterruptedException {
        Map<String, List<Long>> times = new ConcurrentHashMap<>();
        AtomicInteger left = new AtomicInteger(requests);
        AtomicInteger failures = new AtomicInteger();
        Map<String, AtomicInteger> failed = new ConcurrentHashMap<>();
        CountDownLatch done = new CountDownLatch(clients);
        for (int c = 0; c < clients; c++) {
            SplittableRandom r = new SplittableRandom(100 + c);
            Thread t = new Thread(
                    () -> {
                        try {
                            while (left.getAndDecrement() > 0) {
                                String[] req = mix.next(r);
                                long t0 = System.nanoTime();
                                HttpResponse<String> resp = get(http, base + req[1]);
                                long took = System.nanoTime() - t0;
                                if (resp.statusCode() != 200) {
                                    failed.computeIfAbsent(req[0], k -> new AtomicInteger())
                                            .incrementAndGet();
                                    if (failures.incrementAndGet() <= 5) {
                                        System.out.println("HTTP " + resp.statusCode() + " for " + req[1]);
                                    }
                                    continue; // timed only when answered
                                }
                                times.computeIfAbsent(
                                                req[0], k -> java.util.Collections.synchronizedList(new ArrayList<>()))
                                        .add(took);
                            }
                        } catch (IOException e) {
                            failures.incrementAndGet();
                            e.printStackTrace();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        } finally {
                            done.countDown();
                        }
                    },
                    "client-" + c);
            t.start();
        }
        done.await();
        if (failures.get() > 0) {
            System.out.printf(
                    "%,d of %,d requests failed (not 200)%s%n",
                    failures.get(), requests, strict ? "" : " in the warm-up");
            failed.forEach((route, n) -> System.out.printf("  %-40s %,d failed%n", route, n.get()));
        }
        Map<String, long[]> out = new java.util.TreeMap<>();
        List<Long> all = new ArrayList<>();
        times.forEach((k, v) -> {
            out.put(k, v.stream().mapToLong(Long::longValue).toArray());
            all.addAll(v);
        });
        out.put("(all requests)", all.stream().mapToLong(Long::longValue).toArray());
        return out;
    }

    private static void report(Map<String, long[]> times) {
        System.out.printf("%-40s %8s %9s %9s %9s%n", "route", "requests", "p50 ms", "p99 ms", "max ms");
        times.forEach((route, t) -> {
            if (t.length == 0) {
                System.out.printf("%-40s %8d (none answered)%n", route, 0);
                return;
            }
            Arrays.sort(t);
            System.out.printf(
                    Locale.ROOT,
                    "%-40s %8d %9.2f %9.2f %9.2f%n",
                    route,
                    t.length,
                    t[(int) Math.min(t.length - 1, Math.ceil(t.length * 0.50) - 1)] / 1e6,
                    t[(int) Math.min(t.length - 1, Math.ceil(t.length * 0.99) - 1)] / 1e6,
                    t[t.length - 1] / 1e6);
        });
    }

    private static HttpResponse<String> get(HttpClient http, String url) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(URI.create(url)).timeout(WAIT).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
