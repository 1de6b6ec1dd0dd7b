package dev.voicetrack.jda;

import dev.voicetrack.jda.internal.DiscordText;
import java.util.Objects;
import java.util.Set;

/**
 * How one guild announces level-ups: not at all, in a text channel, or by a direct message to the member. The
 * template may use {@code {user}} (a mention), {@code {level}} (the new level) and {@code {xp}} (the member's
 * XP); it is validated when the announcement is created, so a bad template is refused when an admin sets it, not
 * when a member levels up. Immutable.
 *
 * @param mode where to announce
 * @param channelId the text channel for {@link Mode#CHANNEL}, else 0
 * @param template the message template
 */
public record LevelUpAnnouncement(Mode mode, long channelId, String template) {

    /** Where a level-up is announced. */
    public enum Mode {
        OFF,
        CHANNEL,
        DM
    }

    /** The template used when none is set. */
    public static final String DEFAULT_TEMPLATE = "{user} just reached **Level {level}**!";

    /** The longest template accepted (a Discord message holds 2000 characters, the placeholders grow). */
    public static final int MAX_TEMPLATE_LENGTH = 1500;

    /** The placeholders a template may use. */
    public static final Set<String> PLACEHOLDERS = Set.of("user", "level", "xp");

    /** No announcements (the default of every guild). */
    public static final LevelUpAnnouncement OFF = new LevelUpAnnouncement(Mode.OFF, 0, DEFAULT_TEMPLATE);

    /**
     * Validates.
     *
     * @throws IllegalArgumentException naming the field and the value if the channel does not fit the mode or the
     *     template is blank, too long, has an unknown placeholder or an unbalanced brace
     */
    public LevelUpAnnouncement {
        Objects.requireNonNull(mode, "mode must not be null");
        Objects.requireNonNull(template, "template must not be null");
        if (mode == Mode.CHANNEL && channelId <= 0) {
            throw new IllegalArgumentException("channelId must be a channel id for mode CHANNEL, was " + channelId);
        }
        if (mode != Mode.CHANNEL && channelId != 0) {
            throw new IllegalArgumentException("channelId must be 0 for mode " + mode + ", was " + channelId);
        }
        validateTemplate(template);
    }

    /** Announcements in a text channel. */
    public static LevelUpAnnouncement inChannel(long channelId, String template) {
        return new LevelUpAnnouncement(Mode.CHANNEL, channelId, template);
    }

    /** Announcements by direct message. */
    public static LevelUpAnnouncement byDirectMessage(String template) {
        return new LevelUpAnnouncement(Mode.DM, 0, template);
    }

    /**
     * The message for one level-up.
     *
     * @param userId the member (rendered as a mention)
     * @return the text, cut to {@link #MAX_MESSAGE_LENGTH} characters if the placeholders made it longer
     */
    public String render(long userId, int level, long xp) {
        String text = template.replace("{user}", "<@" + userId + ">")
                .replace("{level}", Integer.toString(level))
                .replace("{xp}", String.format(java.util.Locale.ROOT, "%,d", xp));
        return DiscordText.fitMessage(text);
    }

    /** Discord's (and JDA's) limit for a message's content, in UTF-16 characters. */
    public static final int MAX_MESSAGE_LENGTH = DiscordText.MAX_MESSAGE_LENGTH;

    /**
     * Checks a template.
     *
     * @throws IllegalArgumentException naming the template and what is wrong with it
     */
    public static void validateTemplate(String template) {
        Objects.requireNonNull(template, "template must not be null");
        if (template.isBlank()) {
            throw new IllegalArgumentException("template must not be blank, was '" + template + "'");
        }
        if (template.length() > MAX_TEMPLATE_LENGTH) {
            throw new IllegalArgumentException(
                    "template must be at most " + MAX_TEMPLATE_LENGTH + " characters, was " + template.length());
        }
        int i = 0;
        while (i < template.length()) {
            char c = template.charAt(i);
            if (c == '}') {
                throw new IllegalArgumentException(
                        "template has a '}' without '{' at index " + i + ", was '" + template + "'");
            }
            if (c == '{') {
                int end = template.indexOf('}', i);
                if (end < 0) {
                    throw new IllegalArgumentException(
                            "template has a '{' without '}' at index " + i + ", was '" + template + "'");
                }
                String name = template.substring(i + 1, end);
                if (!PLACEHOLDERS.contains(name)) {
                    throw new IllegalArgumentException(
                            "template placeholder must be one of {user}, {level}, {xp}, was '{" + name + "}'");
                }
                i = end + 1;
            } else {
                i++;
            }
        }
    }
}
