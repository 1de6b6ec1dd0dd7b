package dev.voicetrack.core;

/**
 * The original's level formulas: {@code level = floor(m * sqrt(xp))}, so level {@code L} needs
 * {@code (L / m)^2} XP. Stateless and thread safe; every method is O(1).
 *
 * <p>The original computes "XP for level" in floating point ({@code (3 / 0.1)^2} is {@code
 * 899.9999999999998} there); this class returns the exact integer threshold, the least XP whose level
 * is at least {@code L} (900), so {@code level(xpForLevel(L)) == L} always holds. {@link
 * #progressPercent} uses the original's floating-point expression, so it shows the same percentages.
 * Pinned values: {@code level(1000, 0.1) == 3} (not 10, as the original's documentation claimed).
 */
public final class LevelCalculator {

    /** The multiplier of the {@code standard} strategy. */
    public static final double DEFAULT_MULTIPLIER = 0.1;

    private LevelCalculator() {}

    /**
     * The level reached with {@code xp}.
     *
     * @throws IllegalArgumentException if {@code xp < 0} or {@code multiplier} is not finite and > 0
     */
    public static int level(long xp, double multiplier) {
        Checks.nonNegative(xp, "xp");
        Checks.positive(multiplier, "multiplier");
        return (int) Math.floor(multiplier * Math.sqrt((double) xp));
    }

    /**
     * The least XP whose level is at least {@code level}.
     *
     * @throws IllegalArgumentException if {@code level < 0} or the multiplier is invalid
     */
    public static long xpForLevel(int level, double multiplier) {
        Checks.nonNegative(level, "level");
        Checks.positive(multiplier, "multiplier");
        if (level == 0) {
            return 0;
        }
        double approx = Math.pow(level / multiplier, 2);
        long xp = (long) Math.ceil(approx);
        // correct floating-point error in both directions so that the threshold is exact
        while (xp > 0 && level(xp - 1, multiplier) >= level) {
            xp--;
        }
        while (level(xp, multiplier) < level) {
            xp++;
        }
        return xp;
    }

    /** XP still needed to reach the next level: {@code xpForLevel(level(xp) + 1) - xp}, always > 0. */
    public static long xpToNextLevel(long xp, double multiplier) {
        return xpForLevel(level(xp, multiplier) + 1, multiplier) - xp;
    }

    /**
     * Progress towards the next level in whole percent (0..100), rounded half up, computed exactly as
     * the original's {@code calculateLevelProgress}.
     */
    public static int progressPercent(long xp, double multiplier) {
        int current = level(xp, multiplier);
        double currentXp = Math.pow(current / multiplier, 2);
        double nextXp = Math.pow((current + 1) / multiplier, 2);
        double progress = (xp - currentXp) / (nextXp - currentXp);
        return (int) Math.max(0, Math.min(100, Math.round(progress * 100)));
    }

    /**
     * Formats a duration as the original's {@code formatVoiceTime}: {@code "1d 2h 3m"}, {@code "2h 3m"},
     * {@code "3m 4s"} or {@code "4s"}.
     *
     * @throws IllegalArgumentException if {@code milliseconds < 0}
     */
    public static String formatVoiceTime(long milliseconds) {
        Checks.nonNegative(milliseconds, "milliseconds");
        long seconds = milliseconds / 1000;
        long minutes = seconds / 60;
        long hours = minutes / 60;
        long days = hours / 24;
        if (days > 0) {
            return days + "d " + (hours % 24) + "h " + (minutes % 60) + "m";
        } else if (hours > 0) {
            return hours + "h " + (minutes % 60) + "m";
        } else if (minutes > 0) {
            return minutes + "m " + (seconds % 60) + "s";
        }
        return seconds + "s";
    }

    /** Average session length in ms, 0 when there were no sessions (the original's helper). */
    public static long averageSessionMs(long totalVoiceTimeMs, long totalSessions) {
        return totalSessions == 0 ? 0 : totalVoiceTimeMs / totalSessions;
    }
}
