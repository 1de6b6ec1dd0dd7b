package dev.voicetrack.bench.storage;

import dev.voicetrack.core.migrate.DvtImport;
import dev.voicetrack.core.migrate.ImportReport;
import dev.voicetrack.core.migrate.Importer;
import dev.voicetrack.storage.jdbc.DvtSqliteReader;
import dev.voicetrack.storage.jdbc.JdbcStorage;
import dev.voicetrack.storage.jdbc.SqliteOptions;
import dev.voicetrack.storage.jdbc.SqliteStorage;
import dev.voicetrack.testkit.dvt.DvtFixture;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.Locale;

/**
 * The figure of issue 18: importing a discord-vc-tracker SQLite database of 100,000 members with
 * 1,000,000 sessions into VoiceTrack's SQLite, with the time and the peak heap. The source is built
 * first by a small generator (the original's schema from the testkit's {@code DvtFixture}, rows with
 * epoch-second dates, JSON channel lists, every tenth session with a NULL duration, every
 * hundredth open); it is not part of the measured time. Peak heap is the sum of the heap pools' peak
 * usage over the import (after a GC and a reset of the peaks), an upper bound of what was live at
 * once; run it under {@code -Xmx256m} to show the import also fits in 256 MB. The process CPU time
 * is printed beside the wall time, since on a shared machine the wall time mostly measures the
 * other load.
 *
 * <p>Run, from the repository root (figures from a shared machine are indicative only):
 *
 * <pre>{@code
 * ./mvnw -o -q -pl voicetrack-bench -am package -DskipTests
 * java -Xmx256m -cp voicetrack-bench/target/benchmarks.jar dev.voicetrack.bench.storage.DvtImportRun 100 1000 10
 * java -Xmx512m -cp voicetrack-bench/target/benchmarks.jar dev.voicetrack.bench.storage.DvtImportRun 1 100000 10
 * }</pre>
 *
 * The second puts everything in one guild, which needs more than 384 MB: one guild is one atomic
 * step ({@code Storage.importGuild} of a whole {@code GuildSnapshot}) and is held in memory whole.
 *
 * Arguments: guilds, members per guild, sessions per member (defaults 100, 1000, 10), and optionally
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
            long start = System.nanoTime();
            long cpuStart = processCpuNanos();
            ImportReport report;
            try (var reader = DvtSqliteReader.open(source)) {
                report = Importer.from(DvtImport.source(reader))
                        .to(storage)
                        .onProgress(new Importer.Listener() {
                            @Override
                            public void onChecked(ImportReport checked, java.util.Map<Long, Long> membersByGuild) {
                                System.out.printf(
                                        Locale.ROOT, "source checked in %.1f s%n", (System.nanoTime() - start) / 1e9);
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
                    "import: %.1f s (process CPU %.1f s), peak heap %,d MB (max heap %,d MB), %,d members and %,d"
                            + " sessions stored%n",
                    seconds,
                    cpu,
                    peak >> 20,
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
