package dev.voicetrack.core.migrate;

import dev.voicetrack.core.storage.GuildSnapshot;
import org.jspecify.annotations.Nullable;

/**
 * Where an {@link Importer} reads from: a source that hands over one guild at a time, already in
 * VoiceTrack's shape, with a note for everything it skipped or changed. {@link DvtImport#source}
 * makes one of a discord-vc-tracker reader.
 *
 * <p>{@link #read} may be called more than once (the importer reads the whole source once to check
 * it before it writes anything) and must hand over the same guilds in the same order each time.
 */
public interface ImportSource extends AutoCloseable {

    /** Receives the guilds and notes of one read. */
    interface Sink {
        /**
         * One guild of the source.
         *
         * @param sourceGuildId the guild id as the source spells it (what {@link Importer#resumeFrom} takes)
         * @param snapshot the guild's data, or null if none of it can be imported (the notes say why)
         */
        void guild(String sourceGuildId, @Nullable GuildSnapshot snapshot);

        void note(ImportNote note);
    }

    /** What the source is, for messages ({@code "dvt-json:/data"}). */
    String describe();

    /**
     * Reads every guild, in a stable order.
     *
     * @throws ImportException if the source is corrupt or cannot be read, naming the file and the
     *     position
     */
    void read(Sink sink);

    /** Releases what the source holds open. Default: nothing. */
    @Override
    default void close() {}
}
