package dev.voicetrack.core;

import org.jspecify.annotations.Nullable;

/**
 * Settings read by the voice-time strategies, the original's {@code voiceTimeConfig}. {@code null}
 * means "not set": {@code fixed} and {@code scaled} then credit 5,000 ms per check and {@code scaled}
 * multiplies by 1. The {@code elapsed} strategy ignores both: it credits the measured time.
 *
 * @param baseAmount milliseconds credited per check
 * @param multiplier factor applied by {@code scaled}
 */
public record VoiceTimeConfig(@Nullable Long baseAmount, @Nullable Double multiplier) {

    /** The original default: {@code { baseAmount: 5000 }}. */
    public static final VoiceTimeConfig DEFAULT = new VoiceTimeConfig(5000L, null);

    /** @throws IllegalArgumentException naming the field and value if a number is negative */
    public VoiceTimeConfig {
        if (baseAmount != null) {
            Checks.nonNegative(baseAmount, "voiceTimeConfig.baseAmount");
        }
        if (multiplier != null) {
            Checks.nonNegative(multiplier, "voiceTimeConfig.multiplier");
        }
    }
}
