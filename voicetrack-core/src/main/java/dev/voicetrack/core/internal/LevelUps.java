package dev.voicetrack.core.internal;

import dev.voicetrack.core.LevelCalculator;
import dev.voicetrack.core.TrackerListener;
import dev.voicetrack.core.storage.LevelChange;
import dev.voicetrack.core.storage.LevelRaise;
import dev.voicetrack.core.storage.MemberTotals;
import dev.voicetrack.core.storage.Storage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Level-up detection after a write: the level each member's new XP total reaches under its guild's
 * multiplier, raised in storage where it is above the stored level (storage only ever raises, so a
 * concurrent admin change is never lowered by it), and announced as {@code levelUp} events.
 */
final class LevelUps {
    private final Storage storage;
    private final Guilds guilds;
    private final Dispatcher dispatcher;

    LevelUps(Storage storage, Guilds guilds, Dispatcher dispatcher) {
        this.storage = storage;
        this.guilds = guilds;
        this.dispatcher = dispatcher;
    }

    /**
     * Raises the stored level of every member whose XP total crossed a threshold, and returns the
     * changes storage made. Members of a guild without a valid multiplier are skipped (reported); a
     * failed raise is reported and retried at the member's next XP gain.
     *
     * @param totals the totals a write returned, grouped by guild
     */
    List<LevelChange> raise(List<MemberTotals> totals) {
        if (totals.isEmpty()) {
            return List.of();
        }
        var raises = new ArrayList<LevelRaise>();
        Map<Long, Double> multipliers = new HashMap<>();
        long lastGuild = 0;
        Double m = null;
        for (MemberTotals t : totals) {
            if (t.guildId() != lastGuild) { // totals come grouped by guild: one map lookup per guild
                lastGuild = t.guildId();
                m = multipliers.get(lastGuild);
                if (m == null && !multipliers.containsKey(lastGuild)) {
                    m = guilds.levelMultiplierOrNull(lastGuild);
                    multipliers.put(lastGuild, m);
                }
            }
            if (m == null) {
                continue;
            }
            int level = LevelCalculator.level(t.xp(), m);
            if (level > t.level()) {
                raises.add(new LevelRaise(t.guildId(), t.userId(), level));
            }
        }
        if (raises.isEmpty()) {
            return List.of();
        }
        try {
            return storage.raiseLevels(raises);
        } catch (RuntimeException e) {
            dispatcher.error(
                    "storage failed to raise " + raises.size() + " levels; they are raised at the next XP gain", e);
            return List.of();
        }
    }

    /** Emits a {@code levelUp} event per change, in order. */
    void announce(List<LevelChange> changes) {
        if (changes.isEmpty() || !dispatcher.hasListeners()) {
            return;
        }
        var events = new ArrayList<Consumer<TrackerListener>>(changes.size());
        for (LevelChange c : changes) {
            var e = new TrackerListener.LevelUp(c.guildId(), c.userId(), c.oldLevel(), c.newLevel(), c.xp());
            events.add(l -> l.levelUp(e));
        }
        dispatcher.emit(events);
    }
}
