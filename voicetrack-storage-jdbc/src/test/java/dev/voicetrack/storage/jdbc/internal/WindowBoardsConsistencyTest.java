package dev.voicetrack.storage.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.core.Metric;
import dev.voicetrack.core.storage.Batch;
import dev.voicetrack.core.storage.DayRange;
import dev.voicetrack.core.storage.MemberDelta;
import dev.voicetrack.storage.jdbc.SqliteOptions;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Windowed leaderboards served from kept whole boards stay exact when two stores write the same
 * database (two processes): every page {@code a} and {@code b} answer equals the page a third store
 * reads in SQL (it keeps no board), and so does their kept member count, after every kind of write from
 * either side. And paging through a
 * window reads it from the database once, not once a page.
 */
class WindowBoardsConsistencyTest {
    private static final long G = 42;
    private static final int MEMBERS = 300;
    private static final LocalDate DAY = LocalDate.of(2024, 6, 10);
    private static final Instant T = Instant.parse("2024-06-10T08:00:00.250Z");
    private static final List<DayRange> RANGES =
            List.of(new DayRange(DAY, DAY), new DayRange(DAY.minusDays(6), DAY), new DayRange(DAY.minusDays(29), DAY));
    private static final List<Metric> METRICS = List.of(Metric.XP, Metric.VOICE_TIME, Metric.MESSAGES);

    @TempDir
    Path dir;

    private JdbcStore a;
    private JdbcStore b;
    private JdbcStore oracle;

    @BeforeEach
    void open() {
        var options = SqliteOptions.builder().file(dir.resolve("shared.db")).build();
        a = JdbcStore.sqlite(options);
        b = JdbcStore.sqlite(options);
        oracle = JdbcStore.sqlite(options);
        a.init();
        b.init();
        oracle.init();
        oracle.windowBoardMaxEntries(0);
    }

    @AfterEach
    void close() {
        a.close();
        b.close();
        oracle.close();
    }

    /** Increments for random members on a random day of the last 40, so the ranges hold different members. */
    private static Batch tick(SplittableRandom rnd, int members) {
        var deltas = new ArrayList<MemberDelta>();
        for (int i = 0; i < members; i++) {
            long user = 1 + rnd.nextInt(MEMBERS + 20);
            LocalDate day = DAY.minusDays(rnd.nextInt(40));
            deltas.add(new MemberDelta(
                    G, user, 7, day, 12, rnd.nextInt(3) * 5_000L, rnd.nextInt(4), rnd.nextInt(2), rnd.nextInt(2), T));
        }
        return new Batch(deltas, List.of());
    }

    private long countInSql() {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("shared.db"));
                var rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM vt_members WHERE guild_id = " + G)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private void assertPagesExact(String after) {
        long members = countInSql();
        assertThat(a.memberCount(G)).as("a's member count after %s", after).isEqualTo(members);
        assertThat(b.memberCount(G)).as("b's member count after %s", after).isEqualTo(members);
        for (DayRange range : RANGES) {
            for (Metric m : METRICS) {
                for (int offset : new int[] {0, 25, 100, 290, 400}) {
                    var expected = oracle.leaderboard(G, m, range, 25, offset);
                    assertThat(a.leaderboard(G, m, range, 25, offset))
                            .as("page at %d by %s over %s from a, after %s", offset, m, range, after)
                            .isEqualTo(expected);
                    assertThat(b.leaderboard(G, m, range, 25, offset))
                            .as("page at %d by %s over %s from b, after %s", offset, m, range, after)
                            .isEqualTo(expected);
                }
            }
        }
    }

    @Test
    void pagesFromKeptBoards_matchSql_whateverWritesWhichStore() {
        var rnd = new SplittableRandom(5);
        a.apply(tick(rnd, MEMBERS));
        assertPagesExact("the first tick");
        for (int step = 0; step < 30; step++) {
            JdbcStore writer = rnd.nextBoolean() ? a : b;
            long user = 1 + rnd.nextInt(MEMBERS);
            String what;
            switch (rnd.nextInt(5)) {
                case 0 -> {
                    writer.resetMember(G, user);
                    what = "resetMember";
                }
                case 1 -> {
                    writer.deleteMember(G, user);
                    what = "deleteMember";
                }
                default -> {
                    writer.apply(tick(rnd, 1 + rnd.nextInt(MEMBERS)));
                    what = "a tick";
                }
            }
            assertPagesExact(what + " by " + (writer == a ? "a" : "b") + " (step " + step + ")");
        }
        a.deleteGuild(G);
        assertThat(b.leaderboard(G, Metric.XP, RANGES.get(2), 25, 0)).isEmpty();
    }

    @Test
    void pagingThroughAWindow_readsItOnce_untilTheGuildIsWritten() {
        var rnd = new SplittableRandom(9);
        a.apply(tick(rnd, MEMBERS));
        DayRange month = RANGES.get(2);
        long reads = a.windowBoardReads();
        for (int offset = 0; offset < MEMBERS; offset += 25) {
            assertThat(a.leaderboard(G, Metric.XP, month, 25, offset))
                    .isEqualTo(oracle.leaderboard(G, Metric.XP, month, 25, offset));
        }
        assertThat(a.windowBoardReads() - reads).isEqualTo(1);
        b.apply(tick(rnd, 10)); // another process writes: a's board is out of date
        assertThat(a.leaderboard(G, Metric.XP, month, 25, 0)).isEqualTo(oracle.leaderboard(G, Metric.XP, month, 25, 0));
        assertThat(a.windowBoardReads() - reads).isEqualTo(2);
        assertThat(oracle.windowBoardReads())
                .as("a store without boards reads pages in SQL")
                .isZero();
    }
}
