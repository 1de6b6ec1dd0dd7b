package dev.voicetrack.storage.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.core.Metric;
import dev.voicetrack.core.storage.Batch;
import dev.voicetrack.core.storage.LevelRaise;
import dev.voicetrack.core.storage.MemberDelta;
import dev.voicetrack.storage.jdbc.SqliteOptions;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The in-memory rank indexes stay exact when two stores write the same database (two processes, or
 * two bot instances on one PostgreSQL): every rank that {@code a} and {@code b} answer from memory
 * equals the count in SQL of a third store that keeps no index, and so does every page they read
 * from it (pages from offset 25 on), after every kind of write from either side. And a store's own ticks move its index along instead of rebuilding it.
 */
class RankIndexConsistencyTest {
    private static final long G = 42;
    private static final int MEMBERS = 300;
    private static final LocalDate DAY = LocalDate.of(2024, 6, 1);
    private static final Instant T = Instant.parse("2024-06-01T08:00:00.250Z");

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
        a.rankIndexMinMembers(0);
        b.rankIndexMinMembers(0);
        a.indexPagesFrom(25);
        b.indexPagesFrom(25);
        oracle.rankIndexMinMembers(Long.MAX_VALUE);
    }

    @AfterEach
    void close() {
        a.close();
        b.close();
        oracle.close();
    }

    private static Batch tick(SplittableRandom rnd, int members) {
        var deltas = new ArrayList<MemberDelta>();
        for (int i = 0; i < members; i++) {
            long user = 1 + rnd.nextInt(MEMBERS + 20); // now and then a member that is new
            deltas.add(new MemberDelta(
                    G, user, 7, DAY, rnd.nextInt(3) * 5_000L, rnd.nextInt(4), rnd.nextInt(2), rnd.nextInt(2), T));
        }
        return new Batch(deltas, List.of());
    }

    private void assertRanksExact(SplittableRandom rnd, String after) {
        for (int i = 0; i < 25; i++) {
            long user = 1 + rnd.nextInt(MEMBERS + 25);
            for (Metric m : Metric.values()) {
                OptionalInt expected = oracle.rank(G, user, m, null);
                assertThat(a.rank(G, user, m, null))
                        .as("rank of %d by %s from a, after %s", user, m, after)
                        .isEqualTo(expected);
                assertThat(b.rank(G, user, m, null))
                        .as("rank of %d by %s from b, after %s", user, m, after)
                        .isEqualTo(expected);
            }
        }
        for (Metric m : Metric.values()) {
            for (int offset : new int[] {25, 130, 300, 340}) {
                var expected = oracle.leaderboard(G, m, null, 25, offset);
                assertThat(a.leaderboard(G, m, null, 25, offset))
                        .as("page at %d by %s from a's index, after %s", offset, m, after)
                        .isEqualTo(expected);
                assertThat(b.leaderboard(G, m, null, 25, offset))
                        .as("page at %d by %s from b's index, after %s", offset, m, after)
                        .isEqualTo(expected);
            }
        }
    }

    @Test
    void ranksFromMemory_matchTheCountInSql_whateverWritesWhichStore() {
        var rnd = new SplittableRandom(7);
        a.apply(tick(rnd, MEMBERS));
        assertRanksExact(rnd, "the first tick");
        for (int step = 0; step < 60; step++) {
            JdbcStore writer = rnd.nextBoolean() ? a : b;
            long user = 1 + rnd.nextInt(MEMBERS);
            String what;
            switch (rnd.nextInt(8)) {
                case 0 -> {
                    writer.raiseLevels(List.of(new LevelRaise(G, user, 1 + rnd.nextInt(30))));
                    what = "raiseLevels";
                }
                case 1 -> {
                    writer.setXp(G, user, rnd.nextInt(500), rnd.nextInt(5));
                    what = "setXp";
                }
                case 2 -> {
                    writer.resetMember(G, user);
                    what = "resetMember";
                }
                case 3 -> {
                    writer.deleteMember(G, user);
                    what = "deleteMember";
                }
                case 4 -> {
                    writer.updateMetadata(G, MEMBERS + 100L + step, Map.of("k", "v"), List.of());
                    what = "updateMetadata creating a member";
                }
                default -> {
                    writer.apply(tick(rnd, 1 + rnd.nextInt(MEMBERS)));
                    what = "a tick";
                }
            }
            assertRanksExact(rnd, what + " by " + (writer == a ? "a" : "b") + " (step " + step + ")");
        }
        a.deleteGuild(G);
        assertThat(b.rank(G, 1, Metric.XP, null)).isEmpty();
    }

    @Test
    void aStoresOwnTicks_moveItsIndexAlong_withoutRebuilding() {
        var rnd = new SplittableRandom(11);
        a.apply(tick(rnd, MEMBERS));
        assertThat(a.rank(G, 1, Metric.XP, null)).isEqualTo(oracle.rank(G, 1, Metric.XP, null));
        long builds = a.rankIndexBuilds();
        for (int i = 0; i < 20; i++) {
            a.apply(tick(rnd, MEMBERS));
            for (long user = 1; user <= 10; user++) {
                assertThat(a.rank(G, user, Metric.XP, null)).isEqualTo(oracle.rank(G, user, Metric.XP, null));
            }
        }
        assertThat(a.rankIndexBuilds()).isEqualTo(builds);
        // another store's write is noticed: the next query rebuilds once, then answers from memory again
        b.apply(tick(rnd, MEMBERS));
        assertThat(a.rank(G, 3, Metric.XP, null)).isEqualTo(oracle.rank(G, 3, Metric.XP, null));
        assertThat(a.rankIndexBuilds()).isEqualTo(builds + 1);
        assertThat(a.rank(G, 4, Metric.XP, null)).isEqualTo(oracle.rank(G, 4, Metric.XP, null));
        assertThat(a.rankIndexBuilds()).isEqualTo(builds + 1);
    }

    @Test
    void beyondTheMemoryBound_theLeastRecentlyUsedIndexesGo_andRanksStayExact() {
        // three guilds of 300 members; room for two indexes of 300 entries
        var rnd = new SplittableRandom(5);
        long[] guilds = {G, G + 1, G + 2};
        for (long g : guilds) {
            var deltas = new ArrayList<MemberDelta>();
            for (long user = 1; user <= MEMBERS; user++) {
                deltas.add(new MemberDelta(g, user, 7, DAY, rnd.nextInt(5) * 1_000L, rnd.nextInt(9), 0, 0, T));
            }
            a.apply(new Batch(deltas, List.of()));
        }
        a.rankIndexMaxEntries(2L * MEMBERS);
        long builds = a.rankIndexBuilds();

        assertThat(a.rank(G, 5, Metric.XP, null)).isEqualTo(oracle.rank(G, 5, Metric.XP, null));
        assertThat(a.rank(G + 1, 5, Metric.XP, null)).isEqualTo(oracle.rank(G + 1, 5, Metric.XP, null));
        assertThat(a.rank(G, 6, Metric.XP, null)).isEqualTo(oracle.rank(G, 6, Metric.XP, null)); // G used last
        assertThat(a.rankIndexBuilds()).isEqualTo(builds + 2);
        assertThat(a.rankIndexEvictions()).isZero();

        // a third index: the least recently used one (G + 1) goes, G stays
        assertThat(a.rank(G + 2, 5, Metric.XP, null)).isEqualTo(oracle.rank(G + 2, 5, Metric.XP, null));
        assertThat(a.rankIndexEvictions()).isEqualTo(1);
        assertThat(a.rank(G, 7, Metric.XP, null)).isEqualTo(oracle.rank(G, 7, Metric.XP, null));
        assertThat(a.rankIndexBuilds()).isEqualTo(builds + 3);
        assertThat(a.rank(G + 1, 7, Metric.XP, null)).isEqualTo(oracle.rank(G + 1, 7, Metric.XP, null));
        assertThat(a.rankIndexBuilds()).isEqualTo(builds + 4); // rebuilt, and G + 2 went for it
        assertThat(a.rankIndexEvictions()).isEqualTo(2);

        // an index larger than the whole bound is still kept while it is the one used last
        a.rankIndexMaxEntries(10);
        assertThat(a.rank(G + 2, 8, Metric.VOICE_TIME, null)).isEqualTo(oracle.rank(G + 2, 8, Metric.VOICE_TIME, null));
        long afterShrink = a.rankIndexBuilds();
        assertThat(a.rank(G + 2, 9, Metric.VOICE_TIME, null)).isEqualTo(oracle.rank(G + 2, 9, Metric.VOICE_TIME, null));
        assertThat(a.rankIndexBuilds()).isEqualTo(afterShrink);
        // and this store's own ticks move the index that is left, without a rebuild
        for (int i = 0; i < 5; i++) {
            var deltas = new ArrayList<MemberDelta>();
            for (int k = 0; k < 50; k++) {
                deltas.add(
                        new MemberDelta(G + 2, 1 + rnd.nextInt(MEMBERS), 7, DAY, rnd.nextInt(4) * 1_000L, 1, 0, 0, T));
            }
            a.apply(new Batch(deltas, List.of()));
        }
        for (long user = 1; user <= 10; user++) {
            assertThat(a.rank(G + 2, user, Metric.VOICE_TIME, null))
                    .isEqualTo(oracle.rank(G + 2, user, Metric.VOICE_TIME, null));
        }
        assertThat(a.rankIndexBuilds()).isEqualTo(afterShrink);
        assertThat(a.rankIndexEvictions()).isEqualTo(4); // G and G + 1 went when the bound shrank
    }

    private static Batch xp(long guild, long... userAndXp) {
        var deltas = new ArrayList<MemberDelta>();
        for (int i = 0; i < userAndXp.length; i += 2) {
            deltas.add(new MemberDelta(guild, userAndXp[i], 7, DAY, 0, userAndXp[i + 1], 0, 0, T));
        }
        return new Batch(deltas, List.of());
    }

    @Test
    void anotherStoresWrite_toOtherMembers_isSeenByTheSequence_notOnlyByTheAskedMembersValue() {
        long g = G + 10;
        a.apply(xp(g, 1, 30, 2, 20, 3, 10));
        assertThat(a.rank(g, 3, Metric.XP, null)).hasValue(3); // a builds its index here
        // b adds a member ahead of everyone; member 3's own value is unchanged, so only the guild's
        // write sequence tells a that its index is stale
        b.apply(xp(g, 4, 100));
        assertThat(a.rank(g, 3, Metric.XP, null)).hasValue(4);
        b.apply(xp(g, 2, 15)); // member 2 moves from 20 to 35, ahead of member 1
        assertThat(a.rank(g, 1, Metric.XP, null)).hasValue(3);
        assertThat(a.rank(g, 3, Metric.XP, null)).hasValue(4);
        assertThat(a.rank(g, 2, Metric.XP, null)).hasValue(2);
    }
}
