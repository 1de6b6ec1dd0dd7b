package dev.voicetrack.jda.internal;

import dev.voicetrack.core.LevelRewards;
import dev.voicetrack.core.TrackerListener;
import dev.voicetrack.jda.AnnouncementStore;
import dev.voicetrack.jda.LevelUpAnnouncement;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.LongFunction;
import net.dv8tion.jda.api.entities.Guild;
import net.dv8tion.jda.api.entities.Message;
import net.dv8tion.jda.api.entities.Role;
import net.dv8tion.jda.api.entities.channel.middleman.GuildMessageChannel;
import net.dv8tion.jda.api.utils.MarkdownSanitizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Announces level-ups as each guild's {@link LevelUpAnnouncement} says. Runs on the tracker's listener thread;
 * sending is queued (asynchronous), so a slow Discord never holds that thread. Only the member is pinged. When the
 * level-up earned level reward roles, the message names them after the template's text ("Reward: @Role"; the
 * role is shown, not pinged; in a direct message by name, as a role mention does not resolve there). A role known
 * to be broken (VoiceTrack cannot give it) is not named.
 */
final class LevelUpAnnouncer implements TrackerListener {
    private static final Logger LOG = LoggerFactory.getLogger(LevelUpAnnouncer.class);

    private final Gateways gateways;
    private final AnnouncementStore store;
    private final LongFunction<LevelRewards> rewards;
    private final BrokenRole broken;

    /** Whether VoiceTrack cannot give a role (see {@link RewardProblems}). */
    @FunctionalInterface
    interface BrokenRole {
        boolean test(long guildId, long roleId);
    }

    /**
     * @param rewards each guild's level rewards
     * @param broken the reward roles known to be broken, which the message does not claim as given
     */
    LevelUpAnnouncer(
            Gateways gateways, AnnouncementStore store, LongFunction<LevelRewards> rewards, BrokenRole broken) {
        this.gateways = gateways;
        this.store = store;
        this.rewards = rewards;
        this.broken = broken;
    }

    @Override
    public void levelUp(LevelUp event) {
        LevelUpAnnouncement a = store.get(event.guildId());
        if (a.mode() == LevelUpAnnouncement.Mode.OFF) {
            return;
        }
        Guild guild = gateways.guild(event.guildId());
        if (guild == null) {
            return;
        }
        Set<Long> earned =
                new LinkedHashSet<>(rewards.apply(event.guildId()).newlyEarned(event.oldLevel(), event.newLevel(), 0));
        earned.removeIf(roleId -> broken.test(event.guildId(), roleId));
        String text = a.render(event.userId(), event.newLevel(), event.xp())
                + (a.mode() == LevelUpAnnouncement.Mode.CHANNEL ? rewardText(earned) : rewardNames(guild, earned));
        EnumSet<Message.MentionType> mentions = EnumSet.of(Message.MentionType.USER);
        if (a.mode() == LevelUpAnnouncement.Mode.CHANNEL) {
            GuildMessageChannel channel = guild.getChannelById(GuildMessageChannel.class, a.channelId());
            if (channel == null || !channel.canTalk()) {
                LOG.warn(
                        "level-up announcement channel {} of guild {} is gone or not writable",
                        a.channelId(),
                        event.guildId());
                return;
            }
            channel.sendMessage(DiscordText.fitMessage(text))
                    .setAllowedMentions(mentions)
                    .queue(null, e -> LOG.warn("could not announce a level-up in guild {}", event.guildId(), e));
        } else {
            guild.getJDA()
                    .openPrivateChannelById(event.userId())
                    .flatMap(dm -> dm.sendMessage(DiscordText.fitMessage(text)).setAllowedMentions(mentions))
                    .queue(null, e -> LOG.debug("could not DM user {} a level-up", event.userId(), e));
        }
    }

    /**
     * " Reward: **A**, **B**" for a direct message, where a role mention would show as "@deleted-role" (Discord
     * resolves role mentions only inside their guild); a role VoiceTrack no longer sees is left out.
     */
    static String rewardNames(Guild guild, Set<Long> roles) {
        StringBuilder out = new StringBuilder();
        for (long id : roles) {
            Role role = guild.getRoleById(id);
            if (role != null) {
                out.append(out.length() == 0 ? " Reward: **" : ", **")
                        .append(MarkdownSanitizer.escape(role.getName()))
                        .append("**");
            }
        }
        return out.toString();
    }

    /** " Reward: @A @B" for the roles the level-up earned (voice-time rewards do not change with the level). */
    static String rewardText(Set<Long> roles) {
        if (roles.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder(" Reward:");
        roles.forEach(id -> out.append(" <@&").append(id).append('>'));
        return out.toString();
    }
}
