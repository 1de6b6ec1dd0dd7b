package dev.voicetrack.jda;

import dev.voicetrack.core.LevelReward;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The guild's level role rewards as {@code /rewards} edits them, for other front ends (the VoiceTrack bot's admin
 * console): the same rules, the same messages, the same sync. Rewards are stored in the guild's config through the
 * tracker, so on every backend. Thread safe; {@link #add} and {@link #remove} read and write storage on the calling
 * thread.
 */
public interface RewardAdmin {

    /**
     * Adds {@code roleId} to the reward at that threshold (creating the reward) with the given mode, stores it and
     * requests a sync of the guild's members.
     *
     * @return the reward as stored
     * @throws IllegalArgumentException naming the value if the threshold or role is invalid or the guild would have
     *     too many rewards
     */
    LevelReward add(long guildId, LevelReward.Trigger trigger, long threshold, long roleId, boolean stacks);

    /**
     * Removes one role from the reward at that threshold, or the whole reward when {@code roleId} is 0 or the
     * reward gives no other role. Members keep the roles already given.
     *
     * @return the reward as it was before
     * @throws IllegalArgumentException if there is no reward at that threshold, or it does not give {@code roleId}
     */
    LevelReward remove(long guildId, LevelReward.Trigger trigger, long threshold, long roleId);

    /**
     * The guild's reward roles VoiceTrack cannot give or take now (deleted, above its highest role, Manage Roles
     * missing), with the reason an admin reads; what {@code /rewards list} marks as broken.
     */
    Map<Long, String> brokenRoles(long guildId);

    /**
     * Gives and takes roles so every member of the guild matches its rewards, as {@code /rewards sync} does. A
     * large guild takes a while at Discord's rate limits; the future completes when the sync has run.
     */
    CompletableFuture<SyncReport> sync(long guildId);

    /**
     * What a sync did.
     *
     * @param members members looked at
     * @param added roles given
     * @param removed roles taken
     * @param broken the broken roles after the sync, see {@link #brokenRoles}
     */
    record SyncReport(int members, int added, int removed, Map<Long, String> broken) {
        public SyncReport {
            broken = Map.copyOf(broken);
        }
    }
}
