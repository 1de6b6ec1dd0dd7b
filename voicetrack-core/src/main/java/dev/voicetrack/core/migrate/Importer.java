package dev.voicetrack.core.migrate;

import dev.voicetrack.core.MemberStats;
import dev.voicetrack.core.storage.GuildSnapshot;
import dev.voicetrack.core.storage.Storage;
import dev.voicetrack.core.storage.StorageMigration;
import java.lang.ref.SoftReference;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Imports guilds from an {@link ImportSource} (a discord-vc-tracker store through {@link
 * DvtImport#source}, or any other) into a {@link Storage}:
 *
 * <pre>{@code
 * try (DvtReader reader = DvtSqliteReader.open(Path.of("data/voice-tracker.db"))) {
 *     ImportReport report = Importer.from(DvtImport.source(reader)).to(storage).run();
 *     log.info(report.summary());
 * }
 * }</pre>
 *
 * <h2>Contract</h2>
 *
 * <ul>
 *   <li><b>Checked first</b>: the whole source is read once before anything is written, so a corrupt
 *       or half-written source fails with an {@link ImportException} naming the file and the
 *       position, and nothing is written. A {@link #dryRun dry run} stops there and reports what
 *       would be imported.
 *   <li><b>One guild, one atomic step</b>: each guild replaces that guild's data in the target
 *       ({@link Storage#importGuild}), so rerunning the same import leaves the same data, never
 *       doubled, and guilds only the target holds are left alone. A guild the source has no config for
 *       (a {@link MemberFileSource}) keeps the target's config. A guild whose write fails is left
 *       as it was; the exception's {@link ImportException#resumeFrom()} names it, and {@link
 *       #resumeFrom} with that id finishes the job.
 *   <li><b>Verified</b>: after each guild the target's member count must equal the source's.
 *   <li><b>Reported</b>: the {@link ImportReport} counts what was imported and lists every record
 *       skipped or changed, and every inconsistency of the source that was kept as it was.
 *   <li>Read once when memory allows: the snapshots of the check are kept through soft references and
 *       written as they are; from the first one the garbage collector took back (it does so before
 *       it would run out of memory), the source is read again from that guild on.
 *   <li>Memory: what it needs is one guild at a time (a {@link GuildSnapshot}; a source that hands
 *       over its sessions as a {@link dev.voicetrack.core.storage.SessionTable} keeps a
 *       million-session guild within a 256 MB heap), plus at most {@link #KEPT_NOTES} notes; checked
 *       guilds are kept beyond that only while the heap has room.
 *       The target must be {@link Storage#init() initialised} and is not closed. Not thread safe:
 *       configure and run from one thread; stop trackers writing to the target first.
 * </ul>
 */
public final class Importer {

    /** Notes kept in the {@link ImportReport}; {@link #onNote} sees all of them. */
    public static final int KEPT_NOTES = 10_000;

    /** Told about progress: the {@link StorageMigration.Listener} calls, plus the result of the check. */
    public interface Listener extends StorageMigration.Listener {
        /**
         * Told once the whole source was read and checked, before the first write.
         *
         * @param checked what will be imported
         * @param membersByGuild the member count of every guild to write, in write order
         */
        default void onChecked(ImportReport checked, Map<Long, Long> membersByGuild) {}
    }

    private final ImportSource source;
    private @Nullable Supplier<? extends Storage> target;
    private boolean dryRun;
    private int keepChecked = Integer.MAX_VALUE;
    private @Nullable String resumeFrom;
    private Listener listener = p -> {};
    private Consumer<ImportNote> noteListener = n -> {};

    private Importer(ImportSource source) {
        this.source = source;
    }

    /** @throws NullPointerException if source is null */
    public static Importer from(ImportSource source) {
        return new Importer(Objects.requireNonNull(source, "source must not be null"));
    }

    /** Where to import to. Required unless {@link #dryRun}. */
    public Importer to(Storage target) {
        Objects.requireNonNull(target, "target must not be null");
        this.target = () -> target;
        return this;
    }

    /**
     * Where to import to, opened only once the whole source has been checked: a corrupt source then
     * leaves no trace at all, not even a new, empty target (a database file, a directory). The
     * importer calls {@code opener} at most once and does not close what it returns. Required unless
     * {@link #dryRun}.
     */
    public Importer to(Supplier<? extends Storage> opener) {
        this.target = Objects.requireNonNull(opener, "opener must not be null");
        return this;
    }

    /** Reads and checks everything and reports what would be imported; writes nothing. */
    public Importer dryRun(boolean value) {
        this.dryRun = value;
        return this;
    }

    /**
     * Passes over the source's guilds before this one (as the source spells its id), to finish an
     * import that failed part-way.
     *
     * @throws IllegalArgumentException if the id is blank
     */
    public Importer resumeFrom(@Nullable String sourceGuildId) {
        if (sourceGuildId != null && sourceGuildId.isBlank()) {
            throw new IllegalArgumentException("resumeFrom must be a guild id, was '" + sourceGuildId + "'");
        }
        this.resumeFrom = sourceGuildId;
        return this;
    }

    /**
     * At most this many checked guilds are kept for the write (default: all while the heap has room);
     * tests set fewer to stand for the garbage collector taking them back.
     */
    Importer keepChecked(int max) {
        this.keepChecked = max;
        return this;
    }

    /** Who to tell about progress (default: nobody). Called on the importing thread. */
    public Importer onProgress(Listener listener) {
        this.listener = Objects.requireNonNull(listener, "listener must not be null");
        return this;
    }

    /** Who to tell about every note, as it is found during the check (default: nobody). */
    public Importer onNote(Consumer<ImportNote> listener) {
        this.noteListener = Objects.requireNonNull(listener, "listener must not be null");
        return this;
    }

    /**
     * Checks the source, then (unless a dry run) imports every guild.
     *
     * @throws IllegalStateException if no target was set for a run that writes
     * @throws IllegalArgumentException if {@link #resumeFrom} names a guild the source does not have
     * @throws ImportException if the source is corrupt (nothing written) or a guild's write fails
     *     ({@link ImportException#resumeFrom()} says where to go on)
     */
    public ImportReport run() {
        Supplier<? extends Storage> opener = target;
        if (!dryRun && opener == null) {
            throw new IllegalStateException("target must be set with to(...) before run(), unless dryRun(true)");
        }
        Tally checked = new Tally();
        source.read(checked);
        if (resumeFrom != null && !checked.sawResume) {
            throw new IllegalArgumentException(
                    "resumeFrom guild '" + resumeFrom + "' is not in " + source.describe() + "; nothing was written");
        }
        ImportReport report = checked.report(dryRun);
        listener.onChecked(report, Collections.unmodifiableMap(checked.order));
        if (dryRun || opener == null) {
            return report;
        }
        Storage to = Objects.requireNonNull(opener.get(), "the target opener returned null");
        Writer writer = new Writer(to, checked.order, resumeFrom);
        // Guilds still in memory from the check are written as they are; from the first one the
        // garbage collector took back, the source is read again.
        List<SoftReference<GuildSnapshot>> kept = checked.kept;
        List<String> keptIds = checked.keptIds;
        checked.kept = List.of();
        int i = 0;
        for (; i < kept.size(); i++) {
            GuildSnapshot snapshot = kept.get(i).get();
            if (snapshot == null) {
                break;
            }
            writer.started = true;
            writer.guild(keptIds.get(i), snapshot);
        }
        if (i < kept.size()) {
            writer.startAt(keptIds.get(i));
            source.read(writer);
        }
        if (writer.done != checked.order.size()) {
            throw new ImportException(source.describe() + " changed while it was imported: " + checked.order.size()
                    + " guilds when checked, " + writer.done + " when written; run the import again");
        }
        return report;
    }

    /** Counts and notes of the check; decides which guilds are written. */
    private final class Tally implements ImportSource.Sink {
        final Map<Long, Long> order = new LinkedHashMap<>();
        final Map<ImportNote.Kind, Long> counts = new EnumMap<>(ImportNote.Kind.class);
        final List<ImportNote> notes = new ArrayList<>();
        // The checked snapshots, in write order; soft, so keeping them never costs an OutOfMemoryError.
        List<SoftReference<GuildSnapshot>> kept = new ArrayList<>();
        final List<String> keptIds = new ArrayList<>();
        boolean sawResume;
        boolean inRange;
        int before;
        long members;
        long channels;
        long sessions;

        @Override
        public void guild(String sourceGuildId, @Nullable GuildSnapshot snapshot) {
            if (resumeFrom != null && !sawResume && sourceGuildId.equals(resumeFrom)) {
                sawResume = true;
            }
            inRange = resumeFrom == null || sawResume;
            if (!inRange) {
                before++;
                return;
            }
            if (snapshot == null) {
                return;
            }
            if (order.putIfAbsent(snapshot.guildId(), (long) snapshot.memberCount()) != null) {
                throw new ImportException(
                        source.describe() + " holds guild " + sourceGuildId + " twice; nothing was written");
            }
            kept.add(new SoftReference<>(kept.size() < keepChecked ? snapshot : null));
            keptIds.add(sourceGuildId);
            members += snapshot.memberCount();
            for (GuildSnapshot.Member m : snapshot.members()) {
                MemberStats s = m.stats();
                channels += s.channels().size();
            }
            sessions += snapshot.sessions().size();
        }

        @Override
        public void note(ImportNote note) {
            // Notes arrive before their guild; those of guilds before the resume point still count.
            counts.merge(note.kind(), 1L, Long::sum);
            if (notes.size() < KEPT_NOTES) {
                notes.add(note);
            }
            noteListener.accept(note);
        }

        ImportReport report(boolean dry) {
            return new ImportReport(
                    source.describe(), dry, order.size(), members, channels, sessions, before, counts, notes);
        }
    }

    /** Writes the guilds the check accepted, in the same order: kept snapshots, then a second read. */
    private final class Writer implements ImportSource.Sink {
        private final Storage to;
        private final Map<Long, Long> order;
        private final int total;
        private @Nullable String startAt;
        boolean started;
        private int done;
        private long rows;

        Writer(Storage to, Map<Long, Long> order, @Nullable String startAt) {
            this.to = to;
            this.order = order;
            this.total = order.size();
            startAt(startAt);
        }

        /** Passes over the guilds before this one (written already, or before the resume point). */
        void startAt(@Nullable String sourceGuildId) {
            startAt = sourceGuildId;
            started = sourceGuildId == null;
        }

        @Override
        public void guild(String sourceGuildId, @Nullable GuildSnapshot snapshot) {
            if (!started && sourceGuildId.equals(startAt)) {
                started = true;
            }
            if (!started || snapshot == null) {
                return;
            }
            long id = snapshot.guildId();
            Long members = order.get(id);
            if (members == null || members != snapshot.memberCount()) {
                throw new ImportException(
                        source.describe() + " changed while it was imported (guild " + sourceGuildId
                                + "); guilds before it are imported; run the import again",
                        sourceGuildId,
                        null);
            }
            listener.onGuildStart(id, done, total);
            try {
                GuildSnapshot write = snapshot;
                if (write.config() == null) {
                    // A source without configs (a member file) keeps the target's config of the guild.
                    var kept = to.guildConfig(id);
                    if (kept.isPresent()) {
                        write = new GuildSnapshot(id, kept.get(), write.members(), write.sessions());
                    }
                }
                to.importGuild(write);
            } catch (RuntimeException e) {
                throw new ImportException(
                        "import of guild " + sourceGuildId + " failed, that guild was left as it was"
                                + resumeAdvice(sourceGuildId) + ": " + e.getMessage(),
                        sourceGuildId,
                        e);
            }
            long stored = to.memberCount(id);
            if (stored != snapshot.memberCount()) {
                throw new ImportException(
                        "import of guild " + sourceGuildId + " failed verification: " + snapshot.memberCount()
                                + " members in the source, " + stored + " in the target" + resumeAdvice(sourceGuildId),
                        sourceGuildId,
                        null);
            }
            done++;
            rows += snapshot.rowCount();
            listener.onProgress(new StorageMigration.Progress(id, done, total, rows));
        }

        private String resumeAdvice(String sourceGuildId) {
            return done == 0
                    ? ""
                    : "; the " + done + " guilds before it are imported; resume from guild " + sourceGuildId;
        }

        @Override
        public void note(ImportNote note) {
            // reported by the check already
        }
    }
}
