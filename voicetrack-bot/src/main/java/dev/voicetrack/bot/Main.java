package dev.voicetrack.bot;

import dev.voicetrack.bot.internal.BotRuntime;
import dev.voicetrack.bot.internal.CopyProgress;
import dev.voicetrack.bot.internal.DatabaseInUse;
import dev.voicetrack.bot.internal.Demo;
import dev.voicetrack.bot.internal.MigrationProgress;
import dev.voicetrack.bot.internal.StdinClosed;
import dev.voicetrack.bot.internal.Storages;
import dev.voicetrack.core.storage.Storage;
import dev.voicetrack.core.storage.StorageMigration;
import dev.voicetrack.storage.jdbc.JdbcStorage;
import dev.voicetrack.storage.jdbc.SqliteStorage;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The {@code voicetrack} command: {@code run}, {@code demo}, {@code migrate}, {@code import}, {@code export}, {@code backup}, {@code
 * restore}, {@code stats}; {@code --help} on each. Exit status: 0 done, 1 failed, 2 bad usage or
 * setting (nothing was written).
 */
public final class Main {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    private Main() {}

    public static void main(String[] args) {
        int code;
        try {
            code = run(args, System.getenv(), System.out, System.err);
        } catch (ConfigException e) {
            System.err.println("voicetrack: " + e.getMessage());
            code = USAGE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            code = FAILED;
        } catch (RuntimeException | Error e) {
            StringBuilder why = new StringBuilder(String.valueOf(e.getMessage() == null ? e : e.getMessage()));
            for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
                why.append("\n  caused by: ").append(c);
            }
            System.err.println("voicetrack: failed: " + why);
            if (System.getenv("VOICETRACK_DEBUG") != null) {
                e.printStackTrace();
            }
            code = FAILED;
        }
        System.exit(code);
    }

    /** Parsed {@code --name value} options and flags of one command. */
    record Options(Map<String, String> values, Set<String> flags) {
        @Nullable
        String get(String name) {
            return values.get(name);
        }
    }

    static Options parse(String command, String[] args, Set<String> valued, Set<String> flags) {
        Map<String, String> values = new HashMap<>();
        Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String name = a;
            String value = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                name = a.substring(0, eq);
                value = a.substring(eq + 1);
            }
            if (flags.contains(name) && value == null) {
                seen.add(name);
            } else if (valued.contains(name)) {
                if (value == null) {
                    if (i + 1 >= args.length) {
                        throw new ConfigException(
                                command + ": " + name + " needs a value (see voicetrack " + command + " --help)");
                    }
                    value = args[++i];
                }
                values.put(name, value);
            } else {
                throw new ConfigException(command + ": unknown argument '" + BotConfig.abbreviate(a)
                        + "' (see voicetrack " + command + " --help)");
            }
        }
        return new Options(values, seen);
    }

    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err)
            throws InterruptedException {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            out.print(usage());
            return args.length == 0 ? USAGE : OK;
        }
        String command = args[0];
        String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
        boolean help = List.of(rest).contains("--help") || List.of(rest).contains("-h");
        switch (command) {
            case "run" -> {
                if (help) {
                    out.print(helpRun());
                    return OK;
                }
                Options o =
                        parse(command, rest, Set.of("--config"), Set.of("--print-config", "--stop-when-stdin-closes"));
                BotConfig config = load(env, o);
                if (o.flags().contains("--print-config")) {
                    out.print(config.dump());
                    config.warnings().forEach(w -> out.println("warning: " + w));
                    return OK;
                }
                if (o.flags().contains("--stop-when-stdin-closes")) {
                    // Exiting runs the bot's shutdown hook, so it stops as on SIGTERM (last tick, leases given
                    // up); before the bot has started there is nothing to stop.
                    StdinClosed.watch(System.in, () -> {
                        System.err.println("voicetrack: standard input closed (--stop-when-stdin-closes); stopping");
                        System.exit(OK);
                    });
                }
                return runBot(config, Clock.systemUTC(), bot -> {}, out);
            }
            case "demo" -> {
                if (help) {
                    out.print(helpDemo());
                    return OK;
                }
                Options o = parse(
                        command,
                        rest,
                        Set.of("--config", "--speed", "--duration", "--guilds", "--members", "--seed", "--processes"),
                        Set.of());
                BotConfig config = load(env, o);
                double speed = number(o, "--speed", "1", 0.1, 100);
                int processes = (int) number(o, "--processes", "1", 1, 8);
                int guilds = (int) number(o, "--guilds", Integer.toString(Math.max(3, processes)), 1, 20);
                int members = (int) number(o, "--members", "10", 1, 200);
                long seed = (long) number(o, "--seed", Long.toString(System.nanoTime() % 1_000_000), 0, Long.MAX_VALUE);
                Duration duration = o.get("--duration") == null ? null : demoDuration(o.get("--duration"));
                Demo demo = new Demo(guilds, members, speed, seed);
                if (processes > 1) {
                    if (speed != 1) {
                        throw new ConfigException("demo: --speed works in one process only (each bot process keeps"
                                + " its own clock), was --speed " + o.get("--speed") + " with --processes "
                                + processes);
                    }
                    List<String> runArgs =
                            o.get("--config") == null ? List.of() : List.of("--config", o.get("--config"));
                    try {
                        return demo.runProcesses(config, processes, duration, runArgs) ? OK : FAILED;
                    } catch (java.io.IOException e) {
                        err.println("voicetrack: demo failed: " + e.getMessage());
                        return FAILED;
                    }
                }
                return demo.run(config, duration) ? OK : FAILED;
            }
            case "emulator" -> {
                if (help) {
                    out.print(helpEmulator());
                    return OK;
                }
                Options o = parse(
                        command,
                        rest,
                        Set.of("--shards", "--port", "--duration", "--guilds", "--members", "--seed"),
                        Set.of());
                int shards = (int) number(o, "--shards", "2", 1, 8);
                int port = (int) number(o, "--port", "0", 0, 65535);
                int guilds = (int) number(o, "--guilds", Integer.toString(Math.max(3, shards)), 1, 20);
                int members = (int) number(o, "--members", "10", 1, 200);
                long seed = (long) number(o, "--seed", Long.toString(System.nanoTime() % 1_000_000), 0, Long.MAX_VALUE);
                Duration duration = o.get("--duration") == null ? null : demoDuration(o.get("--duration"));
                new Demo(guilds, members, 1, seed).runEmulator(shards, port, duration);
                return OK;
            }
            case "migrate" -> {
                if (help) {
                    out.print(helpMigrate());
                    return OK;
                }
                Options o = parse(command, rest, Set.of("--config", "--from", "--to"), Set.of());
                BotConfig config = load(env, o);
                String from = o.get("--from");
                String to = o.get("--to");
                if (from == null || to == null) {
                    throw new ConfigException("migrate needs --from and --to (see voicetrack migrate --help)");
                }
                if (from.equals(to)) {
                    throw new ConfigException("migrate: --from and --to are the same storage, was '" + from + "'");
                }
                Storages.refuseSameStorage(from, to);
                // The source first: a missing one is refused before anything (the target included) is created.
                Storage source = Storages.source("--from", from, config);
                try {
                    DatabaseInUse.refuseIfOpenElsewhere("migrate", from);
                    DatabaseInUse.refuseIfOpenElsewhere("migrate", to);
                } catch (dev.voicetrack.core.storage.StorageException e) {
                    source.close(); // created, never opened
                    err.println("voicetrack: " + e.getMessage()); // already says "migrate refused"
                    return FAILED;
                }
                Storage target = Storages.fromSpec("--to", to, config);
                try (source;
                        target) {
                    source.init();
                    target.init();
                    Map<Long, Long> members = new java.util.TreeMap<>();
                    for (long g : source.guildIds()) {
                        members.put(g, source.memberCount(g));
                    }
                    out.printf(
                            Locale.ROOT,
                            "Migrating %s -> %s: %d guilds, %,d members%n",
                            from,
                            to,
                            members.size(),
                            members.values().stream().mapToLong(Long::longValue).sum());
                    out.flush();
                    StorageMigration.Report report;
                    boolean terminal = out == System.out && System.console() != null;
                    try (MigrationProgress progress = new MigrationProgress(out, terminal, System::nanoTime, members)) {
                        report = StorageMigration.from(source)
                                .to(target)
                                .guilds(members.keySet())
                                .onProgress(progress)
                                .run();
                    }
                    out.printf(
                            Locale.ROOT,
                            "Done and verified: %d guilds, %d members, %d sessions, %d rows%n",
                            report.guilds().size(),
                            report.members(),
                            report.sessions(),
                            report.rowsCopied());
                }
                return OK;
            }
            case "import" -> {
                return help ? ImportCommand.help(out) : ImportCommand.run(rest, env, out, err);
            }
            case "export" -> {
                return help ? ExportCommand.help(out) : ExportCommand.run(rest, env, out, err);
            }
            case "backup" -> {
                if (help) {
                    out.print(helpBackup());
                    return OK;
                }
                Options o = parse(command, rest, Set.of("--config", "--to"), Set.of());
                BotConfig config = load(env, o);
                SqliteStorage sqlite = requireSqlite(config, "backup");
                try (sqlite) {
                    Path target = o.get("--to") != null
                            ? Path.of(o.get("--to"))
                            : config.backup()
                                    .dir()
                                    .resolve("manual-backup-"
                                            + java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH-mm-ss")
                                                    .withZone(java.time.ZoneOffset.UTC)
                                                    .format(java.time.Instant.now())
                                            + ".db");
                    refuseLiveFile("backup", "--to", target, config);
                    if (Files.isDirectory(target)) {
                        throw new ConfigException("backup: --to must name a new file, not a directory, was '"
                                + BotConfig.abbreviate(target.toString()) + "'");
                    }
                    if (Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                        // Never over a file this command did not write: pick a new name, or delete it yourself.
                        throw new ConfigException("backup: --to already exists, was '"
                                + BotConfig.abbreviate(target.toString()) + "'; name a new file");
                    }
                    Storages.init(sqlite, config); // a damaged database is refused with how to restore it
                    Path parent = target.toAbsolutePath().getParent();
                    if (parent != null) {
                        Files.createDirectories(parent);
                    }
                    Path live = config.storage().sqlitePath();
                    out.println("Backing up " + live + " to " + target
                            + " (checks the database, copies it, checks the copy)");
                    out.flush();
                    boolean good;
                    CopyProgress progress = new CopyProgress(
                            out,
                            out == System.out && System.console() != null,
                            "backup",
                            CopyProgress.databaseBytes(live),
                            CopyProgress.growingFile(
                                    target.toAbsolutePath().getParent(), "." + target.getFileName() + ".tmp-"),
                            Duration.ofSeconds(1),
                            System::nanoTime);
                    try {
                        good = sqlite.safeBackup(target);
                    } finally {
                        progress.close();
                    }
                    if (!good) {
                        err.println("voicetrack: backup failed: the live database or its copy did not pass"
                                + " verification (integrity, VoiceTrack tables, row counts; the reason is logged"
                                + " above); nothing was overwritten");
                        return FAILED;
                    }
                    out.println("Backup written and verified: " + target + " (" + Files.size(target) / 1024 + " KB)");
                } catch (java.io.IOException e) {
                    err.println("voicetrack: backup failed: " + e.getMessage());
                    return FAILED;
                }
                return OK;
            }
            case "restore" -> {
                if (help) {
                    out.print(helpRestore());
                    return OK;
                }
                Options o = parse(command, rest, Set.of("--config", "--from"), Set.of());
                BotConfig config = load(env, o);
                String from = o.get("--from");
                if (from == null) {
                    throw new ConfigException("restore needs --from FILE (see voicetrack restore --help)");
                }
                if (!Files.isRegularFile(Path.of(from))) {
                    throw new ConfigException("restore: --from must be an existing backup file, was '" + from + "'");
                }
                refuseLiveFile("restore", "--from", Path.of(from), config);
                Path liveDir = config.storage().sqlitePath().toAbsolutePath().getParent();
                if (liveDir != null && !Files.isDirectory(liveDir)) {
                    // A typo in the path, most likely: restore replaces a database, it does not start a new place.
                    throw new ConfigException("restore: the directory of SQLITE_DB_PATH does not exist, was '"
                            + BotConfig.abbreviate(config.storage().sqlitePath().toString())
                            + "'; nothing was created");
                }
                SqliteStorage sqlite = requireSqlite(config, "restore");
                try (sqlite) {
                    // Not opened first: restore checks that no process (this one included) has the file open,
                    // and init() would refuse a damaged database, the very one a restore replaces.
                    Path live = config.storage().sqlitePath().toAbsolutePath();
                    out.println("Restoring " + live + " from " + from + " (checks the backup, copies it, swaps it in)");
                    out.flush();
                    CopyProgress progress = new CopyProgress(
                            out,
                            out == System.out && System.console() != null,
                            "restore",
                            Files.size(Path.of(from)),
                            CopyProgress.growingFile(live.getParent(), "." + live.getFileName() + ".restore-"),
                            Duration.ofSeconds(1),
                            System::nanoTime);
                    java.util.Optional<Path> damaged;
                    try {
                        damaged = sqlite.restore(Path.of(from));
                    } finally {
                        progress.close();
                    }
                    damaged.ifPresent(p -> out.println("The replaced file was damaged; it was kept as " + p
                            + " (delete it once you no longer need it)"));
                    sqlite.init(); // migrates the restored database
                } catch (dev.voicetrack.core.storage.StorageException e) {
                    err.println("voicetrack: " + e.getMessage());
                    return FAILED;
                } catch (java.io.IOException e) {
                    err.println("voicetrack: restore failed: " + e.getMessage() + "; nothing was changed");
                    return FAILED;
                }
                out.println("Restored " + config.storage().sqlitePath() + " from " + from);
                return OK;
            }
            case "stats" -> {
                if (help) {
                    out.print(helpStats());
                    return OK;
                }
                Options o = parse(command, rest, Set.of("--config"), Set.of());
                BotConfig config = load(env, o);
                try (Storage s = Storages.openExisting(config, "stats")) {
                    Storages.init(s, config);
                    if (s instanceof JdbcStorage jdbc) {
                        var st = jdbc.stats();
                        out.printf(
                                Locale.ROOT,
                                "backend:  %s%nfile:     %s%nguilds:   %d%nusers:    %d%nsessions: %d%n"
                                        + "size:     %.2f MB%n",
                                jdbc.databaseKind(),
                                st.filename(),
                                st.guilds(),
                                st.users(),
                                st.sessions(),
                                st.databaseSizeBytes() / 1024.0 / 1024.0);
                    } else {
                        List<Long> ids = s.guildIds();
                        long users = 0;
                        for (long g : ids) {
                            users += s.memberCount(g);
                        }
                        out.printf(
                                Locale.ROOT,
                                "backend: %s%nguilds:  %d%nusers:   %d%n",
                                Storages.backendName(s),
                                ids.size(),
                                users);
                    }
                    printGuilds(s, out);
                }
                return OK;
            }
            case "--version", "version" -> {
                out.println("voicetrack " + version());
                return OK;
            }
            default -> throw new ConfigException(
                    "unknown command '" + command + "'; commands: run, demo, emulator, migrate, import,"
                            + " backup, restore, stats (voicetrack --help)");
        }
    }

    /**
     * {@code run} once its settings are read: starts the bot with its tracker measuring time on {@code
     * trackerClock}, hands the started bot to {@code started}, prints the ready line and blocks until the
     * bot has stopped (SIGTERM or SIGINT). {@code run} passes the system clock; a test's bot main passes a
     * clock it shares with the test, so that several bot processes and a reference tracker measure the same
     * time (see {@link BotRuntime#BotRuntime(BotConfig, Clock)}: schedules, leases and caches keep real time).
     *
     * @return {@link #OK}, or {@link #FAILED} when the shutdown backup failed
     * @throws ConfigException when the token is missing or refused, a port or the database is taken
     */
    static int runBot(BotConfig config, Clock trackerClock, Consumer<BotRuntime> started, PrintStream out)
            throws InterruptedException {
        // Before anything starts, so that the message stands alone.
        BotRuntime.requireToken(config);
        BotRuntime bot = new BotRuntime(config, trackerClock);
        Runtime.getRuntime().addShutdownHook(new Thread(bot::shutdownOnSignal, "voicetrack-signal"));
        bot.start();
        started.accept(bot);
        out.println("voicetrack: ready");
        out.flush();
        bot.awaitStopped();
        return bot.shutdownBackupSucceeded() ? OK : FAILED;
    }

    /**
     * The guilds of {@code stats}, largest first: id and member count. VoiceTrack stores no guild names
     * (only ids and configs), so none is shown.
     */
    private static void printGuilds(Storage s, PrintStream out) {
        List<long[]> rows = new java.util.ArrayList<>();
        for (long g : s.guildIds()) {
            rows.add(new long[] {g, s.memberCount(g)});
        }
        rows.sort((a, b) -> a[1] != b[1] ? Long.compare(b[1], a[1]) : Long.compare(a[0], b[0]));
        out.printf(Locale.ROOT, "%n%-20s %10s%n", "guild", "members");
        for (long[] r : rows) {
            out.printf(Locale.ROOT, "%-20d %10d%n", r[0], r[1]);
        }
        if (rows.isEmpty()) {
            out.println("(no guilds stored)");
        }
    }

    private static SqliteStorage requireSqlite(BotConfig config, String command) {
        if (config.storageKind() != BotConfig.StorageKind.SQLITE) {
            throw new ConfigException(command + " works on SQLite only; VOICETRACK_STORAGE is "
                    + config.storageKind().name().toLowerCase(Locale.ROOT)
                    + " (use pg_dump/pg_restore for PostgreSQL, mongodump for MongoDB)");
        }
        if (command.equals("backup") && !Files.exists(config.storage().sqlitePath())) {
            throw new ConfigException("backup: SQLITE_DB_PATH does not exist, was '"
                    + config.storage().sqlitePath() + "'");
        }
        return (SqliteStorage) Storages.open(config);
    }

    /** Refuses (exit 2) a backup or restore file that is the live SQLite database or one of its files. */
    private static void refuseLiveFile(String command, String option, Path file, BotConfig config) {
        String clash = dev.voicetrack.storage.jdbc.SqliteFiles.liveFile(
                config.storage().sqlitePath(), file);
        if (clash != null) {
            throw new ConfigException(command + ": " + option + " must not be the live database (SQLITE_DB_PATH='"
                    + config.storage().sqlitePath() + "'), was '" + file + "', which is " + clash
                    + "; nothing was written");
        }
    }

    static BotConfig load(Map<String, String> env, Options o) {
        String file = o.get("--config");
        if (file == null) {
            file = env.get("VOICETRACK_CONFIG");
        }
        String dotEnv = env.getOrDefault("VOICETRACK_ENV_FILE", ".env");
        return BotConfig.load(env, Path.of(dotEnv), file == null ? null : Path.of(file), Map.of());
    }

    private static double number(Options o, String name, String def, double min, double max) {
        String v = o.values().getOrDefault(name, def);
        try {
            double d = Double.parseDouble(v);
            if (d < min || d > max || Double.isNaN(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new ConfigException(name + " must be a number in " + fmt(min) + ".." + fmt(max) + ", was '"
                    + BotConfig.abbreviate(v) + "'");
        }
    }

    private static final java.util.regex.Pattern DEMO_DURATION = java.util.regex.Pattern.compile("(\\d{1,9})(s|m|h)");

    /** {@code demo --duration}: a whole number of seconds, minutes or hours, at least one second. */
    static Duration demoDuration(String value) {
        java.util.regex.Matcher m = DEMO_DURATION.matcher(value.strip().toLowerCase(Locale.ROOT));
        long n = m.matches() ? Long.parseLong(m.group(1)) : 0;
        if (n < 1) {
            throw new ConfigException("--duration must be a positive whole number of seconds, minutes or hours such"
                    + " as 30s, 5m or 2h, was '" + BotConfig.abbreviate(value) + "'");
        }
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
    }

    private static String fmt(double d) {
        return d == Math.rint(d) && d < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }

    private static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    static String usage() {
        return """
                VoiceTrack: voice time, XP, levels and leaderboards for Discord.

                Usage: voicetrack <command> [options]   (voicetrack <command> --help for details)

                Commands:
                  run       run the bot (needs DISCORD_BOT_TOKEN)
                  demo      run the bot against a local Discord emulator with simulated members
                  emulator  the demo's emulator and members alone, with N shards, for bot processes started by hand
                  migrate   copy all data between storages: --from sqlite:FILE --to json:DIR
                  import    move in from discord-vc-tracker or a member file: --from dvt-sqlite:FILE --to sqlite:FILE
                  export    every member as CSV or JSON: --from sqlite:FILE --format csv --to members.csv
                  backup    write a verified SQLite backup
                  restore   replace the SQLite database with a backup
                  stats     counts and size of the stored data, and the guilds

                Settings come from the environment, a .env file and --config FILE (.properties or .json):
                """
                + settingsHelp();
    }

    static String settingsHelp() {
        StringBuilder sb = new StringBuilder();
        BotConfig.SETTINGS.forEach((k, v) -> sb.append(String.format(
                Locale.ROOT,
                "  %-21s %s%s%n",
                k,
                v.description(),
                v.defaultValue().isEmpty() ? "" : " [" + v.defaultValue() + "]")));
        return sb.toString();
    }

    private static String helpRun() {
        return """
                Usage: voicetrack run [--config FILE] [--print-config] [--stop-when-stdin-closes]

                Runs the bot. Needs DISCORD_BOT_TOKEN (Discord developer portal -> your application -> Bot).
                Default storage: SQLite at ./data/voice-tracker.db with the in-process cache; backups every 6h
                into ./data/backups (kept 7 days), optimize every 24h, admin API on 127.0.0.1:8787.
                Stops gracefully on Ctrl-C / SIGTERM: last tick, final backup, connections closed.
                  --config FILE    a .properties or .json file of settings (below)
                  --print-config   print the effective settings (secrets masked) and exit
                  --stop-when-stdin-closes
                                   stop as on SIGTERM when standard input ends: for a bot started by
                                   another process through a pipe, so that it stops when that process
                                   dies, even by kill -9 (demo --processes starts its bots so)
                """
                + settingsHelp();
    }

    private static String helpDemo() {
        return """
                Usage: voicetrack demo [--speed N] [--duration D] [--guilds N] [--members N] [--seed N] [--processes N]
                                       [--config FILE]

                Starts a local Discord emulator with simulated guilds whose members join, talk, mute, move and
                leave; runs the real bot against it (SQLite at ./data/demo/voice-tracker.db unless set), prints
                the guild ids, a live leaderboard every 5 s and serves the admin API (a token is generated and
                printed unless ADMIN_API_TOKEN is set). Ctrl-C stops it with a final backup. Run again on the same
                data, with the same --guilds and --members, it keeps the guild and member ids, puts members back in
                voice where they were and resumes their sessions (the world is kept in demo-world.properties next
                to the database; delete it to start anew).
                  --speed N      simulated time runs N times as fast as real time: voice time accrues N times as
                                 fast, checks run every 2 s of simulated time, members act N times as often;
                                 0.1..100 [1]
                  --duration D   stop by itself after D of real time: a whole number of s, m or h (30s, 5m, 2h)
                  --guilds N     simulated guilds, 1..20 [3]
                  --members N    members per guild, 1..200 [10]
                  --seed N       random seed of the simulation
                  --processes N  split the bot over N processes, 1..8 [1]: the emulator (with N shards) and the
                                 simulated members run here, bot process i tracks shard i-1 (SHARD_COUNT=N,
                                 SHARD_IDS=i-1) with its own admin API; guild g is on shard g mod N. They share
                                 PostgreSQL (VOICETRACK_JDBC_URL) or MongoDB (MONGODB_URI), which you give, and
                                 Redis (REDIS_URL, else a redis-server from the PATH that the demo starts).
                                 Prints each process's status every 5 s; logs in ./data/demo/process-i.log;
                                 Ctrl-C stops every process. Simulated time runs at real speed (no --speed)
                """;
    }

    private static String helpEmulator() {
        return """
                Usage: voicetrack emulator [--shards N] [--port P] [--guilds N] [--members N] [--seed N] [--duration D]

                Runs the demo's local Discord emulator with N shards and its simulated members, without a bot,
                and prints the settings to give each bot process you start yourself (DISCORD_BOT_TOKEN,
                DISCORD_API_URL, DISCORD_GATEWAY_URL, SHARD_COUNT and one SHARD_IDS per process). The processes
                also need a storage they all reach (PostgreSQL or MongoDB) and one Redis (REDIS_URL); see the
                bot README's "Several processes". demo --processes N does all of this in one command. The
                world is kept in ./data/demo/demo-world-<N>-shards.properties, as demo --processes N keeps it.
                  --shards N     shards (guild g is on shard g mod N), 1..8 [2]
                  --port P       the emulator's loopback port, 0 for a free one [0]; a fixed port keeps the
                                 printed URLs valid across restarts
                  --guilds N     simulated guilds, at least --shards, ..20 [3 or --shards]
                  --members N    members per guild, 1..200 [10]
                  --seed N       random seed of the simulation
                  --duration D   stop by itself after D: a whole number of s, m or h (30s, 5m, 2h)
                """;
    }

    private static String helpMigrate() {
        return """
                Usage: voicetrack migrate --from SPEC --to SPEC [--config FILE]

                Copies every guild (config, members, daily activity, sessions) and verifies each copy.
                Stop the bot first. Rerunning is safe (the target's copy of each guild is replaced).
                The source must exist and is opened read-only: it is never changed, even when the copy fails.
                Source and target must not be the same file or directory (compared by real path).
                Progress: rows, rows/s and time left (one updating line on a terminal).
                SPEC: sqlite:FILE | json:DIR | postgres:JDBC_URL | mongo:URI | memory
                      (PostgreSQL user/password from POSTGRES_USER / POSTGRES_PASSWORD; MongoDB database from MONGODB_DATABASE)
                Example: voicetrack migrate --from json:./data/json --to sqlite:./data/voice-tracker.db
                """;
    }

    private static String helpBackup() {
        return """
                Usage: voicetrack backup [--to FILE] [--config FILE]

                Writes a verified copy of the SQLite database (SQLITE_DB_PATH): the live database must pass an
                integrity check and hold the VoiceTrack tables; the copy must pass an integrity check and hold
                the same tables, schema version and row counts. On failure nothing is overwritten (exit 1).
                Safe while the bot runs. A --to that is the live database or its -wal/-shm/-journal/.lock
                file is refused (exit 2). Manual backups are never rotated.
                Default target: BACKUP_DIR/manual-backup-<time>.db
                """;
    }

    private static String helpRestore() {
        return """
                Usage: voicetrack restore --from FILE [--config FILE]

                Replaces the SQLite database (SQLITE_DB_PATH) with a backup, after verifying the backup's
                integrity, VoiceTrack tables and schema version. The backup file is left as it is.
                Stop the bot first: while the bot or any other process has the database open, restore is
                refused (exit 1, naming the file and, on Linux, the process) and nothing is changed, since
                that process would go on writing to the replaced file and lose everything it wrote.
                A live file that is damaged or no database is kept aside as <db>.damaged-<UTC time>.
                """;
    }

    private static String helpStats() {
        return """
                Usage: voicetrack stats [--config FILE]

                Prints the stored guilds, users, sessions and database size of the configured storage, then
                every guild (largest first) with its member count; VoiceTrack stores no guild names. Reads only:
                a SQLITE_DB_PATH or JSON_DATA_DIR that does not exist is refused (exit 2), nothing is created;
                a damaged SQLite file is refused (exit 1) with how to restore it.
                """;
    }
}
