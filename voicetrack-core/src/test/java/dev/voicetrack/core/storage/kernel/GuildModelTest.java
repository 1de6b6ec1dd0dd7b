package dev.voicetrack.core.storage.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voicetrack.core.LeaderboardEntry;
import dev.voicetrack.core.Metric;
import dev.voicetrack.core.storage.LevelRaise;
import dev.voicetrack.core.storage.MemberDelta;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GuildModelTest {
    private static final long G = 9;
    private static final LocalDate DAY = LocalDate.of(2024, 3, 10);
    private static final Instant T = Instant.parse("2024-03-10T12:00:00Z");

    /**
     * Ranks and pages stay exact through every kind of change, interleaved with queries: deltas, sets,
     * raises, removals, resets, and copy-on-write publication ({@link GuildModel#put} of a changed
     * copy), checked against a full sort after each step.
     */
    @Test
    void ranksAndPages_matchAFullSort_throughEveryKindOfChange() {
        var model = new GuildModel(G);
        var random = new SplittableRandom(3);
        for (int step = 0; step < 3000; step++) {
            long user = 1 + random.nextInt(200);
            switch (random.nextInt(7)) {
                case 0, 1 -> model.add(new MemberDelta(
                        G, user, 5, DAY, random.nextInt(50), random.nextInt(50), random.nextInt(3), 0, T));
                case 2 -> model.setXp(user, random.nextInt(500), random.nextInt(5));
                case 3 -> model.raise(new LevelRaise(G, user, random.nextInt(8)));
                case 4 -> model.remove(user);
                case 5 -> {
                    MemberRecord published = model.get(user);
                    MemberRecord copy = published == null ? new MemberRecord(G, user) : published.copy();
                    GuildModel.addTo(
                            copy,
                            BatchFold.fold(new dev.voicetrack.core.storage.Batch(
                                            List.of(new MemberDelta(
                                                    G, user, 6, DAY.plusDays(1), 7, random.nextInt(100), 1, 1, T)),
                                            List.of()))
                                    .members()
                                    .get(0));
                    copy.setLevel(random.nextInt(6));
                    model.put(copy);
                }
                default -> model.reset(user);
            }
            if (step % 7 == 0) {
                for (Metric m : Metric.values()) {
                    check(model, m);
                }
            }
        }
    }

    private static void check(GuildModel model, Metric metric) {
        var all = new ArrayList<MemberRecord>();
        model.forEach(all::add);
        all.sort(Comparator.comparingLong((MemberRecord r) -> r.value(metric))
                .reversed()
                .thenComparingLong(MemberRecord::userId));
        List<LeaderboardEntry> page = model.leaderboard(metric, null, 5, 3);
        for (int i = 0; i < page.size(); i++) {
            assertThat(page.get(i).userId()).isEqualTo(all.get(3 + i).userId());
            assertThat(page.get(i).rank()).isEqualTo(4 + i);
        }
        assertThat(page).hasSize(Math.max(0, Math.min(5, all.size() - 3)));
        for (int i = 0; i < all.size(); i += 17) {
            assertThat(model.rank(all.get(i).userId(), metric, null)).hasValue(i + 1);
        }
    }

    @Test
    void rowsOfAModel_changeOnlyThroughIt_andARowOfAnotherGuildIsRefused() {
        var model = new GuildModel(G);
        MemberRecord r = model.getOrCreate(1);
        assertThatThrownBy(() -> r.setXp(5)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> model.put(new MemberRecord(G + 1, 2))).isInstanceOf(IllegalArgumentException.class);
        MemberRecord copy = r.copy();
        copy.setXp(5); // a staged copy is free to change
        model.put(copy);
        assertThat(model.get(1).xp()).isEqualTo(5);
        assertThat(model.rank(1, Metric.XP, null)).hasValue(1);
    }

    @Test
    void aCopy_sharesNoDayWithThePublishedRow_onceItWritesThatDay() {
        var model = new GuildModel(G);
        model.add(new MemberDelta(G, 1, 5, DAY, 10, 1, 0, 0, T));
        MemberRecord published = model.get(1);
        MemberRecord copy = published.copy();
        copy.putActivity(DAY, 5, 99, 99, 99);
        assertThat(published.activity(DAY, DAY).get(0).voiceMs()).isEqualTo(10);
        assertThat(copy.activity(DAY, DAY).get(0).voiceMs()).isEqualTo(99);
    }
}
