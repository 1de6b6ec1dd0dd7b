package dev.voicetrack.jda.internal;

import dev.voicetrack.jda.AnnouncementStore;
import dev.voicetrack.jda.LevelUpAnnouncement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import net.dv8tion.jda.api.entities.Guild;
import net.dv8tion.jda.api.entities.Role;
import net.dv8tion.jda.api.entities.channel.middleman.GuildMessageChannel;
import net.dv8tion.jda.api.utils.MarkdownSanitizer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reward roles VoiceTrack cannot give or take (deleted, above its highest role, Manage Roles missing): each is
 * marked broken with its reason, logged, listed by {@code /rewards list} and reported once, when it breaks, to the
 * guild's admins. A mark stays until a change of that role succeeds again; the reward itself is kept. Marks live in
 * memory: after a restart a role still broken is reported once more. Thread safe.
 *
 * <h2>Where the report goes</h2>
 *
 * Roles found broken during one sync are collected and sent as one message when the sync ends ({@link #report}), so
 * a missing Manage Roles permission, which breaks every reward role at once, is one message, not one per role. It
 * goes to the first of these that VoiceTrack can write to:
 *
 * <ol>
 *   <li>the level-up announcement channel, when the guild announces in a channel (the admins chose it for
 *       VoiceTrack's messages);
 *   <li>the channel where {@code /rewards} was last used in the guild since VoiceTrack started (an admin configuring
 *       rewards reads there; often a staff channel);
 *   <li>the guild's system channel (where Discord itself posts, which every server owner knows);
 *   <li>a direct message to the guild's owner, who can always fix roles and permissions.
 * </ol>
 *
 * A channel that is gone or that VoiceTrack cannot write to is skipped; a send Discord refuses falls through to the
 * next. A report that reaches nobody (the owner does not accept DMs either) is only in the log and in {@code /rewards
 * list}.
 */
final class RewardProblems {
    private static final Logger LOG = LoggerFactory.getLogger(RewardProblems.class);

    /**
     * Why a role is broken.
     *
     * @param reason what an admin reads
     * @param fromDiscord true when Discord refused a change that VoiceTrack's own checks allowed (so only a guild
     *     sync tries the role again), false when VoiceTrack's checks found the problem (they run before every
     *     change, so fixing it is noticed at once)
     */
    record Mark(String reason, boolean fromDiscord) {}

    /** A newly broken role waiting for {@link #report}. */
    private record Pending(long roleId, String roleName, String reason) {}

    private final Map<Long, Map<Long, Mark>> marks = new ConcurrentHashMap<>();
    private final Map<Long, List<Pending>> pending = new ConcurrentHashMap<>();
    private final Map<Long, Long> rewardsCommandChannels = new ConcurrentHashMap<>();
    private final AnnouncementStore announcements;

    RewardProblems(AnnouncementStore announcements) {
        this.announcements = announcements;
    }

    /** The guild's broken roles and why. */
    Map<Long, Mark> of(long guildId) {
        return Map.copyOf(marks.getOrDefault(guildId, Map.of()));
    }

    @Nullable
    Mark get(long guildId, long roleId) {
        return marks.getOrDefault(guildId, Map.of()).get(roleId);
    }

    /** Remembers where an admin last used {@code /rewards} in the guild: a place to report problems to. */
    void rewardsCommandUsed(long guildId, long channelId) {
        rewardsCommandChannels.put(guildId, channelId);
    }

    /** Marks the role broken; if it was not broken already, logs it and queues it for the guild's next report. */
    void broken(Guild guild, long roleId, String reason, boolean fromDiscord) {
        Mark previous = marks.computeIfAbsent(guild.getIdLong(), g -> new ConcurrentHashMap<>())
                .put(roleId, new Mark(reason, fromDiscord));
        if (previous != null) {
            return;
        }
        LOG.warn("level reward role {} of guild {} cannot be given or taken: {}", roleId, guild.getId(), reason);
        Role role = guild.getRoleById(roleId);
        Pending p = new Pending(roleId, role == null ? "" : role.getName(), reason);
        pending.compute(guild.getIdLong(), (g, list) -> {
            List<Pending> out = list == null ? new ArrayList<>() : list;
            out.add(p);
            return out;
        });
    }

    /** A change of the role succeeded: it is no longer broken. */
    void fixed(long guildId, long roleId) {
        Map<Long, Mark> guild = marks.get(guildId);
        if (guild != null && guild.remove(roleId) != null) {
            LOG.info("level reward role {} of guild {} works again", roleId, guildId);
        }
    }

    /**
     * Sends the roles found broken since the last report to the guild's admins, in one message (see the class
     * comment for where). Asynchronous: returns once the first send is queued.
     *
     * @param guild the guild, or null if VoiceTrack no longer sees it (the queued roles are then dropped; they were
     *     logged)
     */
    void report(long guildId, @Nullable Guild guild) {
        List<Pending> roles = pending.remove(guildId);
        if (roles == null || roles.isEmpty() || guild == null) {
            return;
        }
        List<GuildMessageChannel> channels = new ArrayList<>();
        LevelUpAnnouncement a = announcements.get(guildId);
        if (a.mode() == LevelUpAnnouncement.Mode.CHANNEL) {
            addChannel(channels, guild.getChannelById(GuildMessageChannel.class, a.channelId()));
        }
        Long used = rewardsCommandChannels.get(guildId);
        if (used != null) {
            addChannel(channels, guild.getChannelById(GuildMessageChannel.class, used));
        }
        addChannel(channels, guild.getSystemChannel());
        send(guild, roles, channels, 0);
    }

    private static void addChannel(List<GuildMessageChannel> channels, @Nullable GuildMessageChannel channel) {
        if (channel != null && channel.canTalk() && !channels.contains(channel)) {
            channels.add(channel);
        }
    }

    /** Sends to {@code channels[i]}, falling through to the next on failure and to the owner's DMs after the last. */
    private static void send(Guild guild, List<Pending> roles, List<GuildMessageChannel> channels, int i) {
        if (i < channels.size()) {
            GuildMessageChannel channel = channels.get(i);
            Consumer<Throwable> next = e -> {
                LOG.debug(
                        "could not report broken rewards in channel {} of guild {}", channel.getId(), guild.getId(), e);
                send(guild, roles, channels, i + 1);
            };
            channel.sendMessage(DiscordText.fitMessage(channelText(roles)))
                    .setAllowedMentions(List.of()) // names the roles without pinging them
                    .queue(null, next);
            return;
        }
        guild.getJDA()
                .openPrivateChannelById(guild.getOwnerIdLong())
                .flatMap(dm -> dm.sendMessage(DiscordText.fitMessage(ownerText(guild, roles)))
                        .setAllowedMentions(List.of()))
                .queue(
                        null,
                        e -> LOG.warn(
                                "could not report broken level rewards of guild {} to anyone: no writable channel, and its"
                                        + " owner {} accepts no direct message",
                                guild.getId(),
                                guild.getOwnerId(),
                                e));
    }

    /** In a guild channel roles are mentions, shown with their names and colours. */
    static String channelText(List<Pending> roles) {
        StringBuilder text = new StringBuilder();
        if (roles.size() == 1) {
            Pending p = roles.get(0);
            text.append("⚠️ VoiceTrack cannot give or take the level reward role <@&")
                    .append(p.roleId())
                    .append(">: ")
                    .append(p.reason())
                    .append(". The reward is kept and marked broken until this is fixed (see /rewards list).");
        } else {
            text.append("⚠️ VoiceTrack cannot give or take these level reward roles:\n");
            roles.forEach(p -> text.append("• <@&")
                    .append(p.roleId())
                    .append(">: ")
                    .append(p.reason())
                    .append('\n'));
            text.append("The rewards are kept and marked broken until this is fixed (see /rewards list).");
        }
        return text.toString();
    }

    /** In a DM a role mention shows as "@deleted-role", so roles are named, with the guild. */
    static String ownerText(Guild guild, List<Pending> roles) {
        StringBuilder text = new StringBuilder("⚠️ In your server **")
                .append(MarkdownSanitizer.escape(guild.getName()))
                .append("**, VoiceTrack cannot give or take ")
                .append(roles.size() == 1 ? "this level reward role" : "these level reward roles")
                .append(" (no channel there lets VoiceTrack tell the admins):\n");
        roles.forEach(p -> text.append("• ")
                .append(
                        p.roleName().isEmpty()
                                ? "role " + p.roleId()
                                : "**" + MarkdownSanitizer.escape(p.roleName()) + "**")
                .append(": ")
                .append(p.reason())
                .append('\n'));
        text.append(roles.size() == 1 ? "The reward is" : "The rewards are")
                .append(" kept and marked broken until this is fixed (see /rewards list).");
        return text.toString();
    }
}
