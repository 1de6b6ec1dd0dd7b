package dev.voicetrack.core.internal;

import dev.voicetrack.cache.Cache;
import dev.voicetrack.cache.CacheKeys;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The cache tags the tracker puts on what its queries cache, and their invalidation after a write.
 *
 * <p>Every cached entry carries its guild's tag; a member's entries also carry the member's tag, and
 * leaderboard pages and ranks the guild's leaderboard tag. A tick invalidates the guild tag of every
 * guild it wrote to (once per guild per tick, all in one batch); an admin operation on one member invalidates that
 * member's tag and its guild's leaderboards. A failed invalidation is reported, never thrown: storage
 * has already committed, and the entry expires by its TTL. The {@link HotEntries} of an invalidated guild are
 * reloaded after the tick.
 *
 * <p>Thread safe (the cache is).
 */
final class CacheTags {
    private final @Nullable Cache<Object> cache;
    private final Dispatcher dispatcher;

    private final HotEntries hot;

    CacheTags(@Nullable Cache<Object> cache, Dispatcher dispatcher, HotEntries hot) {
        this.cache = cache;
        this.dispatcher = dispatcher;
        this.hot = hot;
    }

    static String guild(long guildId) {
        return CacheKeys.key("guild", guildId);
    }

    static String user(long guildId, long userId) {
        return CacheKeys.key("user", guildId, userId);
    }

    static String leaderboards(long guildId) {
        return CacheKeys.key("lb", guildId);
    }

    /** Drops everything cached about a guild. */
    void invalidateGuild(long guildId) {
        invalidate(guild(guildId));
        hot.invalidated(guildId);
    }

    /**
     * Drops everything cached about each of {@code guildIds}, in one {@link Cache#invalidateByTags} call
     * (on the Redis caches one pipelined round trip for the tick, instead of one per guild), then marks
     * their hot entries for reloading. A failure is reported once for the batch, never thrown.
     */
    void invalidateGuilds(Collection<Long> guildIds) {
        if (guildIds.isEmpty()) {
            return;
        }
        Cache<Object> c = cache;
        if (c != null) {
            List<String> guildTags = new ArrayList<>(guildIds.size());
            for (long g : guildIds) {
                guildTags.add(guild(g));
            }
            try {
                c.invalidateByTags(guildTags);
            } catch (RuntimeException e) {
                dispatcher.error(
                        "cache invalidation of the tags of " + guildTags.size() + " guilds (first " + guildTags.get(0)
                                + ") failed",
                        e);
            }
        }
        for (long g : guildIds) {
            hot.invalidated(g);
        }
    }

    /** Drops what is cached about one member, and its guild's leaderboards and ranks. */
    void invalidateMember(long guildId, long userId) {
        invalidate(user(guildId, userId));
        invalidate(leaderboards(guildId));
        hot.invalidated(guildId);
    }

    private void invalidate(String tag) {
        Cache<Object> c = cache;
        if (c == null) {
            return;
        }
        try {
            c.invalidateByTag(tag);
        } catch (RuntimeException e) {
            dispatcher.error("cache invalidation of tag " + tag + " failed", e);
        }
    }
}
