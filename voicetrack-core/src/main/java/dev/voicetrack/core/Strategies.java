package dev.voicetrack.core;

/**
 * Names of the built-in strategies. The XP, voice-time and level-multiplier built-ins give exactly
 * the original's results (with the {@code random} strategy drawing from the tracker's injected
 * random generator); {@code elapsed} is VoiceTrack's measured voice time.
 */
public final class Strategies {
    private Strategies() {}

    /** {@code xpConfig.baseAmount} XP per check (fallback 5). */
    public static final String XP_FIXED = "fixed";
    /** XP of the first of the member's roles listed in {@code xpConfig.roles}, else {@code baseAmount} (5). */
    public static final String XP_ROLE_BASED = "role-based";
    /** {@code baseAmount} (10) times {@code boosterMultiplier} (2) for boosters, {@code baseAmount} otherwise. */
    public static final String XP_BOOSTER_BONUS = "booster-bonus";
    /** Uniform in {@code [minXP, maxXP]} (5..15), both inclusive. */
    public static final String XP_RANDOM = "random";

    /** {@code voiceTimeConfig.baseAmount} ms (5,000) per check, whatever the real time was. */
    public static final String VOICE_TIME_FIXED = "fixed";
    /** {@code baseAmount} (5,000) times {@code multiplier} (1) ms per check, rounded to the millisecond. */
    public static final String VOICE_TIME_SCALED = "scaled";
    /** The time actually spent, measured by the tracker's clock, to the millisecond. */
    public static final String VOICE_TIME_ELAPSED = "elapsed";

    /** {@code levelMultiplierConfig.baseMultiplier} (0.1). */
    public static final String LEVEL_STANDARD = "standard";
    /** 0.15. */
    public static final String LEVEL_FAST = "fast";
    /** 0.05. */
    public static final String LEVEL_SLOW = "slow";
}
