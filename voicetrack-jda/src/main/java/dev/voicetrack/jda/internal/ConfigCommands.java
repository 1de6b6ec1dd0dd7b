package dev.voicetrack.jda.internal;

import static dev.voicetrack.jda.internal.Replies.done;
import static dev.voicetrack.jda.internal.Replies.guildId;
import static dev.voicetrack.jda.internal.Replies.string;
import static dev.voicetrack.jda.internal.Replies.stringOrNull;

import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.VoiceTimeConfig;
import dev.voicetrack.core.VoiceTracker;
import dev.voicetrack.core.XpConfig;
import dev.voicetrack.jda.AnnouncementStore;
import dev.voicetrack.jda.LevelUpAnnouncement;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import net.dv8tion.jda.api.entities.channel.ChannelType;
import net.dv8tion.jda.api.entities.channel.unions.GuildChannelUnion;
import net.dv8tion.jda.api.events.interaction.command.SlashCommandInteractionEvent;
import net.dv8tion.jda.api.interactions.commands.OptionMapping;
import org.jspecify.annotations.Nullable;

/**
 * {@code /config show}, {@code /config set <option> <value>} and {@code /config levelup}: the guild's tracking
 * options, stored through the tracker, and its level-up announcements, stored in the {@link AnnouncementStore}.
 */
final class ConfigCommands implements CommandGroup {
    private static final int SHOWN_IDS = 10;
    private static final int SHOWN_VALUE_CHARS = 200;

    private final VoiceTracker tracker;
    private final AnnouncementStore announcements;

    ConfigCommands(VoiceTracker tracker, AnnouncementStore announcements) {
        this.tracker = tracker;
        this.announcements = announcements;
    }

    @Override
    public List<SlashCommand> commands() {
        return List.of(SlashCommand.of(CommandDefinitions.CONFIG, e -> done(config(guildId(e), e))));
    }

    Reply config(long guildId, SlashCommandInteractionEvent event) {
        String sub = event.getSubcommandName();
        if ("set".equals(sub)) {
            return configSet(guildId, string(event, "option", ""), string(event, "value", ""));
        }
        if ("levelup".equals(sub)) {
            String mode = string(event, "mode", "off");
            GuildChannelUnion channel = event.getOption("channel", null, OptionMapping::getAsChannel);
            return configLevelUp(guildId, mode, channel, stringOrNull(event, "template"));
        }
        return configShow(guildId);
    }

    // ---- /config show ----

    Reply configShow(long guildId) {
        GuildConfig c = tracker.config(guildId);
        LevelUpAnnouncement a = announcements.get(guildId);
        XpConfig x = c.xpConfig();
        VoiceTimeConfig v = c.voiceTimeConfig();
        String text = "**Tracking options**\n"
                + "trackBots: " + c.trackBots() + "\n"
                + "trackAllChannels: " + c.trackAllChannels() + "\n"
                + "channelIds: " + ids(c.channelIds()) + "\n"
                + "trackMuted: " + c.trackMuted() + "\n"
                + "trackDeafened: " + c.trackDeafened() + "\n"
                + "minUsersToTrack: " + c.minUsersToTrack() + "\n"
                + "maxUsersToTrack: " + c.maxUsersToTrack() + "\n"
                + "exemptPermissions: " + names(c.exemptPermissions()) + "\n"
                + "xpStrategy: " + c.xpStrategy() + "\n"
                + "xpPerCheck: " + orDefault(x.baseAmount()) + "\n"
                + "xpConfig.roles: " + roles(x.roles()) + "\n"
                + "xpConfig.boosterMultiplier: " + orDefault(x.boosterMultiplier()) + "\n"
                + "xpConfig.minXP: " + orDefault(x.minXP()) + "\n"
                + "xpConfig.maxXP: " + orDefault(x.maxXP()) + "\n"
                + "voiceTimeStrategy: " + c.voiceTimeStrategy() + "\n"
                + "voiceTimeConfig.baseAmount: " + orDefault(v.baseAmount()) + "\n"
                + "voiceTimeConfig.multiplier: " + orDefault(v.multiplier()) + "\n"
                + "levelMultiplierStrategy: " + c.levelMultiplierStrategy() + "\n"
                + "levelMultiplierConfig.baseMultiplier: "
                + orDefault(c.levelMultiplierConfig().baseMultiplier()) + "\n"
                + "enableLeveling: " + c.enableLeveling() + "\n"
                + "enableVoiceTime: " + c.enableVoiceTime() + "\n"
                + "excludedChannelIds: " + ids(c.excludedChannelIds()) + "\n"
                + "noXpRoleIds: " + ids(c.noXpRoleIds()) + "\n"
                + "noXpChannelIds: " + ids(c.noXpChannelIds()) + "\n"
                + "botsCountAsCompany: " + c.botsCountAsCompany() + "\n"
                + "mutedCountAsCompany: " + c.mutedCountAsCompany() + "\n"
                + "messageXp: " + c.messageXp() + "\n"
                + "messageXpCooldownSeconds: " + c.messageXpCooldown().toSeconds() + "\n"
                + "timeZone: " + c.timeZone() + "\n"
                + "publicDashboard: " + c.publicDashboard() + "\n"
                + "**Level-up announcements**\n"
                + "mode: " + a.mode().name().toLowerCase(Locale.ROOT)
                + (a.mode() == LevelUpAnnouncement.Mode.CHANNEL ? " in <#" + a.channelId() + ">" : "") + "\n"
                + "template: " + a.template();
        return Reply.text(text, true);
    }

