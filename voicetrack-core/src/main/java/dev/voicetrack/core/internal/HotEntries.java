package dev.voicetrack.core.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongPredicate;

/**
 * Refresh-ahead of what readers keep asking for. A tick drops every cached answer about the guilds it wrote to
 * (that is what keeps answers no older than the last tick); without more, the next read of each one reaches storage,
 * and in a guild whose leaderboard is read a few times a minute while ticks run every few seconds almost every read
 * would. So the queries note each cached key they serve with how to load it again, and after a tick has released
 * the tracker lock the keys of its guilds read within the builder's {@code refreshAhead} (1 minute by default) are
 * loaded once more through {@code Cache#preload}: one storage read per key per tick instead of one per reader, done
 * before the readers come, and not counted as a read in the cache's hit rate. Keys not read for that long are
 * forgotten; a guild keeps at most {@value #MAX_KEYS_PER_GUILD} of them, so the refresh work of a tick is bounded.
 * A zero {@code refreshAhead} turns it off.
 *
 * <p>Which keys a full guild keeps: under a real read mix about half the reads ask something nobody asked in the
 * minute before ({@code /rank} of a member few look at), so a guild's slots fill up with keys read once, and kept
 * first come first served they would shut out, for a whole minute, a leaderboard page that is read every few
 * seconds. So a key read again is kept until nobody reads it for {@code refreshAhead}, while a new key takes the
 * place of the key read once that was read longest ago; only when every slot holds a key read more than once is a
 * new key left to its readers.
 *
 * <p>Freshness is unchanged: the invalidation still happens inside the tick, before it counts as finished, and a
 * preload is a single-flight load that an invalidation during it wins over. Thread safe.
 */
final class HotEntries {
    static final int MAX_KEYS_PER_GUILD = 64;

    private static final class Hot {
        final Runnable reload;
        volatile long lastReadMillis;
        volatile boolean readAgain;

        Hot(Runnable reload, long now) {
            this.reload = reload;
            this.lastReadMillis = now;
        }
    }

    private final Clock clock;
    private final Dispatcher dispatcher;
    private final Duration hotFor;
    private final Map<Long, Map<String, Hot>> byGuild = new ConcurrentHashMap<>();
    private final Set<Long> invalidated = ConcurrentHashMap.newKeySet();

    HotEntries(Clock clock, Dispatcher dispatcher, Duration hotFor) {
        this.clock = clock;
        this.dispatcher = dispatcher;
        this.hotFor = hotFor;
    }

    /** A reader was served {@code key} of the guild; {@code reload} loads it again through the cache. */
    void read(long guildId, String key, Runnable reload) {
        if (hotFor.isZero()) {
            return;
        }
        long now = clock.millis();
        Map<String, Hot> keys = byGuild.computeIfAbsent(guildId, g -> new ConcurrentHashMap<>());
        Hot hot = keys.get(key);
        if (hot != null) {
            hot.lastReadMillis = now;
            hot.readAgain = true;
        } else if (keys.size() < MAX_KEYS_PER_GUILD || makeRoom(keys)) {
            keys.putIfAbsent(key, new Hot(reload, now));
        }
    }

    /**
     * Drops the guild's key read once that was read longest ago; false if every key was read again. Readers racing
     * here may each drop one, leaving the guild a key or two short of full for a moment, never over by more than
     * the racing readers.
     */
    private static boolean makeRoom(Map<String, Hot> keys) {
        String oldest = null;
        Hot oldestHot = null;
        for (Map.Entry<String, Hot> e : keys.entrySet()) {
            Hot h = e.getValue();
            if (!h.readAgain && (oldestHot == null || h.lastReadMillis < oldestHot.lastReadMillis)) {
                oldest = e.getKey();
                oldestHot = h;
            }
        }
        return oldest != null && keys.remove(oldest, oldestHot);
    }

    /** The guild's cached answers were dropped by a tick: its hot keys are reloaded at the next {@link #refresh}. */
    void invalidated(long guildId) {
        if (byGuild.containsKey(guildId)) {
            invalidated.add(guildId);
        }
    }

    /**
     * Reloads the hot keys of every guild invalidated since the last call and forgets the keys nobody read lately.
     * Runs outside the tracker lock. A failed reload is reported and leaves the key to its next reader.
     *
     * @return how many keys were reloaded
     */
    int refresh() {
        return refresh(g -> false);
    }

    /**
     * {@link #refresh()}, except that the keys of a guild {@code inMemory} holds whole (a {@link GuildSnapshots
     * guild snapshot} answers its reads) are forgotten rather than reloaded: their readers no longer ask the cache.
     */
    int refresh(LongPredicate inMemory) {
        if (invalidated.isEmpty()) {
            return 0;
        }
        long oldest = clock.millis() - hotFor.toMillis();
        int reloaded = 0;
        for (Iterator<Long> guilds = invalidated.iterator(); guilds.hasNext(); ) {
            long guildId = guilds.next();
            guilds.remove();
            Map<String, Hot> keys = byGuild.get(guildId);
            if (keys == null) {
                continue;
            }
            if (inMemory.test(guildId)) {
                byGuild.remove(guildId, keys);
                continue;
            }
            for (Iterator<Hot> it = keys.values().iterator(); it.hasNext(); ) {
                Hot hot = it.next();
                if (hot.lastReadMillis < oldest) {
                    it.remove();
                    continue;
                }
                try {
                    hot.reload.run();
                    reloaded++;
                } catch (RuntimeException e) {
                    dispatcher.error(
                            "refreshing a cached answer of guild " + guildId + " failed; its next read loads it", e);
                }
            }
            if (keys.isEmpty()) {
                byGuild.remove(guildId, keys);
            }
        }
        return reloaded;
    }
}
