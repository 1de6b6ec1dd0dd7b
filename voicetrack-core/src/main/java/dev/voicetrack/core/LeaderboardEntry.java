package dev.voicetrack.core;

/**
 * One row of a leaderboard. For a windowed leaderboard {@code xp}, {@code voiceTimeMs} and {@code
 * messages} are the sums within the window; {@code level} is always the stored level. Immutable.
 *
 * @param rank 1-based position (ties broken by ascending user id, so ranks are unique)
 */
public record LeaderboardEntry(int rank, long userId, long xp, long voiceTimeMs, long messages, int level) {

    /** The value the entry was ranked by. */
    public long value(Metric metric) {
        return switch (metric) {
            case XP -> xp;
            case VOICE_TIME -> voiceTimeMs;
            case LEVEL -> level;
            case MESSAGES -> messages;
        };
    }
}
