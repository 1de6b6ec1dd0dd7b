package dev.voicetrack.core.migrate;

import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What an {@link Importer} run did: the counts imported (or, for a dry run, that would be imported),
 * and the notes: every record skipped or changed and every inconsistency of the source that was kept.
 * The first {@link Importer#KEPT_NOTES} notes are kept here; {@link #noteCounts()} counts them all, and
 * {@link Importer#onNote} sees every one.
 *
 * @param source what was read ({@link ImportSource#describe()})
 * @param dryRun true if nothing was written
 * @param guilds guilds imported
 * @param members members imported
 * @param channels per-member channel entries imported
 * @param sessions sessions imported
 * @param guildsBeforeResume guilds passed over because they came before {@link Importer#resumeFrom}
 * @param noteCounts every note, counted by kind (every kind present, 0 if none)
 * @param notes the first notes, in the order found
 */
public record ImportReport(
        String source,
        boolean dryRun,
        int guilds,
        long members,
        long channels,
        long sessions,
        int guildsBeforeResume,
        Map<ImportNote.Kind, Long> noteCounts,
        List<ImportNote> notes) {

    public ImportReport {
        Objects.requireNonNull(source, "source must not be null");
        var counts = new EnumMap<ImportNote.Kind, Long>(ImportNote.Kind.class);
        for (ImportNote.Kind k : ImportNote.Kind.values()) {
            counts.put(k, noteCounts.getOrDefault(k, 0L));
        }
        noteCounts = Map.copyOf(counts);
        notes = List.copyOf(notes);
    }

    /** Notes of one kind, over the whole run. */
    public long count(ImportNote.Kind kind) {
        return noteCounts.get(kind);
    }

    /** Every note over the whole run. */
    public long noteTotal() {
        return noteCounts.values().stream().mapToLong(Long::longValue).sum();
    }

    /** One line: {@code 2 guilds, 40 members, 55 channels, 310 sessions; 3 skipped, 2 changed, ...}. */
    public String summary() {
        return String.format(
                Locale.ROOT,
                "%s%d guilds, %,d members, %,d channels, %,d sessions; %d skipped, %d changed, %d inconsistent"
                        + " (kept), %d informational",
                dryRun ? "dry run, would import " : "",
                guilds,
                members,
                channels,
                sessions,
                count(ImportNote.Kind.SKIPPED),
                count(ImportNote.Kind.CHANGED),
                count(ImportNote.Kind.INCONSISTENT),
                count(ImportNote.Kind.INFO));
    }
}
