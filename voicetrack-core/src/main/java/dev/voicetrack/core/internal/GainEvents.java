package dev.voicetrack.core.internal;

import dev.voicetrack.core.TrackerListener;
import dev.voicetrack.core.storage.MemberDelta;
import dev.voicetrack.core.storage.MemberTotals;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The {@code xpGained} and {@code voiceTimeGained} events of one written batch: per member, what the
 * batch added and the new total, in the order members first appear in the batch, xp before voice
 * time, and only amounts above zero.
 *
 * <h2>Why not a list of events</h2>
 *
 * A tick of 100,000 members in voice gives up to 200,000 events. As a list of event records and
 * lambdas, plus the two maps that matched each member's deltas to its totals, they held about 40 MB
 * until the listener executor had delivered them, on top of the batch itself. Here the sums sit in a
 * few primitive arrays indexed like the totals sorted by member (found by binary search), and each
 * event is made only when {@link #event} is asked for it at delivery: about 30 bytes per member.
 *
 * <p>A member the deltas name but the totals lack (a backend breaking {@code Storage#apply}'s
 * contract) still gets its events, with the amount as its total, after the others. Immutable once
 * built; built under the tracker lock, read on the listener executor.
 */
final class GainEvents {
    private static final Comparator<MemberTotals> BY_MEMBER =
            Comparator.comparingLong(MemberTotals::guildId).thenComparingLong(MemberTotals::userId);

    private record Missing(long guildId, long userId) {}

    private final MemberTotals[] totals;
    private final long[] xp;
    private final long[] voiceMs;
    /** Per event: the member's index in {@link #totals} times two, plus one for voice time. */
    private final int[] events;

    private final List<Consumer<TrackerListener>> missingEvents;

    private GainEvents(
            MemberTotals[] totals, long[] xp, long[] voiceMs, int[] events, List<Consumer<TrackerListener>> missing) {
        this.totals = totals;
        this.xp = xp;
        this.voiceMs = voiceMs;
        this.events = events;
        this.missingEvents = missing;
    }

    /** The events of a batch of {@code deltas} whose write returned {@code totals}. */
    static GainEvents of(List<MemberDelta> deltas, List<MemberTotals> written) {
        MemberTotals[] sorted = written.toArray(new MemberTotals[0]);
        Arrays.sort(sorted, BY_MEMBER);
        int n = sorted.length;
        long[] xp = new long[n];
        long[] voice = new long[n];
        boolean[] named = new boolean[n];
        int[] firstSeen = new int[n];
        int members = 0;
        @Nullable Map<Missing, long[]> missing = null;
        for (MemberDelta d : deltas) {
            int i = indexOf(sorted, d.guildId(), d.userId());
            if (i < 0) {
                if (missing == null) {
                    missing = new LinkedHashMap<>();
                }
                long[] v = missing.computeIfAbsent(new Missing(d.guildId(), d.userId()), k -> new long[2]);
                v[0] += d.xp();
                v[1] += d.voiceMs();
                continue;
            }
            if (!named[i]) {
                named[i] = true;
                firstSeen[members++] = i;
            }
            xp[i] += d.xp();
            voice[i] += d.voiceMs();
        }
        int count = 0;
        int[] events = new int[members * 2];
        for (int k = 0; k < members; k++) {
            int i = firstSeen[k];
            if (xp[i] > 0) {
                events[count++] = i * 2;
            }
            if (voice[i] > 0) {
                events[count++] = i * 2 + 1;
            }
        }
        return new GainEvents(sorted, xp, voice, Arrays.copyOf(events, count), missingEvents(missing));
    }

    private static List<Consumer<TrackerListener>> missingEvents(@Nullable Map<Missing, long[]> missing) {
        if (missing == null) {
            return List.of();
        }
        var out = new ArrayList<Consumer<TrackerListener>>();
        missing.forEach((k, v) -> {
            if (v[0] > 0) {
                var ev = new TrackerListener.XpGained(k.guildId, k.userId, v[0], v[0]);
                out.add(l -> l.xpGained(ev));
            }
            if (v[1] > 0) {
                var ev = new TrackerListener.VoiceTimeGained(k.guildId, k.userId, v[1], v[1]);
                out.add(l -> l.voiceTimeGained(ev));
            }
        });
        return List.copyOf(out);
    }

    private static int indexOf(MemberTotals[] sorted, long guildId, long userId) {
        int lo = 0;
        int hi = sorted.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            MemberTotals t = sorted[mid];
            int c = t.guildId() != guildId ? Long.compare(t.guildId(), guildId) : Long.compare(t.userId(), userId);
            if (c < 0) {
                lo = mid + 1;
            } else if (c > 0) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -1;
    }

    /** How many events there are. */
    int size() {
        return events.length + missingEvents.size();
    }

    /** Event {@code k} ({@code 0 <= k < size()}), made now. */
    Consumer<TrackerListener> event(int k) {
        if (k >= events.length) {
            return missingEvents.get(k - events.length);
        }
        int i = events[k] >>> 1;
        MemberTotals t = totals[i];
        if ((events[k] & 1) == 0) {
            var ev = new TrackerListener.XpGained(t.guildId(), t.userId(), xp[i], t.xp());
            return l -> l.xpGained(ev);
        }
        var ev = new TrackerListener.VoiceTimeGained(t.guildId(), t.userId(), voiceMs[i], t.voiceTimeMs());
        return l -> l.voiceTimeGained(ev);
    }
}
