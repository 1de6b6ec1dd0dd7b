package dev.voicetrack.bench.storage;

import com.sun.management.GarbageCollectionNotificationInfo;
import dev.voicetrack.core.migrate.DvtImport;
import dev.voicetrack.core.migrate.ImportReport;
import dev.voicetrack.core.migrate.Importer;
import dev.voicetrack.storage.jdbc.DvtSqliteReader;
import dev.voicetrack.storage.jdbc.JdbcStorage;
import dev.voicetrack.storage.jdbc.SqliteOptions;
import dev.voicetrack.storage.jdbc.SqliteStorage;
import dev.voicetrack.testkit.dvt.DvtFixture;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * The figure of issue 18: importing a discord-vc-tracker SQLite database of 100,000 members with
 * 1,000,000 sessions into VoiceTrack's SQLite, with the time and the peak heap. The source is built
 * first by a small generator (the original's schema from the testkit's {@code DvtFixture}, rows with
 * epoch-second dates, JSON channel lists, every tenth session with a NULL duration, every
 * hundredth open); it is not part of the measured time.
 *
 * <p>Printed: the wall time and the process CPU time (every thread, JIT and GC included; on a shared
 * machine the wall time mostly measures the other load), the time and CPU of the check (the whole
 * source read and mapped before the first write), the collectors' pause time, and two heap figures:
 * the sum of the heap pools' peaks (after a GC and a reset of the peaks; it counts garbage not yet
 * collected, so it can exceed the maximum heap) and the most heap in use right after any collection,
 * a tighter upper bound of what was live. Run it under {@code -Xmx256m} to show the import fits in
 * 256 MB.
 *
 * <p>Where the time went before (JFR, {@code -XX:StartFlightRecording=filename=import.jfr,settings=profile}):
 * the source was read and mapped twice (check, then write), about 40% of the CPU; a guild's sessions
 * were objects (about 250 bytes each with their id and three {@code Instant}s, a million of them in
 * the reader's list, the mapper's list, a copy in the snapshot and a {@code HashSet} of ids): 3.9 s of
 * collector pauses in a 28.6 s run, and one guild of a million sessions needed more than 384 MB; SQLite
 * sorted the sessions by rowid before returning the first row; every row built eight error-message
 * strings it never used. Now the reader streams the sessions in the order of the original's index,
 * the mapper stores them in a {@code SessionTable} (primitive columns, about 95 bytes a session,
 * sorted once with 8-byte prefix keys), the importer writes the checked snapshots the heap still
 * holds instead of reading the source again, and messages are built only for bad values. The write
 * itself (one transaction per guild, batches of 1,000, indexes kept) is the smaller part: dropping
 * and rebuilding {@code vt_sessions}' two indexes inside the transaction took SQLite's own CPU for a
 * million rows from 2.4 s to 2.1 s (a {@code sqlite3} test, sorted ids), about 2% of the import, and
 * was not kept: it would rebuild the indexes over every other guild's rows too.
 *
 * <p>Run, from the repository root (figures from a shared machine are indicative only):
 *
 * <pre>{@code
 * ./mvnw -o -q -pl voicetrack-bench -am package -DskipTests
 * java -Xmx256m -cp voicetrack-bench/target/benchmarks.jar dev.voicetrack.bench.storage.DvtImportRun 100 1000 10
 * java -Xmx256m -cp voicetrack-bench/target/benchmarks.jar dev.voicetrack.bench.storage.DvtImportRun 1 100000 10
 * }</pre>
 *
 * The second puts everything in one guild: one atomic step ({@code Storage.importGuild} of one
 * {@code GuildSnapshot} in one transaction), which fits in 256 MB because its sessions are a {@code
 * SessionTable}.
 *
 * <p>Arguments: guilds, members per guild, sessions per member (defaults 100, 1000, 10), and optionally
 * a directory to work in (default: a temporary one, deleted afterwards).
 */
