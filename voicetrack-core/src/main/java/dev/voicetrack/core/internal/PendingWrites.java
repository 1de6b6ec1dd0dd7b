package dev.voicetrack.core.internal;

import dev.voicetrack.core.TrackerListener;
import dev.voicetrack.core.VoiceSession;
import dev.voicetrack.core.storage.MemberDelta;
import dev.voicetrack.core.storage.SessionColumns;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * What the next storage write holds: the increments not written yet, the session rows closed since
 * the last write, and the listener events about them, which are delivered only after that write
 * commits. Confined to the tracker lock.
 *
 * <p><b>Two homes for increments.</b> A member in voice is one accumulator (a {@link MemberState}
 * is an {@link Increments}) for its current channel and day, reused tick after tick, so the
 * steady-state tick allocates no map key and does no map lookup per member. Increments for anything else (messages,
 * a channel or day the member has left, members who left) go to a map keyed by member, channel,
 * day and hour; a member's accumulator is {@linkplain #spill spilled} into that map before it changes key.
 *
 * <p><b>Generations.</b> A successful write empties every member's accumulator at once by bumping the
 * generation: an accumulator whose {@link Increments#generation} differs is empty, so nothing walks the
 * members in voice to clear them.
 */
final class PendingWrites {
    private record DeltaKey(long guildId, long userId, long channelId, LocalDate day, int hour) {}

    private final Map<DeltaKey, Increments> others = new HashMap<>();
    private final Map<String, VoiceSession> closedRows = new LinkedHashMap<>();
    private final List<Consumer<TrackerListener>> events = new ArrayList<>();
    private long generation = 1;

    /** The map entry of increments for a member, channel and day (members not in voice, or older keys). */
    Increments of(long guildId, long userId, long channelId, LocalDate day, int hour, Instant at) {
        Increments a =
                others.computeIfAbsent(new DeltaKey(guildId, userId, channelId, day, hour), k -> new Increments());
        a.touch(at);
        return a;
    }

    /**
     * The increments of a member in voice for its current channel and the given day and hour: its own
     * accumulator, after moving what it held for another channel, day or hour to the map.
     */
    Increments of(MemberState m, LocalDate day, int hour, Instant at) {
        Increments a = m;
        if (a.generation != generation) {
            a.clear();
            a.generation = generation;
        }
        long channelId = m.channel.channelId;
        if (!a.isEmpty() && (a.channelId != channelId || a.hour != hour || !day.equals(a.day))) {
            spill(m);
        }
        if (a.isEmpty()) {
            a.channelId = channelId;
            a.day = day;
            a.hour = hour;
        }
        a.touch(at);
        return a;
    }

    /** Moves a member's own accumulator to the map (before it changes key or the member goes). */
    void spill(MemberState m) {
        Increments a = m;
        if (holds(a)) {
            Instant at = Objects.requireNonNull(a.lastSeen);
            a.addTo(of(m.guild.guildId, m.userId, a.channelId, Objects.requireNonNull(a.day), a.hour, at));
            a.clear();
        }
    }

    /** Whether a member's accumulator holds increments of the current generation. */
    private boolean holds(Increments a) {
        return a.generation == generation && !a.isEmpty();
    }

    /**
     * A session opened at {@code start} with a new id: its {@code sessionStart} event, with the session's
     * row as of its start, waits for the write. The row is made at delivery from a few values kept in
     * columns ({@link SessionStarts}), so that 100,000 members joining before a tick (a bot starting up)
     * hold 44 bytes each until the write, not a row and an id string, nor a record and a lambda.
     */
    void sessionStarted(UUID id, long guildId, long userId, long channelId, Instant start) {
        SessionStarts block =
                events.isEmpty() ? null : events.get(events.size() - 1) instanceof SessionStarts b ? b : null;
        if (block == null) {
            block = new SessionStarts();
            events.add(block);
        }
        block.add(id.getMostSignificantBits(), id.getLeastSignificantBits(), guildId, userId, channelId, start);
    }

    /**
     * Session starts that follow one another among the events waiting for the write, as columns: one
     * entry of the event list that the {@link Dispatcher} delivers as {@link #size} events, each made
     * when its turn comes. Appended to under the tracker lock, read on the listener executor after it
     * was handed over (never appended to again: {@link #takeEvents} empties the list it is in).
     */
    static final class SessionStarts implements Dispatcher.EventBlock {
        private static final int WIDTH = 5; // id high, id low, guild, user, channel
        /** Starts per block: blocks are added, never copied to grow. */
        private static final int BLOCK = 1024;

        private final List<long[]> values = new ArrayList<>();
        private final List<Instant[]> starts = new ArrayList<>();
        private int size;

        void add(long idHigh, long idLow, long guildId, long userId, long channelId, Instant start) {
            if (size % BLOCK == 0) {
                int room = size == 0 ? 16 : BLOCK; // a first block sized for the usual handful of joins
                values.add(new long[room * WIDTH]);
                starts.add(new Instant[room]);
            } else if (size == 16) {
                values.set(0, Arrays.copyOf(values.get(0), BLOCK * WIDTH));
                starts.set(0, Arrays.copyOf(starts.get(0), BLOCK));
            }
            long[] v = values.get(size / BLOCK);
            int at = (size % BLOCK) * WIDTH;
            v[at] = idHigh;
            v[at + 1] = idLow;
            v[at + 2] = guildId;
            v[at + 3] = userId;
            v[at + 4] = channelId;
            starts.get(size / BLOCK)[size % BLOCK] = start;
            size++;
        }

        @Override
        public int size() {
            return size;
        }

        /** The open row of start {@code i} as of its start: no time, no XP yet. */
        VoiceSession row(int i) {
            long[] v = values.get(i / BLOCK);
            int at = (i % BLOCK) * WIDTH;
            Instant start = starts.get(i / BLOCK)[i % BLOCK];
            return new VoiceSession(
                    new UUID(v[at], v[at + 1]).toString(),
                    v[at + 2],
                    v[at + 3],
                    v[at + 4],
                    start,
                    null,
                    start,
                    0,
                    0,
                    0,
                    0);
        }

        @Override
        public Consumer<TrackerListener> event(int i) {
            VoiceSession row = row(i);
            return l -> l.sessionStart(row);
        }

        /** Delivered one by one through {@link #event}; as a plain event, each start in turn. */
        @Override
        public void accept(TrackerListener l) {
            for (int i = 0; i < size; i++) {
                event(i).accept(l);
            }
        }
    }

    /** A session closed: its row goes in the next write, its {@code sessionEnd} event after it. */
    void sessionClosed(VoiceSession closedRow) {
        closedRows.put(closedRow.id(), closedRow);
        events.add(l -> l.sessionEnd(closedRow));
    }

    int closedRowCount() {
        return closedRows.size();
    }

    /** Adds a member's own accumulator to a batch being built, if it holds anything. */
    void collect(MemberState m, List<MemberDelta> deltas) {
        Increments a = m;
        if (holds(a)) {
            deltas.add(delta(m.guild.guildId, m.userId, a.channelId, Objects.requireNonNull(a.day), a.hour, a));
        }
    }

    /** Adds the map of increments and the closed rows to a batch being built, and their guilds to {@code touched}. */
    void collectOthers(List<MemberDelta> deltas, SessionColumns.Builder rows, Set<Long> touched) {
        for (var e : others.entrySet()) {
            DeltaKey k = e.getKey();
            deltas.add(delta(k.guildId, k.userId, k.channelId, k.day, k.hour, e.getValue()));
            touched.add(k.guildId);
        }
        for (VoiceSession vs : closedRows.values()) {
            rows.add(vs);
            touched.add(vs.guildId());
        }
    }

    private static MemberDelta delta(long guildId, long userId, long channelId, LocalDate day, int hour, Increments a) {
        return new MemberDelta(
                guildId,
                userId,
                channelId,
                day,
                hour,
                a.voiceMs,
                a.xp,
                a.messages,
                a.sessions,
                Objects.requireNonNull(a.lastSeen));
    }

    /** The batch built from everything here committed: nothing is pending any more but the events. */
    void written() {
        dropIncrements();
        closedRows.clear();
    }

    /** Drops every increment not yet written: the map, and every member's accumulator at once. */
    void dropIncrements() {
        others.clear();
        generation++;
    }

    /** Takes the events waiting for the write, in the order they happened. */
    List<Consumer<TrackerListener>> takeEvents() {
        var taken = new ArrayList<>(events);
        events.clear();
        return taken;
    }

    /** Drops the events waiting for the write (nobody listens). */
    void dropEvents() {
        events.clear();
    }

    /** Drops everything of a guild not yet written (increments and closed rows). */
    void forgetGuild(GuildState g) {
        others.keySet().removeIf(k -> k.guildId == g.guildId);
        for (MemberState m : g.members.values()) {
            m.clear();
        }
        closedRows.values().removeIf(v -> v.guildId() == g.guildId);
    }

    /**
     * Drops everything of one member not yet written; {@code inVoice} is that member's state if it is
     * in voice.
     */
    void forgetMember(long guildId, long userId, @Nullable MemberState inVoice) {
        if (inVoice != null) {
            inVoice.clear();
        }
        others.keySet().removeIf(k -> k.guildId == guildId && k.userId == userId);
        closedRows.values().removeIf(v -> v.guildId() == guildId && v.userId() == userId);
    }

    /** Drops the XP not yet written of one member (its other increments stay). */
    void dropXp(long guildId, long userId, @Nullable MemberState inVoice) {
        if (inVoice != null) {
            inVoice.xp = 0;
        }
        for (var e : others.entrySet()) {
            if (e.getKey().guildId == guildId && e.getKey().userId == userId) {
                e.getValue().xp = 0;
            }
        }
    }
}
