package dev.voicetrack.core.internal;

import dev.voicetrack.core.GuildConfig;

/**
 * Whether a member's time and XP count, under its guild's config: the bot, permission, mute and
 * deafen rules, the channel lists, the anti-AFK company bounds and the custom filters. Answers depend
 * on the member's current state and that of its channel, so the ledger accounts a channel up to the
 * instant before anything in it changes. Confined to the tracker lock (it reads member states).
 */
final class TrackingRules {
    private final Dispatcher dispatcher;

    TrackingRules(Dispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    /**
     * Filters and anti-AFK rules: whether a member's time and XP count now. A custom filter that
     * throws is reported and counts as "not tracked".
     */
    boolean tracked(MemberState m) {
        GuildConfig cfg = m.guild.config;
        if (!cfg.trackBots() && m.info.bot()) {
            return false;
        }
        if (!cfg.exemptPermissions().isEmpty()) {
            for (String p : m.info.permissions()) {
                if (cfg.exemptPermissions().contains(p)) {
                    return false;
                }
            }
        }
        if (!cfg.trackMuted() && m.flags.muted()) {
            return false;
        }
        if (!cfg.trackDeafened() && m.flags.deafened()) {
            return false;
        }
        long ch = m.channel.channelId;
        // isEmpty first: contains(long) boxes the id, once per member per tick otherwise
        if (!cfg.excludedChannelIds().isEmpty() && cfg.excludedChannelIds().contains(ch)) {
            return false;
        }
        if (!cfg.trackAllChannels() && !cfg.channelIds().contains(ch)) {
            return false;
        }
        if (cfg.minUsersToTrack() > 0 || cfg.maxUsersToTrack() > 0) {
            int company = m.channel.company();
            if (cfg.minUsersToTrack() > 0 && company < cfg.minUsersToTrack()) {
                return false;
            }
            if (cfg.maxUsersToTrack() > 0 && company > cfg.maxUsersToTrack()) {
                return false;
            }
        }
        if (!cfg.hasDefaultFilters()) {
            try {
                if (!cfg.memberFilter().test(m)) {
                    return false;
                }
                if (!cfg.channelFilter().test(m.guild.guildId, ch, m.channel.members.size())) {
                    return false;
                }
            } catch (RuntimeException e) {
                dispatcher.error("member or channel filter threw for user " + m.userId, e);
                return false;
            }
        }
        return true;
    }

    /** Whether a tracked member may earn XP where it is: no no-XP channel, no no-XP role. */
    static boolean xpAllowed(MemberState m) {
        GuildConfig cfg = m.guild.config;
        if (!cfg.noXpChannelIds().isEmpty() && cfg.noXpChannelIds().contains(m.channel.channelId)) {
            return false;
        }
        if (!cfg.noXpRoleIds().isEmpty()) {
            for (Long r : m.info.roleIds()) {
                if (cfg.noXpRoleIds().contains(r)) {
                    return false;
                }
            }
        }
        return true;
    }
}
