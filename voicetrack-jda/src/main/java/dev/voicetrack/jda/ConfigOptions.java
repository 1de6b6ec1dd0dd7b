package dev.voicetrack.jda;

import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.jda.internal.ConfigValues;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The guild options {@code /config set} takes, for other front ends that edit them (the VoiceTrack bot's admin
 * console): the same option names, the same parsing and the same error messages, because they are the same code.
 * A second copy of the rules would drift, and an admin would read one message in Discord and another on the web.
 * Stateless and thread safe.
 */
public final class ConfigOptions {
    private ConfigOptions() {}

    /**
     * The option names {@code /config set} accepts, in the order {@code /config show} lists them: every stored
     * option of {@link GuildConfig} (nested ones under dotted names such as {@code xpConfig.minXP}), plus {@code
     * xpPerCheck} (an alias of {@code xpConfig.baseAmount}) and {@code messageXpCooldownSeconds}.
     */
    public static List<String> names() {
        return ConfigValues.options();
    }

    /**
     * Every option of {@code config} as the text {@link #set} takes back ({@code none} for an empty set or an unset
     * value), by name, in {@link #names()}'s order without the {@code xpPerCheck} alias: what a form shows, so that
     * saving a field left as it was changes nothing.
     */
    public static Map<String, String> values(GuildConfig config) {
        return ConfigValues.texts(Objects.requireNonNull(config, "config must not be null"));
    }

    /**
     * {@code current} with one option set from its text, exactly as {@code /config set <option> <value>} sets it:
     * {@code true}/{@code false}, whole numbers, decimals, ids separated by commas or spaces (mentions taken as
     * ids), {@code none} for an empty set or an unset value. Nothing is stored: hand the result to {@link
     * dev.voicetrack.core.VoiceTracker#updateConfig}.
     *
     * @throws IllegalArgumentException naming the option and the value, with {@code /config set}'s message, if the
     *     option is unknown or the value invalid
     */
    public static GuildConfig set(GuildConfig current, String option, String value) {
        Objects.requireNonNull(current, "current must not be null");
        return ConfigValues.set(
                current, Objects.requireNonNull(option, "option"), Objects.requireNonNull(value, "value"));
    }
}
