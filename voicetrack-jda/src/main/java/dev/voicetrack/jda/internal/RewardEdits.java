package dev.voicetrack.jda.internal;

import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.LevelReward;
import dev.voicetrack.core.LevelRewards;
import dev.voicetrack.core.VoiceTracker;
import dev.voicetrack.jda.RewardAdmin;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The rules of editing a guild's level rewards, in one place: {@code /rewards add|remove|sync} ({@link
 * RewardCommands}) and the bot's admin console (through {@link dev.voicetrack.jda.JdaInstallation#rewardAdmin()})
 * both call these, so both store the same rewards and refuse with the same messages.
 */
final class RewardEdits implements RewardAdmin {
    private final VoiceTracker tracker;
    private final RoleRewards rewards;

    RewardEdits(VoiceTracker tracker, RoleRewards rewards) {
        this.tracker = tracker;
        this.rewards = rewards;
    }

    @Override
    public LevelReward add(long guildId, LevelReward.Trigger trigger, long threshold, long roleId, boolean stacks) {
        GuildConfig config = tracker.config(guildId);
        LevelRewards current = config.levelRewards();
        Set<Long> roles = new HashSet<>();
        current.find(trigger, threshold).ifPresent(r -> roles.addAll(r.roleIds()));
        roles.add(roleId);
        LevelReward reward = new LevelReward(trigger, threshold, roles, stacks);
        tracker.updateConfig(
                guildId, config.toBuilder().levelRewards(current.with(reward)).build());
        rewards.requestGuild(guildId);
        return reward;
    }

    @Override
    public LevelReward remove(long guildId, LevelReward.Trigger trigger, long threshold, long roleId) {
        GuildConfig config = tracker.config(guildId);
        LevelRewards current = config.levelRewards();
        LevelReward reward = current.find(trigger, threshold)
                .orElseThrow(
                        () -> new IllegalArgumentException("there is no reward at " + trigger.key() + " " + threshold));
        LevelRewards next = current.without(trigger, threshold);
        if (roleId != 0 && reward.roleIds().size() > 1) {
            if (!reward.roleIds().contains(roleId)) {
                throw new IllegalArgumentException(
                        "the reward at " + trigger.key() + " " + threshold + " does not give role " + roleId);
            }
            Set<Long> roles = new HashSet<>(reward.roleIds());
            roles.remove(roleId);
            next = next.with(new LevelReward(trigger, threshold, roles, reward.stacks()));
        }
        tracker.updateConfig(guildId, config.toBuilder().levelRewards(next).build());
        return reward;
    }

    @Override
    public Map<Long, String> brokenRoles(long guildId) {
        return reasons(rewards.problems().of(guildId));
    }

    @Override
    public CompletableFuture<SyncReport> sync(long guildId) {
        return rewards.requestGuild(guildId)
                .thenApply(r -> new SyncReport(r.members(), r.added(), r.removed(), reasons(r.broken())));
    }

    private static Map<Long, String> reasons(Map<Long, RewardProblems.Mark> marks) {
        Map<Long, String> out = new LinkedHashMap<>();
        marks.forEach((role, mark) -> out.put(role, mark.reason()));
        return out;
    }
}
