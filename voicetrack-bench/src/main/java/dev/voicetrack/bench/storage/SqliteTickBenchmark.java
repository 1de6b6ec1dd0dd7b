package dev.voicetrack.bench.storage;

import dev.voicetrack.core.storage.Batch;
import dev.voicetrack.core.storage.MemberDelta;
import dev.voicetrack.core.storage.MemberTotals;
import dev.voicetrack.storage.jdbc.JdbcStorage;
import dev.voicetrack.storage.jdbc.SqliteOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The SQLite store's tick against plain JDBC, in the same run:
 *
 * <ul>
 *   <li>{@code storeTick}: {@code JdbcStorage.apply} of one tick for 10 guilds x 1,000 members in
 *       voice (voice time, XP, per-channel and daily rows; totals read back);
 *   <li>{@code plainJdbcTick}: the same member, channel and daily rows written into the same schema
 *       by hand-written JDBC batched upserts in one transaction on one connection with the same
 *       pragmas (no totals read, no streak);
 *       the goal is {@code storeTick <= 1.2 x plainJdbcTick};
 *   <li>{@code storeMessages}: one tick carrying 50,000 message events (one delta each) from 5,000
 *       members of 10 guilds; the score is per event, so 1 / score is events per second (goal >=
 *       200,000/s). The store sums a batch's deltas per row before writing, so a tick costs one upsert
 *       per member and day, whatever the number of events.
 * </ul>
 *
 * <p>Run, from the repository root, after {@code ./mvnw -B -q -ntp -pl voicetrack-bench -DskipTests
 * package}:
 *
 * <pre>{@code
 * java -jar voicetrack-bench/target/benchmarks.jar 'dev.voicetrack.bench.storage.SqliteTickBenchmark'
 * }</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Benchmark)
public class SqliteTickBenchmark {
    private static final int GUILDS = 10;
    private static final int MEMBERS = 1000;
    private static final int MESSAGE_EVENTS = 50_000;
    private static final long CHANNEL = 77;
    private static final LocalDate DAY = LocalDate.of(2024, 3, 10);
    private static final Instant NOW = Instant.parse("2024-03-10T12:00:00.123Z");

    private Path dir;
    private JdbcStorage storage;
    private Connection plain;
    private Batch tick;
    private Batch messages;

    @Setup(Level.Trial)
    public void setUp() throws IOException, SQLException {
        dir = Files.createTempDirectory("vt-sqlite-bench");
        storage = JdbcStorage.sqlite(
                SqliteOptions.builder().file(dir.resolve("store.db")).build());
        storage.init();
        var deltas = new ArrayList<MemberDelta>(GUILDS * MEMBERS);
        for (long g = 1; g <= GUILDS; g++) {
            for (long u = 1; u <= MEMBERS; u++) {
                deltas.add(new MemberDelta(g, u, CHANNEL, DAY, 10_000, 5, 0, 0, NOW));
            }
        }
        tick = new Batch(deltas, List.of());
        var events = new ArrayList<MemberDelta>(MESSAGE_EVENTS);
        for (int i = 0; i < MESSAGE_EVENTS; i++) {
            events.add(new MemberDelta(1 + i % GUILDS, 1 + (i / GUILDS) % 500, 0, DAY, 0, 1, 1, 0, NOW));
        }
        messages = new Batch(events, List.of());
        storage.apply(tick); // every member exists from here on, in both databases
        // The baseline writes into the very same schema (tables and indexes), created by the store.
        Path plainFile = dir.resolve("plain.db");
        try (JdbcStorage schema =
                JdbcStorage.sqlite(SqliteOptions.builder().file(plainFile).build())) {
            schema.init();
        }
        plain = DriverManager.getConnection("jdbc:sqlite:" + plainFile);
        try (Statement s = plain.createStatement()) {
            s.execute("PRAGMA journal_mode = WAL");
            s.execute("PRAGMA synchronous = NORMAL");
            s.execute("PRAGMA cache_size = 10000");
            s.execute("PRAGMA temp_store = MEMORY");
        }
        plainJdbcTick();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException, SQLException {
        storage.close();
        plain.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Benchmark
    public List<MemberTotals> storeTick() {
        return storage.apply(tick);
    }

    @Benchmark
    public int plainJdbcTick() throws SQLException {
        plain.setAutoCommit(false);
        try (PreparedStatement m = plain.prepareStatement("INSERT INTO vt_members VALUES (?, ?, ?, ?, 0, 0, 0, ?, 0, 0)"
                        + " ON CONFLICT (guild_id, user_id) DO UPDATE SET"
                        + " voice_ms = vt_members.voice_ms + excluded.voice_ms, xp = vt_members.xp + excluded.xp,"
                        + " last_seen_ms = max(vt_members.last_seen_ms, excluded.last_seen_ms)");
                PreparedStatement c = plain.prepareStatement("INSERT INTO vt_member_channels VALUES (?, ?, ?, ?, 0)"
                        + " ON CONFLICT (guild_id, user_id, channel_id)"
                        + " DO UPDATE SET voice_ms = vt_member_channels.voice_ms + excluded.voice_ms");
                PreparedStatement d =
                        plain.prepareStatement("INSERT INTO vt_daily_activity VALUES (?, ?, ?, ?, ?, ?, 0)"
                                + " ON CONFLICT (guild_id, user_id, day, channel_id) DO UPDATE SET"
                                + " voice_ms = vt_daily_activity.voice_ms + excluded.voice_ms,"
                                + " xp = vt_daily_activity.xp + excluded.xp")) {
            for (MemberDelta x : tick.deltas()) {
                m.setLong(1, x.guildId());
                m.setLong(2, x.userId());
                m.setLong(3, x.voiceMs());
                m.setLong(4, x.xp());
                m.setLong(5, x.lastSeen().toEpochMilli());
                m.addBatch();
                c.setLong(1, x.guildId());
                c.setLong(2, x.userId());
                c.setLong(3, x.channelId());
                c.setLong(4, x.voiceMs());
                c.addBatch();
                d.setLong(1, x.guildId());
                d.setLong(2, x.userId());
                d.setLong(3, x.day().toEpochDay());
                d.setLong(4, x.channelId());
                d.setLong(5, x.voiceMs());
                d.setLong(6, x.xp());
                d.addBatch();
            }
            int n = m.executeBatch().length + c.executeBatch().length + d.executeBatch().length;
            plain.commit();
            return n;
        } finally {
            plain.setAutoCommit(true);
        }
    }

    @Benchmark
    @OperationsPerInvocation(MESSAGE_EVENTS)
    public List<MemberTotals> storeMessages() {
        return storage.apply(messages);
    }
}