    /** At most {@value #SHOWN_IDS} ids, so that {@code /config show} stays under Discord's 2,000 characters. */
    private static String ids(Set<Long> ids) {
        if (ids.isEmpty()) {
            return "none";
        }
        String shown =
                ids.stream().sorted().limit(SHOWN_IDS).map(String::valueOf).collect(Collectors.joining(", "));
        return ids.size() <= SHOWN_IDS ? shown : shown + " … (" + ids.size() + " in all)";
    }

    private static String names(Set<String> names) {
        return names.isEmpty() ? "none" : names.stream().sorted().collect(Collectors.joining(", "));
    }

    private static String roles(Map<Long, Long> roles) {
        return roles.isEmpty()
                ? "none"
                : roles.entrySet().stream()
                        .map(e -> e.getKey() + ":" + e.getValue())
                        .collect(Collectors.joining(", "));
    }

    private static String orDefault(@Nullable Object value) {
        return value == null ? "strategy default" : value.toString();
    }

    // ---- /config set ----

    /**
     * Sets one option of the guild's config: {@link ConfigValues#set} parses and checks it, the same rules the
     * admin console applies.
     */
    Reply configSet(long guildId, String option, String value) {
        tracker.updateConfig(guildId, ConfigValues.set(tracker.config(guildId), option, value));
        String v = value.trim();
        String shown = v.length() <= SHOWN_VALUE_CHARS ? v : v.substring(0, SHOWN_VALUE_CHARS) + "…";
        return Reply.text("✅ Set " + option + " to " + shown + ".", true);
    }

    // ---- /config levelup ----

    Reply configLevelUp(
            long guildId, String mode, @Nullable GuildChannelUnion channel, @Nullable String templateOrNull) {
        String template = templateOrNull == null ? announcements.get(guildId).template() : templateOrNull;
        LevelUpAnnouncement a;
        switch (mode) {
            case "off" -> a = new LevelUpAnnouncement(LevelUpAnnouncement.Mode.OFF, 0, template);
            case "dm" -> a = LevelUpAnnouncement.byDirectMessage(template);
            case "channel" -> {
                if (channel == null) {
                    throw new IllegalArgumentException("channel is required for mode channel, was not given");
                }
                if (channel.getType() != ChannelType.TEXT && channel.getType() != ChannelType.NEWS) {
                    throw new IllegalArgumentException("channel must be a text channel, was " + channel.getName() + " ("
                            + channel.getType() + ")");
                }
                a = LevelUpAnnouncement.inChannel(channel.getIdLong(), template);
            }
            default -> throw new IllegalArgumentException("mode must be off, channel or dm, was '" + mode + "'");
        }
        announcements.put(guildId, a);
        return Reply.text(
                "✅ Level-up announcements: " + mode
                        + (a.mode() == LevelUpAnnouncement.Mode.CHANNEL ? " in <#" + a.channelId() + ">" : "")
                        + ", template: " + a.template(),
                true);
    }
}