public final class DvtImportRun {
    private DvtImportRun() {}

    public static void main(String[] args) throws Exception {
        int guilds = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int members = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        int sessions = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        Path dir = args.length > 3 ? Path.of(args[3]) : Files.createTempDirectory("dvt-import-run");
        Path source = dir.resolve("dvt.db");
        Path target = dir.resolve("voicetrack.db");
        Files.deleteIfExists(source);
        Files.deleteIfExists(target);
        long t0 = System.nanoTime();
        generate(source, guilds, members, sessions);
        System.out.printf(
                Locale.ROOT,
                "generated %,d guilds x %,d members x %,d sessions (%,d MB) in %.1f s%n",
                guilds,
                members,
                sessions,
                Files.size(source) >> 20,
                (System.nanoTime() - t0) / 1e9);

        try (SqliteStorage storage =
                JdbcStorage.sqlite(SqliteOptions.builder().file(target).build())) {
            storage.init();
            System.gc();
            ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
            AtomicLong liveAfterGc = watchHeapAfterGc();
            long start = System.nanoTime();
            long cpuStart = processCpuNanos();
            long gcStart = gcMillis();
            ImportReport report;
            try (var reader = DvtSqliteReader.open(source)) {
                report = Importer.from(DvtImport.source(reader))
                        .to(storage)
                        .onProgress(new Importer.Listener() {
                            @Override
                            public void onChecked(ImportReport checked, java.util.Map<Long, Long> membersByGuild) {
                                System.out.printf(
                                        Locale.ROOT,
                                        "source checked in %.1f s (process CPU %.1f s)%n",
                                        (System.nanoTime() - start) / 1e9,
                                        (processCpuNanos() - cpuStart) / 1e9);
                            }

                            @Override
                            public void onProgress(dev.voicetrack.core.storage.StorageMigration.Progress p) {}
                        })
                        .run();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double cpu = (processCpuNanos() - cpuStart) / 1e9;
            long peak = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP) {
                    peak += pool.getPeakUsage().getUsed();
                }
            }
            System.out.println(report.summary());
            System.out.printf(
                    Locale.ROOT,
                    "import: %.1f s (process CPU %.1f s, GC pauses %.1f s), peak heap %,d MB (after a GC at most"
                            + " %,d MB; max heap %,d MB), %,d members and %,d sessions stored%n",
                    seconds,
                    cpu,
                    (gcMillis() - gcStart) / 1e3,
                    peak >> 20,
                    liveAfterGc.get() >> 20,
                    Runtime.getRuntime().maxMemory() >> 20,
                    storage.maintenanceStats().users(),
                    storage.maintenanceStats().sessions());
        }
        if (args.length <= 3) {
            Files.deleteIfExists(source);
            Files.deleteIfExists(dir.resolve("dvt.db-wal"));
            Files.deleteIfExists(dir.resolve("dvt.db-shm"));
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    /**
     * The most heap in use right after any collection from now on (the sum over the heap pools), a
     * tighter bound of what was live at once than the pools' peaks, which count garbage not yet
     * collected.
     */
    private static AtomicLong watchHeapAfterGc() {
        AtomicLong max = new AtomicLong();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener(
                        (n, h) -> {
                            if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
                                var info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
                                long used = 0;
                                for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                                    MemoryUsage after = info.getGcInfo()
                                            .getMemoryUsageAfterGc()
                                            .get(pool.getName());
                                    if (pool.getType() == MemoryType.HEAP && after != null) {
                                        used += after.getUsed();
                                    }
                                }
                                max.accumulateAndGet(used, Math::max);
                            }
                        },
                        null,
                        null);
            }
        }
        return max;
    }

    /** Time the collectors report spent, in ms (pauses, summed over collectors). */
    private static long gcMillis() {
        long ms = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ms += Math.max(0, gc.getCollectionTime());
        }
        return ms;
    }

    /** CPU time of this process (every thread, the JIT and GC included), or 0 if the JVM does not tell. */
    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime()
                : 0;
    }

    /** Builds the original's database with synthetic rows, in one transaction. */
    static void generate(Path file, int guilds, int members, int sessionsPerMember) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=OFF");
                for (String sql : DvtFixture.SQLITE_SCHEMA) {
                    s.execute(sql);
                }
            }
            c.setAutoCommit(false);
            long base = 1_700_000_000L;
            try (PreparedStatement g = c.prepareStatement(
                            "INSERT INTO guilds (guild_id, config, last_updated, extra_data) VALUES (?, ?, ?, '{}')");
                    PreparedStatement u = c.prepareStatement("INSERT INTO users (user_id, guild_id, total_voice_time,"
                            + " xp, level, channels, last_seen, streak, total_sessions, metadata) VALUES (?, ?, ?, ?,"
                            + " ?, ?, ?, 0, ?, '{}')");
                    PreparedStatement s = c.prepareStatement("INSERT INTO sessions (session_id, user_id, guild_id,"
                            + " channel_id, start_time, end_time, duration, xp_earned, was_muted, was_deafened)"
                            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0)")) {
                for (int gi = 1; gi <= guilds; gi++) {
                    String guild = Long.toString(1_100_000_000_000_000_000L + gi);
                    g.setString(1, guild);
                    g.setString(
                            2,
                            "{\"guildId\":\"" + guild + "\",\"trackBots\":false,\"xpStrategy\":\"fixed\","
                                    + "\"xpConfig\":{\"baseAmount\":5},\"voiceTimeStrategy\":\"fixed\","
                                    + "\"voiceTimeConfig\":{\"baseAmount\":5000},\"levelMultiplierStrategy\":\"standard\","
                                    + "\"levelMultiplierConfig\":{\"baseMultiplier\":0.1}}");
                    g.setLong(3, base);
                    g.executeUpdate();
                    for (int mi = 1; mi <= members; mi++) {
                        String user = Long.toString(1_200_000_000_000_000_000L + mi);
                        String channel = Long.toString(1_300_000_000_000_000_000L + mi % 10);
                        long voice = 5000L * mi;
                        long xp = 5L * mi;
                        u.setString(1, user);
                        u.setString(2, guild);
                        u.setLong(3, voice);
                        u.setLong(4, xp);
                        u.setLong(5, (long) Math.floor(0.1 * Math.sqrt(xp)));
                        u.setString(
                                6,
                                "[{\"channelId\":\"" + channel + "\",\"voiceTime\":" + voice
                                        + ",\"sessions\":1,\"lastActivity\":\"2024-01-01T00:00:00.000Z\"}]");
                        u.setLong(7, base + mi);
                        u.setLong(8, sessionsPerMember);
                        u.addBatch();
                        for (int si = 0; si < sessionsPerMember; si++) {
                            long startS =
                                    base + gi * 10_000_000L + si * 200_000L + mi; // unique while members < 200,000
                            long n = (long) mi * sessionsPerMember + si;
                            s.setString(1, (startS * 1000) + "-" + user);
                            s.setString(2, user);
                            s.setString(3, guild);
                            s.setString(4, channel);
                            s.setLong(5, startS);
                            if (n % 100 == 0) {
                                s.setNull(6, java.sql.Types.INTEGER);
                                s.setNull(7, java.sql.Types.INTEGER);
                            } else {
                                s.setLong(6, startS + 600);
                                if (n % 10 == 0) {
                                    s.setNull(7, java.sql.Types.INTEGER);
                                } else {
                                    s.setLong(7, 600_000);
                                }
                            }
                            s.setLong(8, 50);
                            s.setInt(9, (int) (n % 2));
                            s.addBatch();
                        }
                        if (mi % 500 == 0) {
                            u.executeBatch();
                            s.executeBatch();
                        }
                    }
                    u.executeBatch();
                    s.executeBatch();
                }
            }
            c.commit();
        }
    }
}
