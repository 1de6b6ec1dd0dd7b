package dev.voicetrack.bot.internal;

import dev.voicetrack.bot.BotConfig;
import dev.voicetrack.bot.ConfigException;
import dev.voicetrack.core.LeaderboardEntry;
import dev.voicetrack.core.MemberStats;
import dev.voicetrack.core.Metric;
import dev.voicetrack.core.TrackerListener;
import dev.voicetrack.core.VoiceSession;
import dev.voicetrack.core.Window;
import dev.voicetrack.core.storage.Storage;
import dev.voicetrack.emulator.DiscordEmulator;
import dev.voicetrack.emulator.EmulatedChannel;
import dev.voicetrack.emulator.EmulatedGuild;
import dev.voicetrack.emulator.EmulatedMember;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * {@code voicetrack demo}: a local Discord emulator with a few simulated guilds whose members join,
 * talk, mute, move and leave; the real bot (JDA, tracker, storage, cache, admin API) runs against it,
 * and a leaderboard is printed every few seconds. Stops on Ctrl-C or after {@code --duration}.
 *
 * <p><b>Speed.</b> {@code --speed N} runs the tracker's clock N times as fast as real time (voice time
 * accrues N times as fast), checks every 2 s of simulated time (at least every 100 ms of real time)
 * and makes the simulated members act N times as often. Schedules such as backups keep real time.
 *
 * <p><b>A world that survives restarts.</b> The demo keeps a small file next to its data ({@value
 * #WORLD_FILE}): the origin of the emulator's ids, who was in which voice channel when it stopped and
 * the simulated time. A restart with the same {@code --guilds} and {@code --members} gets the same
 * guild, channel and member ids, puts the members back in voice before the bot starts, so the bot
 * resumes their sessions and continues their totals. The file is rewritten (atomically) every {@link
 * #WORLD_SAVE_EVERY} of real time, so a killed run loses at most that much of it; and simulated time
 * starts no earlier than the latest time already in storage (newest {@code lastSeen}, open sessions'
 * {@code lastAccrual}), so it never runs backwards across restarts, even after {@code kill -9}.
 */
public final class Demo {
    private static final String[] NAMES = {
        "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory", "niaj", "olivia",
        "peggy", "rupert", "sybil", "trent", "victor", "walter", "yara"
    };

    private final int guildCount;
    private final int membersPerGuild;
    private final double speed;
    private final Random random;
    private final Map<Long, String> names = new HashMap<>();
    private final List<EmulatedGuild> guilds = new ArrayList<>();
    private final Map<Long, List<EmulatedChannel>> voice = new HashMap<>();
    private final Map<Long, EmulatedChannel> text = new HashMap<>();

    public Demo(int guildCount, int membersPerGuild, double speed, long seed) {
        this.guildCount = guildCount;
        this.membersPerGuild = membersPerGuild;
        this.speed = speed;
        this.random = new Random(seed);
    }

    /**
     * Runs the demo until the runtime is shut down (Ctrl-C) or {@code duration} passes; returns whether
     * the shutdown backup (when one was due) was written and verified.
     */
    public boolean run(BotConfig base, @Nullable Duration duration) throws InterruptedException {
        // The demo's own places, unless the operator chose them.
        BotConfig withDemoPlaces = base.withDefaults(Map.of(
                "SQLITE_DB_PATH", "./data/demo/voice-tracker.db",
                "BACKUP_DIR", "./data/demo/backups",
                "ANNOUNCEMENTS_FILE", "./data/demo/announcements.properties",
                "JSON_DATA_DIR", "./data/demo/json",
                // Every 2 s of simulated time, so that per-check XP keeps pace with the faster clock.
                "CHECK_INTERVAL", Math.max(100, Math.round(2000 / speed)) + "ms"));
        Map<String, String> demo = new HashMap<>();
        if (base.adminApi().token().isEmpty()) {
            byte[] b = new byte[18];
            new SecureRandom().nextBytes(b);
            demo.put("ADMIN_API_TOKEN", HexFormat.of().formatHex(b));
        }
        if (base.adminApi().dashboardUrl().isEmpty()) {
            // The simulated members' /leaderboard and /rank replies link to this machine's dashboard.
            base.adminApi()
                    .bind()
                    .ifPresent(bind -> demo.put(
                            "DASHBOARD_URL",
                            "http://"
                                    + (bind.getAddress() != null
                                                    && bind.getAddress().isAnyLocalAddress()
                                            ? "127.0.0.1"
                                            : bind.getHostString())
                                    + ":" + bind.getPort()));
        }
        BotConfig local = withDemoPlaces.with(demo);
        @Nullable Path worldFile = worldFile(local);
        DemoWorld saved = worldFile == null ? DemoWorld.fresh(Instant.now()) : DemoWorld.load(worldFile);

        DiscordEmulator discord =
                DiscordEmulator.builder().idsFrom(saved.idsFrom).start();
        int resumed = populate(discord, saved, 1);
        demo.put("DISCORD_BOT_TOKEN", discord.botToken());
        demo.put("DISCORD_API_URL", discord.httpBaseUrl());
        demo.put("DISCORD_GATEWAY_URL", discord.gatewayUrl());
        BotConfig config = withDemoPlaces.with(demo);
        // Never before a time already stored: the world file may be older than the data (a killed run
        // wrote it a few seconds before it died).
        Instant start = saved.simulatedTime;
        Instant stored = latestStoredTime(config);
        if (stored != null && stored.isAfter(start)) {
            start = stored;
        }
        SpeedClock clock = new SpeedClock(Clock.systemUTC(), speed, start);
        System.out.println("VoiceTrack demo: " + guildCount + " guilds x " + membersPerGuild
                + " simulated members on a local Discord emulator (" + discord.httpBaseUrl() + ")");
        System.out.println("Storage: " + config.storageKind().name().toLowerCase(Locale.ROOT)
                + switch (config.storageKind()) {
                    case SQLITE -> " at " + config.storage().sqlitePath();
                    case JSON -> " at " + config.storage().jsonDir();
                    case MEMORY -> " (in memory, nothing kept)";
                    default -> "";
                });
        for (EmulatedGuild g : guilds) {
            System.out.println("Guild " + g.id() + " \"" + g.name() + "\": "
                    + g.members().stream().filter(m -> !m.user().bot()).count() + " members");
        }
        if (speed != 1) {
            System.out.println("Simulated time runs " + fmt(speed) + "x faster than real time (from "
                    + clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS) + ")");
        }
        if (resumed > 0) {
            System.out.println("Resumed: " + resumed + " members are back in voice where the last run left them");
        }
        BotRuntime bot = new BotRuntime(config, clock);
        bot.addListener(new TrackerListener() {
            @Override
            public void levelUp(LevelUp e) {
                System.out.println("  * " + names.getOrDefault(e.userId(), Long.toString(e.userId()))
                        + " reached level " + e.newLevel());
            }
        });
        ScheduledExecutorService sim = simulationThread("demo-simulation");
        Runnable stop = () -> {
            sim.shutdownNow();
            try {
                sim.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (worldFile != null) {
                saveWorld(worldFile, saved.idsFrom, clock.instant());
            }
        };
        Thread hook = new Thread(
                () -> {
                    stop.run();
                    bot.shutdownOnSignal();
                },
                "voicetrack-signal");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            bot.start();
        } catch (RuntimeException | InterruptedException e) {
            Runtime.getRuntime().removeShutdownHook(hook);
            sim.shutdownNow();
            discord.close();
            throw e;
        }
        if (worldFile != null) {
            saved.save(worldFile); // the ids' origin is kept even if this run is killed
        }
        bot.api()
                .ifPresent(api -> System.out.println("Dashboard (live leaderboards and profiles): http://127.0.0.1:"
                        + api.port() + "/dashboard/guilds/" + guilds.get(0).id()));
        if (demo.containsKey("ADMIN_API_TOKEN") && bot.api().isPresent()) {
            int port = bot.api().get().port();
            System.out.println("Admin API token for this demo: " + demo.get("ADMIN_API_TOKEN"));
            System.out.println("  curl -H 'Authorization: Bearer " + demo.get("ADMIN_API_TOKEN") + "' http://127.0.0.1:"
                    + port + "/api/admin/monitoring/cache/stats");
            System.out.println("  curl http://127.0.0.1:" + port + "/api/guilds/"
                    + guilds.get(0).id() + "/leaderboard");
        }
        System.out.println("Press Ctrl-C to stop (a verified backup is written on the way out).");
        if (resumed == 0) {
            joinHalfOfEveryone(guilds);
        }
        long stepMs = Math.max(20, Math.round(1500 / speed));
        sim.scheduleAtFixedRate(this::step, stepMs, stepMs, TimeUnit.MILLISECONDS);
        sim.scheduleAtFixedRate(() -> printLeaderboards(bot), 3, 5, TimeUnit.SECONDS);
        if (worldFile != null) {
            // A run that is killed (no shutdown hook) loses at most this much of its world.
            sim.scheduleAtFixedRate(
                    () -> {
                        try {
                            saveWorld(worldFile, saved.idsFrom, clock.instant());
                        } catch (RuntimeException e) {
                            System.err.println("demo: cannot save the world: " + e);
                        }
                    },
                    WORLD_SAVE_EVERY.toMillis(),
                    WORLD_SAVE_EVERY.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
        try {
            if (duration != null) {
                Thread.sleep(duration.toMillis()); // the demo's own run time, not a synchronisation
                stop.run();
                bot.shutdown("--duration elapsed");
                Runtime.getRuntime().removeShutdownHook(hook);
            } else {
                bot.awaitStopped();
            }
        } finally {
            sim.shutdownNow();
            discord.close();
        }
        return bot.shutdownBackupSucceeded();
    }

    /**
     * {@code demo --processes N}: the emulator (with N shards) and the simulated members run here, and
     * N bot processes run against it, process {@code i} with {@code SHARD_COUNT=N} and {@code
     * SHARD_IDS=i-1}, sharing the operator's PostgreSQL or MongoDB and a Redis ({@code REDIS_URL}, else
     * a {@code redis-server} from the {@code PATH} that the demo starts and stops). Guild {@code g} is
     * on shard {@code g % N}, so each process ticks its own guilds. Prints one status line per process
     * every few seconds; Ctrl-C (or {@code duration}) stops every process as Ctrl-C stops one bot.
     * Simulated time runs at real speed: the processes' clocks are their own.
     *
     * <p>Nothing is started until the settings are known to do: without a shared storage or a Redis,
     * one {@link ConfigException} names everything that is missing.
     *
     * @param runArgs arguments every process's {@code run} command gets ({@code --config FILE})
     * @return whether every process stopped cleanly (status 0)
     */
    public boolean runProcesses(BotConfig base, int processes, @Nullable Duration duration, List<String> runArgs)
            throws InterruptedException, IOException {
        if (guildCount < processes) {
            throw new ConfigException("demo --processes " + processes + " needs at least as many guilds (one shard"
                    + " each), was --guilds " + guildCount);
        }
        BotConfig config = base.withDefaults(Map.of("CHECK_INTERVAL", "2s"));
        List<String> missing = new ArrayList<>();
        BotConfig.StorageKind kind = config.storageKind();
        if (kind != BotConfig.StorageKind.POSTGRES && kind != BotConfig.StorageKind.MONGO) {
            missing.add("a storage every process reaches, PostgreSQL (VOICETRACK_JDBC_URL="
                    + "jdbc:postgresql://localhost:5432/voicetrack, with POSTGRES_USER and POSTGRES_PASSWORD) or"
                    + " MongoDB (MONGODB_URI), was VOICETRACK_STORAGE="
                    + kind.name().toLowerCase(Locale.ROOT)
                    + " (one process's own)");
        }
        Optional<Path> redisServer = config.cache().redisUrl().isPresent() ? Optional.empty() : LocalRedis.onPath();
        if (config.cache().redisUrl().isEmpty() && redisServer.isEmpty()) {
            missing.add("a Redis, REDIS_URL=redis://host:6379 (or put redis-server on the PATH and the demo"
                    + " starts its own)");
        }
        if (config.adminApi().bind().isEmpty()) {
            missing.add("ADMIN_API_BIND (each process's status is read from its admin API), was off");
        }
        if (!missing.isEmpty()) {
            throw new ConfigException("demo --processes " + processes + " needs " + String.join("; and ", missing)
                    + ". Nothing was started");
        }
        String apiHost = config.adminApi().bind().get().getHostString();
        Map<String, String> shared = new HashMap<>();
        shared.put("SHARD_COUNT", Integer.toString(processes));
        shared.put("ADMIN_API_BIND", apiHost + ":0");
        shared.put("ADMIN_API_TOKEN", config.adminApi().token().orElseGet(Demo::newToken));
        shared.put("CHECK_INTERVAL", config.tracking().checkInterval().toMillis() + "ms");
        // Every process's settings are refused here, before anything starts, if they would be there.
        config.with(Map.of(
                "SHARD_COUNT",
                Integer.toString(processes),
                "SHARD_IDS",
                "0",
                "REDIS_URL",
                config.cache().redisUrl().orElse("redis://127.0.0.1:6379")));

        Path dir = Path.of("data", "demo").toAbsolutePath();
        Path worldFile = dir.resolve(shardedWorldFile(processes));
        DemoWorld saved = DemoWorld.load(worldFile);
        LocalRedis redis = redisServer.isPresent() ? LocalRedis.start(redisServer.get(), dir.resolve("redis")) : null;
        String redisUrl =
                redis != null ? redis.url() : config.cache().redisUrl().get();
        shared.put("REDIS_URL", redisUrl);
        DiscordEmulator discord = DiscordEmulator.builder()
                .idsFrom(saved.idsFrom)
                .shards(processes)
                .start();
        DemoProcesses bots =
                new DemoProcesses(processes, config.shutdownTimeout().plusSeconds(10));
        ScheduledExecutorService sim = simulationThread("demo-simulation");
        CountDownLatch stopping = new CountDownLatch(1);
        AtomicBoolean clean = new AtomicBoolean(true);
        AtomicBoolean stopped = new AtomicBoolean();
        Runnable stop = () -> {
            if (!stopped.compareAndSet(false, true)) {
                return;
            }
            stopping.countDown();
            sim.shutdownNow();
            try {
                sim.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            saveWorld(worldFile, saved.idsFrom, Instant.now());
            System.out.println("Stopping " + processes + " processes (each runs its last tick)...");
            System.out.flush();
            clean.set(bots.stopAll());
            discord.close();
            if (redis != null) {
                redis.close();
            }
            System.out.println("voicetrack demo: stopped");
            System.out.flush();
        };
        Thread hook = new Thread(
                () -> {
                    stop.run();
                    if (!clean.get()) {
                        // As a bot does: a stop that did not end cleanly is a failed stop for whoever sent it.
                        System.out.flush();
                        Runtime.getRuntime().halt(1);
                    }
                },
                "voicetrack-signal");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            int resumed = populate(discord, saved, processes);
            System.out.println("VoiceTrack demo: " + guildCount + " guilds x " + membersPerGuild
                    + " simulated members on a local Discord emulator (" + discord.httpBaseUrl() + ") with "
                    + processes + " shards, one bot process each");
            System.out.println("Storage: " + kind.name().toLowerCase(Locale.ROOT) + " at "
                    + config.storage().describe() + ", shared by every process; Redis: " + redisUrl
                    + (redis != null ? " (started by the demo, stopped with it)" : ""));
            for (int g = 0; g < guilds.size(); g++) {
                EmulatedGuild guild = guilds.get(g);
                System.out.println("Guild " + guild.id() + " \"" + guild.name() + "\": " + membersPerGuild
                        + " members, shard " + g % processes + " (process " + (g % processes + 1) + ")");
            }
            if (resumed > 0) {
                System.out.println("Resumed: " + resumed + " members are back in voice where the last run left them");
            }
            shared.put("DISCORD_BOT_TOKEN", discord.botToken());
            shared.put("DISCORD_API_URL", discord.httpBaseUrl());
            shared.put("DISCORD_GATEWAY_URL", discord.gatewayUrl());
            for (int p = 0; p < processes; p++) {
                Map<String, String> own = new HashMap<>(shared);
                own.put("SHARD_IDS", Integer.toString(p));
                own.put(
                        "ANNOUNCEMENTS_FILE",
                        dir.resolve("process-" + (p + 1))
                                .resolve("announcements.properties")
                                .toString());
                bots.start(p + 1, p, own, runArgs, dir.resolve("process-" + (p + 1) + ".log"));
            }
            for (DemoProcesses.Child c : bots.children()) {
                DemoProcesses.awaitReady(c);
                c.process.onExit().thenRun(() -> {
                    if (!stopped.get()) {
                        System.out.println("demo: process " + c.number + " exited with status "
                                + c.process.exitValue() + "; stopping the demo. Its log ("
                                + c.log + ") ends:\n  " + String.join("\n  ", c.lastLines()));
                        clean.set(false);
                        stopping.countDown();
                    }
                });
            }
            for (DemoProcesses.Child c : bots.children()) {
                System.out.println(bots.status(c) + "; log " + c.log);
            }
            String api = bots.children().get(0).api.getNow("");
            System.out.println("Dashboard (live leaderboards and profiles; any process serves every guild): " + api
                    + "/dashboard/guilds/" + guilds.get(0).id());
            System.out.println("Admin API token for this demo: " + shared.get("ADMIN_API_TOKEN"));
            System.out.println("Press Ctrl-C to stop every process.");
            System.out.flush();
            simulateAtRealSpeed(sim, resumed, worldFile, saved.idsFrom);
            sim.scheduleAtFixedRate(
                    () -> {
                        StringBuilder sb = new StringBuilder();
                        bots.children().forEach(c -> sb.append(bots.status(c)).append('\n'));
                        if (Thread.currentThread().isInterrupted()) {
                            return; // the demo is stopping: a status cut short says nothing
                        }
                        System.out.print(sb);
                        System.out.flush();
                    },
                    5,
                    5,
                    TimeUnit.SECONDS);
            if (duration != null) {
                stopping.await(duration.toMillis(), TimeUnit.MILLISECONDS); // the demo's own run time
            } else {
                stopping.await();
            }
        } finally {
            stop.run(); // returns at once when the signal's hook is already stopping everything
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook runs stop
            }
        }
        return clean.get();
    }

    /** The world file of a demo or emulator with {@code shards} shards (its guilds' ids depend on the count). */
    static String shardedWorldFile(int shards) {
        return "demo-world-" + shards + "-shards.properties";
    }

    /**
     * {@code voicetrack emulator}: the demo's emulator with {@code shards} shards and its simulated
     * members, without a bot: it prints the settings each bot process started by hand needs ({@code
     * DISCORD_*}, {@code SHARD_COUNT}, one {@code SHARD_IDS} per process) and runs until Ctrl-C or
     * {@code duration}. The world (ids, who is in voice) is kept as {@code demo --processes} keeps it,
     * in the same file for the same shard count, so the two can take turns on the same data.
     *
     * @param port the emulator's loopback port, 0 for a free one (a fixed port keeps the printed URLs
     *     valid across restarts)
     */
    public void runEmulator(int shards, int port, @Nullable Duration duration) throws InterruptedException {
        if (guildCount < shards) {
            throw new ConfigException("emulator --shards " + shards + " needs at least as many guilds (one a shard),"
                    + " was --guilds " + guildCount);
        }
        Path worldFile = Path.of("data", "demo").toAbsolutePath().resolve(shardedWorldFile(shards));
        DemoWorld saved = DemoWorld.load(worldFile);
        DiscordEmulator discord = DiscordEmulator.builder()
                .idsFrom(saved.idsFrom)
                .shards(shards)
                .port(port)
                .start();
        ScheduledExecutorService sim = simulationThread("emulator-simulation");
        AtomicBoolean stopped = new AtomicBoolean();
        Runnable stop = () -> {
            if (stopped.compareAndSet(false, true)) {
                sim.shutdownNow();
                saveWorld(worldFile, saved.idsFrom, Instant.now());
                discord.close();
                System.out.println("voicetrack emulator: stopped");
                System.out.flush();
            }
        };
        Thread hook = new Thread(stop, "voicetrack-signal");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            int resumed = populate(discord, saved, shards);
            System.out.println("Discord emulator: " + guildCount + " guilds x " + membersPerGuild
                    + " simulated members, " + shards + " shards, at " + discord.httpBaseUrl());
            for (int g = 0; g < guilds.size(); g++) {
                EmulatedGuild guild = guilds.get(g);
                System.out.println("Guild " + guild.id() + " \"" + guild.name() + "\": shard " + g % shards);
            }
            if (resumed > 0) {
                System.out.println("Resumed: " + resumed + " members are back in voice where the last run left them");
            }
            System.out.println("Every bot process needs these settings, a storage every process reaches (PostgreSQL"
                    + " or MongoDB) and one Redis (REDIS_URL), then its own SHARD_IDS and ADMIN_API_BIND:");
            System.out.println("  DISCORD_BOT_TOKEN=" + discord.botToken());
            System.out.println("  DISCORD_API_URL=" + discord.httpBaseUrl());
            System.out.println("  DISCORD_GATEWAY_URL=" + discord.gatewayUrl());
            System.out.println("  SHARD_COUNT=" + shards);
            for (int p = 0; p < shards; p++) {
                System.out.println("  process " + (p + 1) + ": SHARD_IDS=" + p + " ADMIN_API_BIND=127.0.0.1:"
                        + (8787 + p) + " ./voicetrack run");
            }
            System.out.println("Press Ctrl-C to stop the emulator.");
            System.out.flush();
            simulateAtRealSpeed(sim, resumed, worldFile, saved.idsFrom);
            if (duration != null) {
                Thread.sleep(duration.toMillis()); // the emulator's own run time
            } else {
                new CountDownLatch(1).await(); // until Ctrl-C
            }
        } finally {
            stop.run();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook runs stop
            }
        }
    }

    private static String newToken() {
        byte[] b = new byte[18];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /**
     * Creates the guilds (guild {@code g} on shard {@code g % shards}), their channels and members, and
     * puts the members back in voice where {@code saved} left them; returns how many it put back.
     */
    private int populate(DiscordEmulator discord, DemoWorld saved, int shards) {
        // Guilds and channels first, then members: a guild's ids then depend only on its position.
        for (int g = 0; g < guildCount; g++) {
            EmulatedGuild guild =
                    shards == 1 ? discord.createGuild(guildName(g)) : discord.createGuild(guildName(g), g % shards);
            guilds.add(guild);
            text.put(guild.id(), guild.createTextChannel("general"));
            voice.put(
                    guild.id(),
                    List.of(
                            guild.createVoiceChannel("Lounge"),
                            guild.createVoiceChannel("Gaming"),
                            guild.createVoiceChannel("Study")));
        }
        for (EmulatedGuild guild : guilds) {
            for (int m = 0; m < membersPerGuild; m++) {
                EmulatedMember member = guild.addMember(NAMES[m % NAMES.length] + (m >= NAMES.length ? m : ""), false);
                names.put(member.user().id(), member.user().username());
            }
        }
        // Back in voice where the last run left them, before the bot starts: its start-up
        // reconciliation then resumes their open sessions.
        int resumed = 0;
        for (EmulatedGuild g : guilds) {
            for (EmulatedMember m : g.members()) {
                Long channel = saved.voice.get(m.user().id());
                if (channel == null) {
                    continue;
                }
                for (EmulatedChannel c : voice.get(g.id())) {
                    if (c.id() == channel) {
                        m.joinVoice(c);
                        resumed++;
                    }
                }
            }
        }
        return resumed;
    }

    private static String guildName(int g) {
        String[] names = {"Study Hall", "Gaming Night", "Music Lounge", "Dev Chat", "Book Club"};
        return names[g % names.length] + (g >= 5 ? " " + g : "");
    }

    /**
     * Where the demo keeps its world (the ids' origin, who is in which voice channel, the simulated
     * time): next to the SQLite database, or in the JSON directory's parent, else {@code ./data/demo};
     * none for the memory storage (nothing is kept).
     */
    static @Nullable Path worldFile(BotConfig config) {
        Path dir =
                switch (config.storageKind()) {
                    case SQLITE -> config.storage()
                            .sqlitePath()
                            .toAbsolutePath()
                            .getParent();
                    case JSON -> config.storage().jsonDir().toAbsolutePath().getParent();
                    case MEMORY -> null;
                    default -> Path.of("./data/demo").toAbsolutePath();
                };
        return dir == null ? null : dir.resolve(WORLD_FILE);
    }

    static final String WORLD_FILE = "demo-world.properties";

    /** How often (real time) a running demo rewrites its world file. */
    static final Duration WORLD_SAVE_EVERY = Duration.ofSeconds(2);

    /**
     * The latest instant already in the demo's storage (the newest {@code lastSeen} of its members and
     * {@code lastAccrual} of its open sessions), or null if there is none or it cannot be read (the
     * bot's start then reports the storage's problem). SQLite and JSON are opened read-only and only if
     * they exist.
     */
    private @Nullable Instant latestStoredTime(BotConfig config) {
        switch (config.storageKind()) {
            case MEMORY -> {
                return null;
            }
            case SQLITE -> {
                if (!Files.isRegularFile(config.storage().sqlitePath())) {
                    return null;
                }
            }
            case JSON -> {
                if (!Files.isDirectory(config.storage().jsonDir())) {
                    return null;
                }
            }
            default -> {}
        }
        Instant latest = null;
        try (Storage s = Storages.openExisting(config, "demo")) {
            Storages.init(s, config);
            for (VoiceSession v : s.openSessions()) {
                latest = later(latest, v.lastAccrual());
            }
            for (EmulatedGuild g : guilds) {
                for (EmulatedMember m : g.members()) {
                    Optional<MemberStats> stats = s.member(g.id(), m.user().id());
                    if (stats.isPresent()) {
                        latest = later(latest, stats.get().lastSeen());
                    }
                }
            }
        } catch (RuntimeException e) {
            System.err.println("demo: cannot read the latest stored time: " + e.getMessage());
            return null;
        }
        return latest;
    }

    private static Instant later(@Nullable Instant a, Instant b) {
        return a == null || b.isAfter(a) ? b : a;
    }

    private synchronized void saveWorld(Path file, Instant idsFrom, Instant simulatedTime) {
        Map<Long, Long> inVoice = new HashMap<>();
        for (EmulatedGuild g : guilds) {
            for (EmulatedMember m : g.members()) {
                m.voiceChannel().ifPresent(c -> inVoice.put(m.user().id(), c.id()));
            }
        }
        new DemoWorld(idsFrom, simulatedTime, inVoice).save(file);
    }

    /** What the demo keeps between runs on the same data directory. */
    record DemoWorld(Instant idsFrom, Instant simulatedTime, Map<Long, Long> voice) {
        static DemoWorld fresh(Instant now) {
            return new DemoWorld(now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS), now, Map.of());
        }

        static DemoWorld load(Path file) {
            Instant now = Instant.now();
            if (!Files.isRegularFile(file)) {
                return fresh(now);
            }
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
                Instant ids = Instant.parse(p.getProperty("idsFrom"));
                String sim = p.getProperty("simulatedTime");
                Instant simulated = sim == null ? now : Instant.parse(sim);
                Map<Long, Long> voice = new HashMap<>();
                for (String k : p.stringPropertyNames()) {
                    if (k.startsWith("voice.")) {
                        voice.put(Long.parseLong(k.substring(6)), Long.parseLong(p.getProperty(k)));
                    }
                }
                // Simulated time never runs backwards across restarts, nor behind real time.
                return new DemoWorld(ids, simulated.isAfter(now) ? simulated : now, voice);
            } catch (IOException | RuntimeException e) {
                throw new ConfigException("the demo's world file " + file + " is unreadable (" + e.getMessage()
                        + "); delete it to start a new world");
            }
        }

        void save(Path file) {
            Properties p = new Properties();
            p.setProperty("idsFrom", idsFrom.toString());
            p.setProperty("simulatedTime", simulatedTime.toString());
            voice.forEach((u, c) -> p.setProperty("voice." + u, Long.toString(c)));
            try {
                Files.createDirectories(file.getParent());
                Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
                try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                    p.store(w, "voicetrack demo: the emulated world kept between runs (delete to start anew)");
                }
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                System.err.println("demo: cannot write " + file + ": " + e.getMessage());
            }
        }
    }

    /**
     * The demo's simulated time: from {@code start}, it runs {@code speed} times as fast as {@code
     * base}, so a member in voice for a minute of real time accrues {@code speed} minutes. Thread safe.
     */
    static final class SpeedClock extends Clock {
        private final Clock base;
        private final double speed;
        private final long baseStartMs;
        private final long startMs;

        SpeedClock(Clock base, double speed, Instant start) {
            this.base = base;
            this.speed = speed;
            this.baseStartMs = base.millis();
            this.startMs = start.toEpochMilli();
        }

        @Override
        public long millis() {
            return startMs + Math.round((base.millis() - baseStartMs) * speed);
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis());
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            if (zone.equals(ZoneOffset.UTC)) {
                return this;
            }
            throw new UnsupportedOperationException("the demo clock is UTC only");
        }
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    private <T> T pick(List<T> list) {
        return list.get(random.nextInt(list.size()));
    }

    /** The daemon thread the simulated members, status lines and world saves run on. */
    private static ScheduledExecutorService simulationThread(String name) {
        return Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * The simulation of {@code demo --processes} and {@code emulator}, in real time: on a fresh world half of
     * everyone joins voice, members move every 1.5 s, and the world is saved every {@link #WORLD_SAVE_EVERY}.
     */
    private void simulateAtRealSpeed(ScheduledExecutorService sim, int resumed, Path worldFile, Instant idsFrom) {
        if (resumed == 0) {
            joinHalfOfEveryone(guilds);
        }
        sim.scheduleAtFixedRate(this::step, 1500, 1500, TimeUnit.MILLISECONDS);
        sim.scheduleAtFixedRate(
                () -> saveWorld(worldFile, idsFrom, Instant.now()),
                WORLD_SAVE_EVERY.toMillis(),
                WORLD_SAVE_EVERY.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** Half of everyone starts in voice, so the leaderboards move from the first tick. */
    private void joinHalfOfEveryone(List<EmulatedGuild> guilds) {
        for (EmulatedGuild g : guilds) {
            for (EmulatedMember m : g.members()) {
                if (!m.user().bot() && random.nextBoolean()) {
                    m.joinVoice(pick(voice.get(g.id())));
                }
            }
        }
    }

    private void step() {
        try {
            EmulatedGuild g = pick(guilds);
            List<EmulatedMember> members =
                    g.members().stream().filter(m -> !m.user().bot()).toList();
            EmulatedMember m = pick(members);
            int roll = random.nextInt(100);
            if (m.voiceChannel().isEmpty()) {
                if (roll < 45) {
                    m.joinVoice(pick(voice.get(g.id())));
                } else if (roll < 70) {
                    m.sendMessage(text.get(g.id()), "hello from " + m.user().username());
                }
            } else if (roll < 10) {
                m.leaveVoice();
            } else if (roll < 22) {
                m.moveTo(pick(voice.get(g.id())));
            } else if (roll < 34) {
                m.setSelfMute(!m.selfMuted());
            } else if (roll < 40) {
                m.setSelfDeaf(!m.selfDeafened());
            } else if (roll < 60) {
                m.sendMessage(text.get(g.id()), "gg");
            }
        } catch (RuntimeException e) {
            System.err.println("simulation step failed: " + e);
        }
    }

    private void printLeaderboards(BotRuntime bot) {
        try {
            StringBuilder sb = new StringBuilder("\n=== VoiceTrack live leaderboard ===\n");
            for (EmulatedGuild g : guilds) {
                sb.append(g.name()).append('\n');
                List<LeaderboardEntry> top = bot.tracker()
                        .getLeaderboard(g.id(), Metric.XP, Window.allTime(), 5, 0)
                        .entries();
                if (top.isEmpty()) {
                    sb.append("  (no activity yet)\n");
                }
                for (LeaderboardEntry e : top) {
                    sb.append(String.format(
                            Locale.ROOT,
                            "  #%d %-10s level %2d  %6d XP  %s voice%n",
                            e.rank(),
                            names.getOrDefault(e.userId(), "?"),
                            e.level(),
                            e.xp(),
                            formatMs(e.voiceTimeMs())));
                }
            }
            var s = bot.cache().stats();
            var t = bot.lastTick();
            sb.append(String.format(
                    Locale.ROOT,
                    "cache hit rate %.1f%% (%d reads), %d entries; last tick: %s%n",
                    s.hitRatePercent(),
                    s.requests(),
                    s.size(),
                    t == null
                            ? "-"
                            : t.trackedMembers() + " members in "
                                    + t.totalTime().toMillis() + " ms"));
            System.out.print(sb);
            System.out.flush();
        } catch (RuntimeException e) {
            System.err.println("leaderboard failed: " + e);
        }
    }

    static String formatMs(long ms) {
        long s = ms / 1000;
        return String.format(Locale.ROOT, "%dh%02dm%02ds", s / 3600, (s / 60) % 60, s % 60);
    }
}
