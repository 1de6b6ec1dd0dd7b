package dev.voicetrack.jda.internal;

import dev.voicetrack.core.TrackerListener;
import dev.voicetrack.jda.AnnouncementStore;
import dev.voicetrack.jda.LevelUpAnnouncement;
import java.util.EnumSet;
import net.dv8tion.jda.api.entities.Guild;
import net.dv8tion.jda.api.entities.Message;
import net.dv8tion.jda.api.entities.channel.middleman.GuildMessageChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Announces level-ups as each guild's {@link LevelUpAnnouncement} says. Runs on the tracker's listener thread;
 * sending is queued (asynchronous), so a slow Discord never holds that thread. Only the member is pinged.
 */
final class LevelUpAnnouncer implements TrackerListener {
    private static final Logger LOG = LoggerFactory.getLogger(LevelUpAnnouncer.class);

    private final Gateways gateways;
    private final AnnouncementStore store;

    LevelUpAnnouncer(Gateways gateways, AnnouncementStore store) {
        this.gateways = gateways;
        this.store = store;
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
        String text = a.render(event.userId(), event.newLevel(), event.xp());
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
            channel.sendMessage(text)
                    .setAllowedMentions(mentions)
                    .queue(null, e -> LOG.warn("could not announce a level-up in guild {}", event.guildId(), e));
        } else {
            guild.getJDA()
                    .openPrivateChannelById(event.userId())
                    .flatMap(dm -> dm.sendMessage(text).setAllowedMentions(mentions))
                    .queue(null, e -> LOG.debug("could not DM user {} a level-up", event.userId(), e));
        }
    }
}
