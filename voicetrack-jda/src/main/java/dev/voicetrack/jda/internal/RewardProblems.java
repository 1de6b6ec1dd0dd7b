package dev.voicetrack.jda.internal;

import dev.voicetrack.jda.AnnouncementStore;
import dev.voicetrack.jda.LevelUpAnnouncement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import net.dv8tion.jda.api.entities.Guild;
import net.dv8tion.jda.api.entities.channel.middleman.GuildMessageChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reward roles VoiceTrack cannot give or take (deleted, above its highest role, Manage Roles missing): each is
 * marked broken with its reason and reported once, when it breaks, to the log and to the guild's admins (in the
 * level-up announcement channel when one is set). A mark stays until a change of that role succeeds again; the
 * reward itself is kept. Thread safe.
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

    private final Map<Long, Map<Long, Mark>> marks = new ConcurrentHashMap<>();
    private final AnnouncementStore announcements;

    RewardProblems(AnnouncementStore announcements) {
        this.announcements = announcements;
    }

    /** The guild's broken roles and why. */
    Map<Long, Mark> of(long guildId) {
        return Map.copyOf(marks.getOrDefault(guildId, Map.of()));
    }

    Mark get(long guildId, long roleId) {
        return marks.getOrDefault(guildId, Map.of()).get(roleId);
    }

    /** Marks the role broken; reports it only if it was not broken already. */
    void broken(Guild guild, long roleId, String reason, boolean fromDiscord) {
        Mark previous = marks.computeIfAbsent(guild.getIdLong(), g -> new ConcurrentHashMap<>())
                .put(roleId, new Mark(reason, fromDiscord));
        if (previous != null) {
            return;
        }
        LOG.warn("level reward role {} of guild {} cannot be given or taken: {}", roleId, guild.getId(), reason);
        LevelUpAnnouncement a = announcements.get(guild.getIdLong());
        if (a.mode() != LevelUpAnnouncement.Mode.CHANNEL) {
            return;
        }
        GuildMessageChannel channel = guild.getChannelById(GuildMessageChannel.class, a.channelId());
        if (channel != null && channel.canTalk()) {
            channel.sendMessage("⚠️ VoiceTrack cannot give or take the level reward role <@&" + roleId + ">: "
                            + reason + ". The reward is kept and marked broken until this is fixed (see /rewards"
                            + " list).")
                    .setAllowedMentions(List.of()) // names the role without pinging it
                    .queue(null, e -> LOG.debug("could not report a broken reward in guild {}", guild.getId(), e));
        }
    }

    /** A change of the role succeeded: it is no longer broken. */
    void fixed(long guildId, long roleId) {
        Map<Long, Mark> guild = marks.get(guildId);
        if (guild != null && guild.remove(roleId) != null) {
            LOG.info("level reward role {} of guild {} works again", roleId, guildId);
        }
    }
}
