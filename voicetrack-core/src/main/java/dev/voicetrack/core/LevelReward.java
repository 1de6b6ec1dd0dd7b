package dev.voicetrack.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * One role reward of a guild: at level {@code threshold} (or after {@code threshold} hours in voice) a
 * member gets {@code roleIds}. A reward that {@link #stacks()} is kept when higher rewards are reached;
 * one that does not is replaced by the next reward reached (one-at-a-time ladders). Immutable; the
 * rule over a guild's rewards is {@link LevelRewards#earnedRoles}.
 *
 * @param trigger what the threshold counts
 * @param threshold the level, or the whole hours in voice, from which the reward is earned (>= 1)
 * @param roleIds the roles given (1..{@value #MAX_ROLES} snowflakes)
 * @param stacks true: kept when higher rewards arrive; false: replaced by the next one
 */
public record LevelReward(Trigger trigger, long threshold, Set<Long> roleIds, boolean stacks) {

    /** The most roles one reward gives. */
    public static final int MAX_ROLES = 10;

    /** The highest threshold accepted (a level or hours in voice), far above anything reachable. */
    public static final long MAX_THRESHOLD = 1_000_000;

    private static final long HOUR_MS = 3_600_000L;

    /** What a reward's threshold counts. */
    public enum Trigger {
        /** The member's stored level. */
        LEVEL("level"),
        /** The member's all-time voice time, in whole hours. */
        VOICE_HOURS("voiceHours");

        private final String key;

        Trigger(String key) {
            this.key = key;
        }

        /** The name used in stored forms and commands: {@code level} or {@code voiceHours}. */
        public String key() {
            return key;
        }

        /**
         * The trigger of that key.
         *
         * @throws IllegalArgumentException naming the value if it is neither {@code level} nor {@code voiceHours}
         */
        public static Trigger parse(String key) {
            for (Trigger t : values()) {
                if (t.key.equals(key)) {
                    return t;
                }
            }
            throw new IllegalArgumentException("reward trigger must be level or voiceHours, was '" + key + "'");
        }
    }

    /**
     * @throws IllegalArgumentException naming the field and the value if the threshold is out of
     *     1..{@value #MAX_THRESHOLD}, or the roles are empty, too many or not snowflakes
     */
    public LevelReward {
        Checks.notNull(trigger, "trigger");
        if (threshold < 1 || threshold > MAX_THRESHOLD) {
            throw new IllegalArgumentException(
                    "reward threshold must be in 1.." + MAX_THRESHOLD + ", was " + threshold);
        }
        roleIds = Checks.ids(roleIds, "reward roleIds");
        if (roleIds.isEmpty() || roleIds.size() > MAX_ROLES) {
            throw new IllegalArgumentException(
                    "reward roleIds must hold 1.." + MAX_ROLES + " roles, was " + roleIds.size());
        }
    }

    /** Whether a member with that level and all-time voice time has reached this reward. */
    public boolean reachedBy(int level, long voiceTimeMs) {
        return switch (trigger) {
            case LEVEL -> level >= threshold;
            case VOICE_HOURS -> voiceTimeMs / HOUR_MS >= threshold;
        };
    }

    /**
     * The stored form of one reward: {@code <trigger>:<threshold>:<stack|replace>:<role>,<role>...}, roles
     * ascending, e.g. {@code level:10:stack:111,222}.
     */
    public String toStored() {
        var roles = new ArrayList<String>();
        new TreeSet<>(roleIds).forEach(r -> roles.add(Long.toString(r)));
        return trigger.key + ":" + threshold + ":" + (stacks ? "stack" : "replace") + ":" + String.join(",", roles);
    }

    /**
     * A reward from its stored form (see {@link #toStored()}).
     *
     * @throws IllegalArgumentException naming the value if it is not that form or a part is invalid
     */
    public static LevelReward parse(String stored) {
        Checks.notNull(stored, "reward");
        String[] parts = stored.split(":", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException(
                    "reward must be <level|voiceHours>:<threshold>:<stack|replace>:<roles>, was '" + stored + "'");
        }
        try {
            boolean stacks =
                    switch (parts[2].toLowerCase(Locale.ROOT)) {
                        case "stack" -> true;
                        case "replace" -> false;
                        default -> throw new IllegalArgumentException(
                                "reward mode must be stack or replace, was '" + parts[2] + "'");
                    };
            List<Long> roles = new ArrayList<>();
            for (String r : parts[3].split(",", -1)) {
                roles.add(Long.parseLong(r.trim()));
            }
            return new LevelReward(Trigger.parse(parts[0]), Long.parseLong(parts[1]), Set.copyOf(roles), stacks);
        } catch (IllegalArgumentException e) { // NumberFormatException included
            throw new IllegalArgumentException("reward '" + stored + "' is invalid: " + e.getMessage(), e);
        }
    }
}
