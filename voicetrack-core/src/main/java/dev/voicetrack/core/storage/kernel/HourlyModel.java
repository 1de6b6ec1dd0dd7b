package dev.voicetrack.core.storage.kernel;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One guild's hourly rows in memory ({@link HourlyRule}), for the backends that hold their data in
 * memory ({@code InMemoryStorage}, {@code JsonStorage}): slot to channel to {voiceMs, messages}.
 * Reads of a range and prunes are ordered-map operations, O(log n + rows touched). Not thread safe;
 * the owning storage locks it as it locks its {@link GuildModel}.
 */
public final class HourlyModel {
    private final TreeMap<Long, TreeMap<Long, long[]>> slots = new TreeMap<>();

    public HourlyModel() {}

    /** A deep copy (for a write staged over a published model). */
    public HourlyModel copy() {
        var c = new HourlyModel();
        slots.forEach((slot, channels) -> {
            var m = new TreeMap<Long, long[]>();
            channels.forEach((ch, v) -> m.put(ch, v.clone()));
            c.slots.put(slot, m);
        });
        return c;
    }

    public boolean isEmpty() {
        return slots.isEmpty();
    }

    /**
     * Checks that every sum of a batch fits on top of the stored rows; call for the whole batch before
     * {@link #add}ing any of it.
     *
     * @param sums the batch's sums, only those of this model's guild are looked at
     * @throws dev.voicetrack.core.storage.StorageException if one would overflow
     */
    public void checkFits(long guildId, List<HourSum> sums) {
        for (HourSum s : sums) {
            if (s.guildId() == guildId) {
                long[] v = row(s.slot(), s.channelId(), false);
                if (v != null) {
                    HourlyRule.add(v[0], s.voiceMs(), guildId, s.slot());
                    HourlyRule.add(v[1], s.messages(), guildId, s.slot());
                }
            }
        }
    }

    /** Adds one sum (checked with {@link #checkFits} first). */
    public void add(HourSum s) {
        long[] v = row(s.slot(), s.channelId(), true);
        v[0] += s.voiceMs();
        v[1] += s.messages();
    }

    /** Sets a row (reading stored rows back). */
    public void put(long slot, long channelId, long voiceMs, long messages) {
        long[] v = row(slot, channelId, true);
        v[0] = voiceMs;
        v[1] = messages;
    }

    /** Deletes every row of a slot before {@code keptFrom}; returns the days that had any. */
    public List<LocalDate> prune(long keptFrom) {
        var head = slots.headMap(keptFrom, false);
        var days = new ArrayList<LocalDate>();
        for (Long slot : head.keySet()) {
            LocalDate d = HourlyRule.day(slot);
            if (days.isEmpty() || !days.get(days.size() - 1).equals(d)) {
                days.add(d);
            }
        }
        head.clear();
        return days;
    }

    /** The rows of slots {@code from} (included) to {@code end} (excluded): {slot, channelId, voiceMs, messages}, ordered. */
    public List<long[]> rows(long from, long end) {
        var out = new ArrayList<long[]>();
        if (from >= end) {
            return out;
        }
        for (Map.Entry<Long, TreeMap<Long, long[]>> e :
                slots.subMap(from, true, end, false).entrySet()) {
            for (Map.Entry<Long, long[]> c : e.getValue().entrySet()) {
                out.add(new long[] {e.getKey(), c.getKey(), c.getValue()[0], c.getValue()[1]});
            }
        }
        return out;
    }

    /** The rows of one day, ordered: {slot, channelId, voiceMs, messages}. */
    public List<long[]> rowsOf(LocalDate day) {
        return rows(HourlyRule.slot(day, 0), HourlyRule.slot(day.plusDays(1), 0));
    }

    private long[] row(long slot, long channelId, boolean create) {
        TreeMap<Long, long[]> channels = slots.get(slot);
        if (channels == null) {
            if (!create) {
                return null;
            }
            channels = new TreeMap<>();
            slots.put(slot, channels);
        }
        long[] v = channels.get(channelId);
        if (v == null && create) {
            v = new long[2];
            channels.put(channelId, v);
        }
        return v;
    }
}
