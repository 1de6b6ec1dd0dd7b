package dev.voicetrack.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Settings read by the XP strategies, the original's {@code xpConfig}. A {@code null} component means
 * "not set": each built-in strategy then uses the original's fallback for it ({@code fixed} and
 * {@code role-based}: 5 XP, {@code booster-bonus}: 10 XP and a multiplier of 2, {@code random}:
 * 5..15 XP).
 *
 * <p>Difference from the original: a value of {@code 0} is honoured. The original used {@code
 * value || fallback}, which silently turned 0 XP into the fallback.
 *
 * @param baseAmount XP per check ({@code fixed}, {@code role-based}, {@code booster-bonus})
 * @param roles role id to XP per check ({@code role-based}: the first role of this map, in the order
 *     given, that the member has wins; else {@code baseAmount}); the order is kept
 * @param boosterMultiplier factor for server boosters ({@code booster-bonus})
 * @param minXP lower bound, inclusive ({@code random})
 * @param maxXP upper bound, inclusive ({@code random})
 */
public record XpConfig(
        @Nullable Long baseAmount,
        Map<Long, Long> roles,
        @Nullable Double boosterMultiplier,
        @Nullable Long minXP,
        @Nullable Long maxXP) {

    /** The original default: {@code { baseAmount: 5 }}. */
    public static final XpConfig DEFAULT = new XpConfig(5L, Map.of(), null, null, null);

    /** Nothing set: every strategy uses its own fallback. */
    public static final XpConfig EMPTY = new XpConfig(null, Map.of(), null, null, null);

    /**
     * Validates and copies.
     *
     * @throws IllegalArgumentException naming the field and value if a number is negative, a role id
     *     is not a snowflake, or {@code minXP > maxXP}
     */
    public XpConfig {
        Checks.notNull(roles, "xpConfig.roles");
        if (baseAmount != null) {
            Checks.nonNegative(baseAmount, "xpConfig.baseAmount");
        }
        for (var e : roles.entrySet()) {
            Checks.snowflake(Checks.notNull(e.getKey(), "xpConfig.roles key"), "xpConfig.roles key");
            Checks.nonNegative(
                    Checks.notNull(e.getValue(), "xpConfig.roles value"), "xpConfig.roles[" + e.getKey() + "]");
        }
        roles = Collections.unmodifiableMap(new LinkedHashMap<>(roles));
        if (boosterMultiplier != null) {
            Checks.nonNegative(boosterMultiplier, "xpConfig.boosterMultiplier");
        }
        if (minXP != null) {
            Checks.nonNegative(minXP, "xpConfig.minXP");
        }
        if (maxXP != null) {
            Checks.nonNegative(maxXP, "xpConfig.maxXP");
        }
        long min = minXP == null ? 5 : minXP;
        long max = maxXP == null ? 15 : maxXP;
        if (min > max) {
            throw new IllegalArgumentException("xpConfig.minXP must be <= xpConfig.maxXP (" + max + "), was " + min);
        }
    }

    /** A config with only {@code baseAmount} set. */
    public static XpConfig ofBaseAmount(long baseAmount) {
        return new XpConfig(baseAmount, Map.of(), null, null, null);
    }
}
