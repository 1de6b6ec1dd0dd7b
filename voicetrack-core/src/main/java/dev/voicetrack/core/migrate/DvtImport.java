package dev.voicetrack.core.migrate;

import dev.voicetrack.core.migrate.internal.DvtMapper;
import java.util.Objects;

/**
 * Imports from discord-vc-tracker: {@link #source} turns a {@link DvtReader} (its JSON files, SQLite
 * database or MongoDB database) into an {@link ImportSource} for the {@link Importer}.
 *
 * <p>What comes over: every guild option under the same name with the same effective behaviour
 * (values the original read differently are changed and reported), members' totals, XP, level,
 * session counts, per-channel time, last seen and metadata, and the stored sessions, exactly as the
 * original reports them; where its own data is inconsistent its numbers are kept and listed. What
 * has no VoiceTrack counterpart (guild {@code extraData}, per-channel {@code lastActivity}, the
 * sessions' {@code wasMuted}/{@code wasDeafened}) is listed in the report. The original keeps no
 * daily history, so period leaderboards count from the import on.
 */
public final class DvtImport {
    private DvtImport() {}

    /** A source reading {@code reader}; closing the source closes the reader. */
    public static ImportSource source(DvtReader reader) {
        Objects.requireNonNull(reader, "reader must not be null");
        return new ImportSource() {
            @Override
            public String describe() {
                return reader.describe();
            }

            @Override
            public void read(Sink sink) {
                reader.read(guild -> sink.guild(guild.guildId(), DvtMapper.map(guild, sink::note)));
            }

            @Override
            public void close() {
                reader.close();
            }
        };
    }
}
