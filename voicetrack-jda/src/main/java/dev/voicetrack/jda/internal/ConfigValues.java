package dev.voicetrack.jda.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Parses the text of {@code /config set} into the values {@code GuildConfig} takes. Every error names the option
 * as the user typed it and the value: booleans, whole numbers, decimals, ids separated by commas or spaces
 * (mentions such as {@code <@&id>} included), {@code none} (or nothing) for an empty set or an unset value.
 * Rules on the value itself (ranges, known strategies) are {@code GuildConfig}'s, not these.
 */
final class ConfigValues {
    /** The longest message XP cooldown {@code /config set} takes: one year, in seconds. */
    static final long MAX_COOLDOWN_SECONDS = 365L * 24 * 60 * 60;

    private ConfigValues() {}

    static boolean bool(String option, String v) {
        if (v.equalsIgnoreCase("true")) {
            return true;
        }
        if (v.equalsIgnoreCase("false")) {
            return false;
        }
        throw new IllegalArgumentException(option + " must be true or false, was '" + v + "'");
    }

    static long longValue(String option, String v) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be a whole number, was '" + v + "'", e);
        }
    }

    static int intValue(String option, String v) {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    option + " must be a whole number up to " + Integer.MAX_VALUE + ", was '" + v + "'", e);
        }
    }

    /** Seconds in 0..one year: longer would overflow the millisecond fields some storages keep. */
    static long cooldownSeconds(String option, String v) {
        long seconds = longValue(option, v);
        if (seconds < 0) {
            throw new IllegalArgumentException(option + " must be >= 0, was " + seconds);
        }
        if (seconds > MAX_COOLDOWN_SECONDS) {
            throw new IllegalArgumentException(
                    option + " must be at most " + MAX_COOLDOWN_SECONDS + " (one year), was " + seconds);
        }
        return seconds;
    }

    static @Nullable Long optionalLong(String option, String v) {
        return none(v) ? null : longValue(option, v);
    }

    static @Nullable Double optionalDouble(String option, String v) {
        if (none(v)) {
            return null;
        }
        double d;
        try {
            d = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be a number such as 1.5, was '" + v + "'", e);
        }
        if (!Double.isFinite(d)) {
            throw new IllegalArgumentException(option + " must be a finite number such as 1.5, was '" + v + "'");
        }
        return d;
    }

    /** Ids separated by commas or spaces; channel, role and user mentions are taken as their ids. */
    static List<Long> idList(String option, String v) {
        List<Long> out = new ArrayList<>();
        if (none(v)) {
            return out;
        }
        for (String part : v.split("[,\\s]+")) {
            if (part.isEmpty()) {
                continue;
            }
            String digits = part.replaceFirst("^<(#|@&|@!|@)(\\d+)>$", "$2");
            try {
                out.add(Long.parseLong(digits));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        option + " must be ids separated by commas (or none), was '" + part + "'", e);
            }
        }
        return out;
    }

    static List<String> nameList(String v) {
        List<String> out = new ArrayList<>();
        if (!none(v)) {
            for (String part : v.split("[,\\s]+")) {
                if (!part.isEmpty()) {
                    out.add(part);
                }
            }
        }
        return out;
    }

    /** {@code roleId:xp} pairs separated by commas, in the order given (the first role a member has wins). */
    static Map<Long, Long> roleXp(String option, String v) {
        Map<Long, Long> out = new LinkedHashMap<>();
        if (none(v)) {
            return out;
        }
        for (String part : v.split("[,\\s]+")) {
            if (part.isEmpty()) {
                continue;
            }
            String[] kv = part.split(":", 2);
            if (kv.length != 2) {
                throw new IllegalArgumentException(
                        option + " must be roleId:xp pairs separated by commas (or none), was '" + part + "'");
            }
            long role = idList(option, kv[0]).stream().findFirst().orElse(0L);
            out.put(role, longValue(option, kv[1]));
        }
        return out;
    }

    private static boolean none(String v) {
        return v.isEmpty() || v.equalsIgnoreCase("none");
    }
}
