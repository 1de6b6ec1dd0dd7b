package dev.voicetrack.core.internal;

import dev.voicetrack.cache.Cache;
import dev.voicetrack.cache.CacheKeys;
import dev.voicetrack.cache.WriteOptions;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Keeps the entries that queries read often in the cache across ticks, fresh as of the last tick.
 *
 * <h2>Generations</h2>
 *
 * Each guild has a generation, and every cached query answer's key ends with the generation it was
 * read in ({@code lb:<guild>:xp:all:0:10:<generation>}) and carries the generation's tag. A tick that
 * wrote to a guild does not drop the guild's entries: once its batch is committed it reloads, from
 * storage, every query of the guild read lately, stores the answers
 * under the next generation's keys, and only then moves the guild to that generation and drops the
 * previous generation's entries by their tag. So:
 *
 * <ul>
 *   <li>a read after the tick finished uses the new generation: it finds the reloaded answer, read
 *       after the tick's write, or misses and reads storage itself, also after the write;
 *   <li>a read during the tick still uses the previous generation, whose answers are as of the
 *       previous tick, the last one that finished;
 *   <li>a load that read storage before the write cannot store under the new generation (it took its
 *       key before the move), and one that was still running when its generation was dropped is
 *       marked stale by the cache and not stored at all. A load of the old generation registered
 *       after the drop stores an answer nobody reads again; it expires with the cache TTL, and the
 *       tag of the generation before is dropped again at the next tick.
 * </ul>
 *
 * No answer is older than the last tick that finished, the promise the tracker made when it dropped
 * every entry of a written guild; hot reads now hit the cache instead of storage.
 *
 * <h2>Cost</h2>
 *
 * The reload costs one storage query per hot entry of each written guild, in the tick (under the
 * tracker lock, after the write), bounded by {@value #MAX_PER_GUILD} entries per guild; an entry is
 * hot from its first read until {@value #HOT_TICKS} ticks pass without one for a guild's whole ranking,
 * or {@value #MEMBER_HOT_TICKS} for an entry about one member (many, each read rarely). A failed
 * reload is reported and the entry is left to miss. Reads pay a map look-up to mark their entry
 * hot. Generations start at a random value per tracker, so that a restarted process does not read
 * the entries another process left in a shared cache under the same generation.
 *
 * <p>Thread safe: reads from any thread, {@link #afterWrite} under the tracker lock.
 */
final class HotEntries {

    /**
     * Ticks after which a guild-wide entry (a whole ranking, which answers every page and rank of a
     * window) that was not read is no longer reloaded.
     */
    static final int HOT_TICKS = 12;

    /**
     * Ticks after which an entry about one member (its stats, its activity, a page or rank of a large
     * guild) that was not read is no longer reloaded: such entries are many and each is read rarely, so
     * they are reloaded only by the tick after a read.
     */
    static final int MEMBER_HOT_TICKS = 1;

    /** The most entries of one guild reloaded after each tick; reads beyond them miss as before. */
    static final int MAX_PER_GUILD = 256;

    /** How to reload one cached answer, and when it was last read. */
    static final class Recipe {
        private final String id;
        private final String[] tags;
        private final Supplier<@Nullable Object> load;
        private final int hotTicks;
        private volatile long lastReadTick;

        /**
         * @param id the entry's key without its generation
         * @param tags the entry's tags, besides its generation's
         * @param load reads the answer from storage; {@code null} for an answer that is not cached
         * @param hotTicks ticks without a read after which the entry is no longer reloaded
         */
        Recipe(String id, String[] tags, Supplier<@Nullable Object> load, int hotTicks) {
            this.id = id;
            this.tags = tags;
            this.load = load;
            this.hotTicks = hotTicks;
        }
    }

    private static final class Guild {
        final long guildId;
        volatile long generation;
        final ConcurrentHashMap<String, Recipe> recipes = new ConcurrentHashMap<>();

        Guild(long guildId, long generation) {
            this.guildId = guildId;
            this.generation = generation;
        }
    }

    private final Cache<Object> cache;
    private final Dispatcher dispatcher;
    private final Duration ttl;
    private final long firstGeneration;
    private final ConcurrentHashMap<Long, Guild> guilds = new ConcurrentHashMap<>();
    private volatile long ticks;

    HotEntries(Cache<Object> cache, Dispatcher dispatcher, Duration ttl, long firstGeneration) {
        this.cache = cache;
        this.dispatcher = dispatcher;
        this.ttl = ttl;
        this.firstGeneration = firstGeneration & Long.MAX_VALUE;
    }

    /** The guild's current generation, which the key and the options of a read's entry must share. */
    long generation(long guildId) {
        return guild(guildId).generation;
    }

    /** The key of an entry of {@code generation}. */
    static String key(String id, long generation) {
        return id + ':' + generation;
    }

    /** The options of an entry of {@code generation}: the TTL, its tags and the generation's. */
    WriteOptions options(long guildId, long generation, String... tags) {
        String[] all = Arrays.copyOf(tags, tags.length + 1);
        all[tags.length] = generationTag(guildId, generation);
        return WriteOptions.ttl(ttl).withTags(all);
    }

    static String generationTag(long guildId, long generation) {
        return CacheKeys.key("gen", guildId, generation);
    }

    /**
     * Marks an entry read now, so that it is reloaded after the next ticks; {@code recipe} is called
     * only the first time.
     */
    void read(long guildId, String id, Supplier<Recipe> recipe) {
        Guild g = guild(guildId);
        Recipe r = g.recipes.get(id);
        if (r == null) {
            if (g.recipes.size() >= MAX_PER_GUILD) {
                return;
            }
            r = g.recipes.computeIfAbsent(id, k -> recipe.get());
        }
        long now = ticks;
        if (r.lastReadTick != now) {
            r.lastReadTick = now;
        }
    }

    /** After a tick committed its batch: reloads the hot entries of each written guild. Tracker lock held. */
    void afterWrite(Collection<Long> guildIds) {
        long now = ++ticks;
        for (long guildId : guildIds) {
            refresh(guild(guildId), now);
        }
    }

    private void refresh(Guild g, long now) {
        long current = g.generation;
        long next = current + 1;
        for (Recipe r : g.recipes.values()) {
            if (now - r.lastReadTick > r.hotTicks) {
                g.recipes.remove(r.id, r);
                continue;
            }
            try {
                Object answer = r.load.get();
                if (answer != null) {
                    cache.put(key(r.id, next), answer, options(g.guildId, next, r.tags));
                }
            } catch (RuntimeException e) {
                dispatcher.error("reloading cache entry " + r.id + " after a tick failed; it will miss", e);
            }
        }
        g.generation = next;
        drop(generationTag(g.guildId, current));
        drop(generationTag(g.guildId, current - 1));
    }

    private void drop(String tag) {
        try {
            cache.invalidateByTag(tag);
        } catch (RuntimeException e) {
            dispatcher.error("cache invalidation of tag " + tag + " failed", e);
        }
    }

    private Guild guild(long guildId) {
        Guild g = guilds.get(guildId);
        return g != null ? g : guilds.computeIfAbsent(guildId, id -> new Guild(id, firstGeneration));
    }
}
