package dev.voicetrack.bot;

/**
 * A setting is missing or invalid. The message names the setting and the value (secrets masked), and
 * says how to fix it; the launcher prints it and exits with status 2 before anything is written.
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}
