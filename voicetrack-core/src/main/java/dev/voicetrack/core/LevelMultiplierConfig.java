package dev.voicetrack.core;

import org.jspecify.annotations.Nullable;

/**
 * Settings read by the level-multiplier strategies, the original's {@code levelMultiplierConfig}.
 * {@code standard} returns {@code baseMultiplier}, or 0.1 when it is not set; {@code fast} (0.15) and
 * {@code slow} (0.05) ignore it, as in the original.
 *
 * @param baseMultiplier the {@code m} of {@code level = floor(m * sqrt(xp))}
 */
public record LevelMultiplierConfig(@Nullable Double baseMultiplier) {

    /** The original default: {@code { baseMultiplier: 0.1 }}. */
    public static final LevelMultiplierConfig DEFAULT = new LevelMultiplierConfig(0.1);

    /** @throws IllegalArgumentException naming the field and value unless it is finite and > 0 */
    public LevelMultiplierConfig {
        if (baseMultiplier != null) {
            Checks.positive(baseMultiplier, "levelMultiplierConfig.baseMultiplier");
        }
    }
}
