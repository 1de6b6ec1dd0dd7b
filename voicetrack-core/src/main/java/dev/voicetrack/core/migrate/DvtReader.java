package dev.voicetrack.core.migrate;

import java.util.function.Consumer;

/**
 * Reads a discord-vc-tracker store, one guild at a time, without changing it. Implementations:
 * {@code DvtJsonReader} (voicetrack-storage-json), {@code DvtSqliteReader} (voicetrack-storage-jdbc),
 * {@code DvtMongoReader} (voicetrack-storage-mongo). {@link DvtImport#source} turns one into an
 * {@link ImportSource}.
 */
public interface DvtReader extends AutoCloseable {

    /** What is read, for messages ({@code "dvt-sqlite:/data/voice-tracker.db"}). */
    String describe();

    /**
     * Hands every guild of the store to {@code guilds}, in a stable order; may be called again.
     *
     * @throws ImportException if the store is corrupt or cannot be read, naming the file (or
     *     collection) and the position
     */
    void read(Consumer<DvtGuildData> guilds);

    @Override
    default void close() {}
}
