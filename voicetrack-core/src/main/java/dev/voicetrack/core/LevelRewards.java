package dev.voicetrack.core;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A guild's role rewards and the one rule over them: which of the rewarded roles a member with a given
 * level and voice time should hold. Immutable and thread safe; at most one reward per trigger and
 * threshold.
 *
 * <h2>The rule</h2>
 *
 * A reward is <em>reached</em> when the member's level (or whole hours in voice) is at least its
 * threshold. Every reached reward that stacks gives its roles. A reached reward that does not stack
 * gives its roles only while no higher reward of the same trigger is reached: the next reward replaces
 * it. The roles to hold are the union over all rewards; every other rewarded role ({@link
 * #managedRoles()}) is one the member should not hold, so rewards follow the level both ways (an admin
 * who lowers XP or resets a member takes the rewards away). Roles no reward names are never touched.
 */
public final class LevelRewards {

    /** The most rewards one guild may have. */
    public static final int MAX_REWARDS = 50;

    /** No rewards. */
    public static final LevelRewards NONE = new LevelRewards(List.of());

    private static final Comparator<LevelReward> ORDER =
            Comparator.comparing(LevelReward::trigger).thenComparingLong(LevelReward::threshold);

    private final List<LevelReward> rewards;
    private final Set<Long> managed;

    private LevelRewards(List<LevelReward> sorted) {
        this.rewards = List.copyOf(sorted);
        var roles = new HashSet<Long>();
        sorted.forEach(r -> roles.addAll(r.roleIds()));
        this.managed = Set.copyOf(roles);
    }

    /**
     * The rewards given, in trigger then threshold order.
     *
     * @throws IllegalArgumentException if two rewards have the same trigger and threshold, or there are
     *     more than {@value #MAX_REWARDS}
     */
    public static LevelRewards of(Collection<LevelReward> rewards) {
        Checks.notNull(rewards, "rewards");
        var sorted = new ArrayList<LevelReward>(rewards);
        sorted.forEach(r -> Checks.notNull(r, "rewards element"));
        sorted.sort(ORDER);
        for (int i = 1; i < sorted.size(); i++) {
            LevelReward a = sorted.get(i - 1);
            LevelReward b = sorted.get(i);
            if (a.trigger() == b.trigger() && a.threshold() == b.threshold()) {
                throw new IllegalArgumentException("rewards must have one reward per threshold, was two at "
                        + b.trigger().key() + " " + b.threshold());
            }
        }
        if (sorted.size() > MAX_REWARDS) {
            throw new IllegalArgumentException(
                    "rewards must be at most " + MAX_REWARDS + " per guild, was " + sorted.size());
        }
        return sorted.isEmpty() ? NONE : new LevelRewards(sorted);
    }

    /** The rewards, in trigger then threshold order. */
    public List<LevelReward> rewards() {
        return rewards;
    }

    public boolean isEmpty() {
        return rewards.isEmpty();
    }

    /** Whether any reward counts hours in voice (voice time changes then matter, not only level-ups). */
    public boolean hasVoiceRewards() {
        return rewards.stream().anyMatch(r -> r.trigger() == LevelReward.Trigger.VOICE_HOURS);
    }

    /** Every role some reward gives: the roles the rule manages. */
    public Set<Long> managedRoles() {
        return managed;
    }

    /** The reward at that trigger and threshold, if any. */
    public Optional<LevelReward> find(LevelReward.Trigger trigger, long threshold) {
        return rewards.stream()
                .filter(r -> r.trigger() == trigger && r.threshold() == threshold)
                .findFirst();
    }

    /**
     * These rewards with {@code reward} added, replacing the one at the same trigger and threshold.
     *
     * @throws IllegalArgumentException if that makes more than {@value #MAX_REWARDS}
     */
    public LevelRewards with(LevelReward reward) {
        Checks.notNull(reward, "reward");
        var out = new ArrayList<LevelReward>();
        for (LevelReward r : rewards) {
            if (r.trigger() != reward.trigger() || r.threshold() != reward.threshold()) {
                out.add(r);
            }
        }
        out.add(reward);
        return of(out);
    }

    /** These rewards without the one at that trigger and threshold (the same rewards if there is none). */
    public LevelRewards without(LevelReward.Trigger trigger, long threshold) {
        var out = new ArrayList<LevelReward>(rewards);
        out.removeIf(r -> r.trigger() == trigger && r.threshold() == threshold);
        return out.size() == rewards.size() ? this : of(out);
    }

    /** The rewarded roles a member with that level and all-time voice time should hold (see the class rule). */
    public Set<Long> earnedRoles(int level, long voiceTimeMs) {
        var out = new HashSet<Long>();
        for (int i = 0; i < rewards.size(); i++) {
            LevelReward r = rewards.get(i);
            if (!r.reachedBy(level, voiceTimeMs)) {
                continue;
            }
            boolean replaced = !r.stacks()
                    && i + 1 < rewards.size()
                    && rewards.get(i + 1).trigger() == r.trigger()
                    && rewards.get(i + 1).reachedBy(level, voiceTimeMs);
            if (!replaced) {
                out.addAll(r.roleIds());
            }
        }
        return Set.copyOf(out);
    }

    /**
     * What to change so that a member holding {@code heldRoles} holds exactly the rewarded roles it has
     * earned: the earned roles it lacks, and the managed roles it holds but has not earned.
     */
    public RoleChanges changesFor(Set<Long> heldRoles, int level, long voiceTimeMs) {
        Set<Long> earned = earnedRoles(level, voiceTimeMs);
        var add = new TreeSet<Long>(earned);
        add.removeAll(heldRoles);
        var remove = new TreeSet<Long>();
        for (long role : heldRoles) {
            if (managed.contains(role) && !earned.contains(role)) {
                remove.add(role);
            }
        }
        return new RoleChanges(add, remove);
    }

    /**
     * The roles newly earned by going from {@code oldLevel} to {@code newLevel} at that voice time, for
     * a level-up message.
     */
    public Set<Long> newlyEarned(int oldLevel, int newLevel, long voiceTimeMs) {
        var out = new TreeSet<Long>(earnedRoles(newLevel, voiceTimeMs));
        out.removeAll(earnedRoles(oldLevel, voiceTimeMs));
        return out;
    }

    /** The stored form: one {@link LevelReward#toStored()} string per reward, ascending. */
    public SortedSet<String> toStored() {
        var out = new TreeSet<String>();
        rewards.forEach(r -> out.add(r.toStored()));
        return out;
    }

    /**
     * Rewards from their stored form.
     *
     * @throws IllegalArgumentException naming the value if one is invalid
     */
    public static LevelRewards fromStored(Collection<String> stored) {
        Checks.notNull(stored, "rewards");
        var out = new ArrayList<LevelReward>(stored.size());
        stored.forEach(s -> out.add(LevelReward.parse(s)));
        return of(out);
    }

    /**
     * Role changes for one member, each set ascending.
     *
     * @param add the earned roles the member lacks
     * @param remove the rewarded roles the member holds but has not earned
     */
    public record RoleChanges(SortedSet<Long> add, SortedSet<Long> remove) {
        public RoleChanges {
            add = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(add));
            remove = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(remove));
        }

        public boolean isEmpty() {
            return add.isEmpty() && remove.isEmpty();
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LevelRewards other && rewards.equals(other.rewards);
    }

    @Override
    public int hashCode() {
        return rewards.hashCode();
    }

    @Override
    public String toString() {
        return "LevelRewards" + toStored();
    }
}
