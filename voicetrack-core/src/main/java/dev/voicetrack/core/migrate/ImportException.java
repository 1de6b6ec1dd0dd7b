package dev.voicetrack.core.migrate;

import dev.voicetrack.core.VoiceTrackException;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * An import could not go on: the source is corrupt or unreadable (then nothing was written), or a
 * guild's write failed (then that guild was left as it was, the guilds before it are imported, and
 * {@link #resumeFrom()} names the guild to pass to {@link Importer#resumeFrom} to finish the job).
 */
public class ImportException extends VoiceTrackException {
    private static final long serialVersionUID = 1L;

    private final @Nullable String resumeFrom;

    public ImportException(String message) {
        this(message, null, null);
    }

    public ImportException(String message, @Nullable Throwable cause) {
        this(message, null, cause);
    }

    public ImportException(String message, @Nullable String resumeFrom, @Nullable Throwable cause) {
        super(message, cause);
        this.resumeFrom = resumeFrom;
    }

    /** The source guild id to resume from, if guilds were already written when the import failed. */
    public Optional<String> resumeFrom() {
        return Optional.ofNullable(resumeFrom);
    }
}
