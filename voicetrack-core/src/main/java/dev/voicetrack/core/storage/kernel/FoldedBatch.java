package dev.voicetrack.core.storage.kernel;

import dev.voicetrack.core.VoiceSession;
import dev.voicetrack.core.storage.SessionColumns;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A {@link dev.voicetrack.core.storage.Batch} folded by {@link BatchFold}: one {@link MemberFold} per
 * member it names, and its session rows with one row per id. What a backend writes atomically.
 * Immutable.
 */
public final class FoldedBatch {
    private final List<MemberFold> members;
    private final List<VoiceSession> sessions;
    private final List<HourSum> hours;
    private final List<HourPrune> prunes;

    FoldedBatch(List<MemberFold> members, List<VoiceSession> sessions, List<HourSum> hours, List<HourPrune> prunes) {
        this.members = List.copyOf(members);
        this.sessions = sessions instanceof SessionColumns ? sessions : List.copyOf(sessions);
        this.hours = List.copyOf(hours);
        this.prunes = List.copyOf(prunes);
    }

    /** This batch, also doing {@code prunes} (from {@link HourlyPruning#due}). */
    public FoldedBatch withPrunes(List<HourPrune> prunes) {
        return prunes.isEmpty() && this.prunes.isEmpty() ? this : new FoldedBatch(members, sessions, hours, prunes);
    }

    /**
     * What the batch adds to its guilds' hourly rows, one sum per (guild, slot, channel), by guild, slot
     * and channel ascending (the order to upsert them in). Written in the same transaction or file
     * write as the members.
     */
    public List<HourSum> hours() {
        return hours;
    }

    /** The hourly rows to delete in the same write, before the sums are added; usually none. */
    public List<HourPrune> prunes() {
        return prunes;
    }

    /** One per member the batch's deltas name, in order of first appearance (the order of the returned totals). */
    public List<MemberFold> members() {
        return members;
    }

    /**
     * The members by guild id then user id: the order in which to lock or upsert rows, so that
     * concurrent transactions take row locks in the same order and never deadlock. A new list.
     */
    public List<MemberFold> membersInKeyOrder() {
        var sorted = new ArrayList<>(members);
        sorted.sort(Comparator.comparingLong(MemberFold::guildId).thenComparingLong(MemberFold::userId));
        return sorted;
    }

    /**
     * The session rows to upsert by id: one per id, the batch's last row of that id, in order of the
     * id's first appearance (writing them in this order gives what writing every row in batch order
     * gives). {@link SessionColumns} when the batch's rows were (each row made when read).
     */
    public List<VoiceSession> sessions() {
        return sessions;
    }

    /** The guilds the deltas and sessions name, in order of first appearance. */
    public Set<Long> guildIds() {
        var ids = new LinkedHashSet<Long>();
        members.forEach(m -> ids.add(m.guildId()));
        sessions.forEach(s -> ids.add(s.guildId()));
        return ids;
    }

    public boolean isEmpty() {
        return members.isEmpty() && sessions.isEmpty();
    }
}
