package dev.voicetrack.core.storage.kernel;

import dev.voicetrack.core.VoiceSession;
import dev.voicetrack.core.storage.Batch;
import dev.voicetrack.core.storage.MemberDelta;
import dev.voicetrack.core.storage.SessionColumns;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Folds a {@link Batch} into a {@link FoldedBatch}: per member, per (member, channel) and per
 * (member, day, channel) sums, each checked not to overflow ({@link OverflowRule}), with the latest
 * last-seen ({@link LastSeenRule}) and the streak run ({@link StreakRule}) of each member. How a
 * delta contributes, in one place:
 *
 * <ul>
 *   <li>voice time, XP, messages and sessions add to the member's sums;
 *   <li>voice time and sessions add to the channel's sums when the channel is not 0 and one of them
 *       is positive;
 *   <li>voice time, XP and messages add to the (day, channel) activity when one of them is positive,
 *       and then the day is an active day for the streak;
 *   <li>the latest last-seen of the member's deltas is kept;
 *   <li>voice time and messages of a delta with an hour add to its guild's (hour, channel) row when
 *       one of them is positive ({@link HourlyRule}).
 * </ul>
 *
 * <p>Cost: O(deltas + sessions) with a hash lookup per delta; one small object per member (which reads
 * the member's delta in place when it has only one, see {@link MemberFold}).
 */
public final class BatchFold {
    private BatchFold() {}

    /**
     * @throws dev.voicetrack.core.storage.StorageException (the {@link StorageArgs#overflow} text) if the
     *     increments of one member alone overflow
     */
    public static FoldedBatch fold(Batch batch) {
        StorageArgs.notNull(batch, "batch");
        List<MemberDelta> deltas = batch.deltas();
        var members = new ArrayList<MemberFold>();
        var byGuild = new LongObjectMap<LongObjectMap<MemberFold>>();
        LongObjectMap<MemberFold> guild = null;
        long guildId = 0;
        for (MemberDelta d : deltas) {
            if (guild == null || guildId != d.guildId()) {
                guildId = d.guildId();
                guild = byGuild.get(guildId);
                if (guild == null) {
                    guild = new LongObjectMap<>();
                    byGuild.put(guildId, guild);
                }
            }
            MemberFold m = guild.get(d.userId());
            if (m == null) {
                m = new MemberFold(d.guildId(), d.userId());
                guild.put(d.userId(), m);
                members.add(m);
            }
            m.add(d);
        }
        for (MemberFold m : members) {
            m.finish();
        }
        return new FoldedBatch(members, sessions(batch.sessions()), hours(deltas), List.of());
    }

    private record HourKey(long guildId, long slot, long channelId) {}

    /**
     * The hourly sums of deltas: one per (guild, slot, channel) that a delta with an hour adds voice time
     * or messages to, by guild, slot and channel ascending (the order to write them in).
     *
     * @throws dev.voicetrack.core.storage.StorageException if a sum overflows
     */
    public static List<HourSum> hours(List<MemberDelta> deltas) {
        HashMap<HourKey, long[]> sums = null;
        HourKey last = null;
        long[] lastSum = null;
        for (MemberDelta d : deltas) {
            if (d.hour() == MemberDelta.NO_HOUR || (d.voiceMs() == 0 && d.messages() == 0)) {
                continue;
            }
            long slot = HourlyRule.slot(d.day(), d.hour());
            long[] sum;
            if (last != null
                    && last.guildId() == d.guildId()
                    && last.slot() == slot
                    && last.channelId() == d.channelId()) {
                sum = lastSum;
            } else {
                if (sums == null) {
                    sums = new HashMap<>();
                }
                last = new HourKey(d.guildId(), slot, d.channelId());
                sum = sums.computeIfAbsent(last, k -> new long[2]);
                lastSum = sum;
            }
            sum[0] = HourlyRule.add(sum[0], d.voiceMs(), d.guildId(), slot);
            sum[1] = HourlyRule.add(sum[1], d.messages(), d.guildId(), slot);
        }
        if (sums == null) {
            return List.of();
        }
        var out = new ArrayList<HourSum>(sums.size());
        sums.forEach((k, v) -> out.add(new HourSum(k.guildId(), k.slot(), k.channelId(), v[0], v[1])));
        out.sort(Comparator.comparingLong(HourSum::guildId)
                .thenComparingLong(HourSum::slot)
                .thenComparingLong(HourSum::channelId));
        return out;
    }

    /**
     * One row per session id: the last row of the id, at the id's first position. A tracker's batch
     * names each id once (its first tick after a restart holds an open row per member in voice, 100,000
     * in a large bot), so the ids are first checked for a repeat in an open-addressing table of row
     * positions (4 bytes a slot, no object per row); only a batch with a repeat is rebuilt through a map.
     */
    static List<VoiceSession> sessions(List<VoiceSession> rows) {
        if (rows.size() < 2 || !hasRepeatedId(rows)) {
            return rows;
        }
        var byId = new LinkedHashMap<String, VoiceSession>(rows.size() * 4 / 3 + 1);
        for (VoiceSession s : rows) {
            byId.put(s.id(), s);
        }
        return new ArrayList<>(byId.values());
    }

    /** Whether two of the rows have the same id. */
    private static boolean hasRepeatedId(List<VoiceSession> rows) {
        int n = rows.size();
        SessionColumns columns = rows instanceof SessionColumns c ? c : null;
        int mask = Integer.highestOneBit(Math.max(2, n) * 2 - 1) * 2 - 1; // a power of two >= 2n, less one
        int[] slots = new int[mask + 1]; // row position + 1; 0 = free
        for (int i = 0; i < n; i++) {
            String id = columns != null ? columns.id(i) : rows.get(i).id();
            int h = id.hashCode() * 0x9E3779B9;
            for (int at = (h ^ (h >>> 16)) & mask; ; at = (at + 1) & mask) {
                int held = slots[at];
                if (held == 0) {
                    slots[at] = i + 1;
                    break;
                }
                if ((columns != null ? columns.id(held - 1) : rows.get(held - 1).id()).equals(id)) {
                    return true;
                }
            }
        }
        return false;
    }
}
