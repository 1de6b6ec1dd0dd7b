package dev.voicetrack.core.migrate;

import java.util.Objects;

/**
 * One thing an import did not copy as it was, or found and kept: a line of the {@link ImportReport}.
 *
 * @param kind what happened
 * @param guildId the guild, as the source names it
 * @param record the record concerned ({@code "user 123"}, {@code "session 17-123"}, {@code
 *     "config.xpConfig.baseAmount"}, {@code "guild"})
 * @param why the reason, with the values concerned
 */
public record ImportNote(Kind kind, String guildId, String record, String why) {

    /** What happened to a record. */
    public enum Kind {
        /** Not imported. */
        SKIPPED,
        /** Imported with a different value, to keep the original's effective behaviour or fit the target. */
        CHANGED,
        /** The source's own data disagrees with itself; its numbers were kept as they are. */
        INCONSISTENT,
        /** Imported as it is; worth knowing. */
        INFO
    }

    public ImportNote {
        Objects.requireNonNull(kind, "kind must not be null");
        Objects.requireNonNull(guildId, "guildId must not be null");
        Objects.requireNonNull(record, "record must not be null");
        Objects.requireNonNull(why, "why must not be null");
    }

    @Override
    public String toString() {
        return kind + " guild " + guildId + " " + record + ": " + why;
    }
}
