package dev.voicetrack.core;

import java.util.Locale;

/** What a leaderboard or rank orders by (descending; ties by ascending user id). */
public enum Metric {
    XP("xp"),
    VOICE_TIME("voiceTime"),
    /** The stored level; only over {@link Window#allTime()}. */
    LEVEL("level"),
    MESSAGES("messages");

    private final String key;

    Metric(String key) {
        this.key = key;
    }

    /** The original's {@code sortBy} name: {@code xp}, {@code voiceTime}, {@code level}, {@code messages}. */
    public String key() {
        return key;
    }

    /**
     * Parses a {@link #key()} (case-insensitive).
     *
     * @throws IllegalArgumentException naming the value if it is not a metric
     */
    public static Metric parse(String key) {
        Checks.notNull(key, "metric");
        for (Metric m : values()) {
            if (m.key.toLowerCase(Locale.ROOT).equals(key.toLowerCase(Locale.ROOT))) {
                return m;
            }
        }
        throw new IllegalArgumentException("metric must be one of xp, voiceTime, level, messages, was '" + key + "'");
    }
}
