package dev.voicetrack.core;

import java.util.List;

/** One page of a guild's leaderboard, as cached and returned by {@link VoiceTracker#getLeaderboard}. */
public record LeaderboardPage(
        long guildId, Metric metric, Window window, int offset, int limit, List<LeaderboardEntry> entries) {
    public LeaderboardPage {
        entries = List.copyOf(entries);
    }
}
