package dev.voicetrack.core.storage.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When a storage prunes its hourly rows ({@link HourlyRule}): a write whose hours reach a day later
 * than the guild's last prune in this process carries an {@link HourPrune}, so each guild is pruned
 * at most once a day (and once after a start), always inside a write it does anyway. One per storage;
 * thread safe. Two writes racing may both prune: a prune is idempotent.
 */
public final class HourlyPruning {
    private volatile int retentionDays = HourlyRule.DEFAULT_RETENTION_DAYS;
    /** Guild to the {@code keptFrom} slot of its last committed prune. */
    private final ConcurrentHashMap<Long, Long> pruned = new ConcurrentHashMap<>();

    public int retentionDays() {
        return retentionDays;
    }

    /**
     * Sets how many days of hourly activity are kept; takes effect at each guild's next prune.
     *
     * @throws IllegalArgumentException unless 1 to {@link HourlyRule#MAX_RETENTION_DAYS}
     */
    public void retentionDays(int days) {
        retentionDays = HourlyRule.checkRetentionDays(days);
        pruned.clear();
    }

    /** The prunes a write adding {@code sums} (by guild, then slot ascending) must do; usually none. */
    public List<HourPrune> due(List<HourSum> sums) {
        List<HourPrune> out = List.of();
        int days = retentionDays;
        for (int i = 0; i < sums.size(); i++) {
            HourSum s = sums.get(i);
            if (i + 1 < sums.size() && sums.get(i + 1).guildId() == s.guildId()) {
                continue; // the guild's last sum has its newest slot
            }
            long keptFrom = HourlyRule.keptFrom(s.slot(), days);
            Long last = pruned.get(s.guildId());
            if (last == null || keptFrom > last) {
                if (out.isEmpty()) {
                    out = new ArrayList<>(2);
                }
                out.add(new HourPrune(s.guildId(), keptFrom));
            }
        }
        return out;
    }

    /** Records prunes whose write committed. */
    public void done(List<HourPrune> prunes) {
        for (HourPrune p : prunes) {
            pruned.merge(p.guildId(), p.keptFrom(), Math::max);
        }
    }

    /** Forgets a guild (its rows were deleted): its next write prunes again, which costs nothing. */
    public void forget(long guildId) {
        pruned.remove(guildId);
    }
}
