package dev.voicetrack.jda.internal;

import java.util.List;

/** Test access to the options {@code /config set} accepts. */
public final class ConfigOptionsAccess {
    private ConfigOptionsAccess() {}

    public static List<String> options() {
        return CommandDefinitions.CONFIG_OPTIONS;
    }
}
