package dev.voicetrack.core.internal;

import dev.voicetrack.core.LeaderboardEntry;
import dev.voicetrack.core.Metric;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalInt;

/**
 * One guild's whole leaderboard over one window, in the order of each metric: the answer to every
 * leaderboard page and every rank of that window, cached as one entry. Built from one storage query
 * (the whole leaderboard by XP; a window's members are the same for every metric, only their order
 * differs) and sorted in memory for the other metrics, in leaderboard order: value descending, then
 * user id ascending, as storage orders them. A rank is the member's position in the metric's list,
 * so it agrees with the page that shows the member. Immutable; the lists share their entries, whose
 * own {@code rank} is their XP rank and is replaced when a page is cut.
 *
 * @param byXp the entries by XP (the storage's order)
 * @param byVoiceTime the entries by voice time
 * @param byMessages the entries by messages
 * @param byLevel the entries by level; empty for a window other than all time, where level is not ranked
 */
record Ranking(
        List<LeaderboardEntry> byXp,
        List<LeaderboardEntry> byVoiceTime,
        List<LeaderboardEntry> byMessages,
        List<LeaderboardEntry> byLevel) {

    Ranking {
        byXp = List.copyOf(byXp);
        byVoiceTime = List.copyOf(byVoiceTime);
        byMessages = List.copyOf(byMessages);
        byLevel = List.copyOf(byLevel);
    }

    /** The ranking of the entries storage returned in XP order; {@code allTime} adds the level order. */
    static Ranking of(List<LeaderboardEntry> byXp, boolean allTime) {
        return new Ranking(
                byXp,
                sorted(byXp, Metric.VOICE_TIME),
                sorted(byXp, Metric.MESSAGES),
                allTime ? sorted(byXp, Metric.LEVEL) : List.of());
    }

    private static List<LeaderboardEntry> sorted(List<LeaderboardEntry> entries, Metric metric) {
        var copy = new ArrayList<>(entries);
        copy.sort(Comparator.comparingLong((LeaderboardEntry e) -> e.value(metric))
                .reversed()
                .thenComparingLong(LeaderboardEntry::userId));
        return copy;
    }

    private List<LeaderboardEntry> by(Metric metric) {
        return switch (metric) {
            case XP -> byXp;
            case VOICE_TIME -> byVoiceTime;
            case MESSAGES -> byMessages;
            case LEVEL -> byLevel;
        };
    }

    /** A page of the metric's leaderboard, ranked from {@code offset + 1}. */
    List<LeaderboardEntry> page(Metric metric, int limit, int offset) {
        List<LeaderboardEntry> all = by(metric);
        int end = (int) Math.min(all.size(), (long) offset + limit);
        if (offset >= end) {
            return List.of();
        }
        var page = new ArrayList<LeaderboardEntry>(end - offset);
        for (int i = offset; i < end; i++) {
            LeaderboardEntry e = all.get(i);
            page.add(new LeaderboardEntry(i + 1, e.userId(), e.xp(), e.voiceTimeMs(), e.messages(), e.level()));
        }
        return page;
    }

    /** The member's 1-based position in the metric's leaderboard, empty if not on it. O(members). */
    OptionalInt rank(long userId, Metric metric) {
        List<LeaderboardEntry> all = by(metric);
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).userId() == userId) {
                return OptionalInt.of(i + 1);
            }
        }
        return OptionalInt.empty();
    }
}
