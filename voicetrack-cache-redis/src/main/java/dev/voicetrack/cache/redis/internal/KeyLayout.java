package dev.voicetrack.cache.redis.internal;

import dev.voicetrack.cache.KeyPattern;
import io.lettuce.core.cluster.SlotHash;

/**
 * Where a cache's data lives in Redis. Every key of a cache starts with its base, {@code
 * <prefix><name>:} (the connector's key prefix and the cache's name), so caches with different names
 * on one server and prefix never see each other's entries, tags or bookkeeping.
 *
 * <ul>
 *   <li>An entry is a hash at {@code <base><key>} with field {@code v} (the encoded value) or {@code
 *       n} (a remembered absence), and one field {@code t:<tag>} per tag, so that an invalidation can
 *       tell whether a key still carries a tag.
 *   <li>A tag is a set of entry keys at {@code <base>~vt~t:<tag>}. On a cluster a spread cache's tag
 *       is split by hash slot: the set for the entries of slot S is {@code <base>~vt~{<s>}t:<tag>},
 *       where {@code <s>} is a short string that hashes to S, so that the set and its entries share a
 *       slot and one Lua script can update both; {@code <base>~vt~i:<tag>} lists the slot strings in
 *       use.
 *   <li>Bookkeeping per group (the whole cache, except for a spread cache on a cluster: one hash
 *       slot): {@code ...x} a sorted set of entry keys by expiry time in server milliseconds, which
 *       gives the exact size, counts expirations and picks eviction victims; {@code ...s} and {@code
 *       ...b} the estimated bytes per entry and in total, kept only when a byte bound is set.
 * </ul>
 *
 * <h2>Cluster</h2>
 *
 * A prefix with a hash tag ({@code {voice}:}) puts every cache under it in that one slot. Otherwise a
 * cache with an entry or byte bound gets a slot of its own, its name as hash tag ({@code
 * <prefix>{<name>}:}), so its bounds and size stay exact; an unbounded cache spreads over every slot
 * ({@code <prefix><name>:}).
 *
 * <p>SCAN {@code <base>*} finds all of a cache's keys (clear) and nothing else, because a name cannot
 * contain {@code :} (see {@link #checkName}). Keys starting with {@link #META} are reserved.
 */
final class KeyLayout {

    static final String META = "~vt~";

    private static final String[] SLOT_TAGS = slotTags();

    private final String prefix;
    private final String base;
    private final boolean cluster;
    private final String scanPrefix;
    private final String[] standaloneBookkeeping;

    /**
     * The layout of cache {@code name} under {@code prefix}.
     *
     * @param bounded whether the cache has an entry or byte bound (on a cluster, it then keeps one slot)
     * @throws IllegalArgumentException if the name cannot be part of a key (see {@link #checkName})
     */
    KeyLayout(String prefix, String name, boolean cluster, boolean bounded) {
        checkName(name);
        this.prefix = prefix;
        // A prefix with a hash tag ("{voice}:") puts every key in one slot, so the standalone layout,
        // with its exact size and bounds, works on a cluster too; a bounded cache gets a slot of its own.
        boolean pinned = cluster && bounded && !hasHashTag(prefix);
        this.base = pinned ? prefix + "{" + name + "}:" : prefix + name + ":";
        this.cluster = cluster && !hasHashTag(base);
        this.scanPrefix = KeyPattern.escape(base);
        String g = base + META;
        this.standaloneBookkeeping = new String[] {g + "x", g + "s", g + "b"};
    }

    /**
     * Checks that a cache name can be part of Redis keys: 1 to 64 letters, digits, {@code .}, {@code
     * _} or {@code -} (no {@code :}, so one cache's keys never fall under another's), and not {@code
     * rl} or {@code ss}, which the rate limiter and the session store use under the same prefix.
     *
     * @throws IllegalArgumentException naming the cache name
     */
    static void checkName(String name) {
        if (name.isEmpty()
                || name.length() > 64
                || !name.chars()
                        .allMatch(c -> c < 128 && (Character.isLetterOrDigit(c) || c == '.' || c == '_' || c == '-'))
                || name.equals("rl")
                || name.equals("ss")) {
            throw new IllegalArgumentException("name of a Redis cache must be 1 to 64 letters, digits, '.', '_' or"
                    + " '-', and not 'rl' or 'ss' (used by rate limiters and session stores), was '" + name + "'");
        }
    }

    /** Whether Redis Cluster would hash keys starting with {@code prefix} by a tag inside it. */
    static boolean hasHashTag(String prefix) {
        int open = prefix.indexOf('{');
        if (open < 0) {
            return false;
        }
        int close = prefix.indexOf('}', open + 1);
        return close > open + 1;
    }

    String prefix() {
        return prefix;
    }

    /** What every key of this cache starts with: {@code <prefix><name>:}, or {@code <prefix>{<name>}:}. */
    String base() {
        return base;
    }

    String entry(String key) {
        return base + key;
    }

    /** The cache key of a Redis key of this cache, or null for a reserved (meta) key. */
    String userKey(String redisKey) {
        if (!redisKey.startsWith(base)) {
            return null;
        }
        String key = redisKey.substring(base.length());
        return key.startsWith(META) || key.isEmpty() ? null : key;
    }

    /** The SCAN MATCH pattern selecting the Redis keys of cache keys matching {@code pattern}. */
    String scanPattern(String pattern) {
        return scanPrefix + pattern;
    }

    /** The SCAN MATCH pattern selecting every key of this cache, meta keys included. */
    String scanAll() {
        return scanPrefix + "*";
    }

    /** The tag set holding {@code entryKey} (a Redis key) for {@code tag}. */
    String tagSet(String tag, String entryKey) {
        if (!cluster) {
            return base + META + "t:" + tag;
        }
        return base + META + "{" + SLOT_TAGS[SlotHash.getSlot(entryKey)] + "}t:" + tag;
    }

    /** The bookkeeping keys (expiry index, sizes, bytes) of the slot group named by {@code slotTag} (cluster only). */
    String[] bookkeepingInGroup(String slotTag) {
        String g = base + META + "{" + slotTag + "}";
        return new String[] {g + "x", g + "s", g + "b"};
    }

    /** What the names of the tag sets holding {@code entryKey} start with: {@code tagSet(t, entryKey)} is it + t. */
    String tagSets(String entryKey) {
        return group(entryKey) + "t:";
    }

    /** What the names of the tag sets of the slot group {@code slotTag} start with (cluster only). */
    String tagSetsInGroup(String slotTag) {
        return base + META + "{" + slotTag + "}t:";
    }

    /** The tag set for {@code tag} in the slot group named by {@code slotTag} (cluster only). */
    String tagSetInGroup(String tag, String slotTag) {
        return base + META + "{" + slotTag + "}t:" + tag;
    }

    /** The expiry index (sorted set: entry key by expiry time in server ms) of {@code entryKey}'s group. */
    String expiryIndex(String entryKey) {
        return group(entryKey) + "x";
    }

    /** The estimated bytes (hash: entry key to bytes) of {@code entryKey}'s group. */
    String sizes(String entryKey) {
        return group(entryKey) + "s";
    }

    /** The total estimated bytes (counter) of {@code entryKey}'s group. */
    String bytes(String entryKey) {
        return group(entryKey) + "b";
    }

    /**
     * The bookkeeping keys of {@code entryKey}'s group: expiry index, sizes, bytes. On a standalone
     * server always the same array, made once; callers must not modify it.
     */
    String[] bookkeeping(String entryKey) {
        if (!cluster) {
            return standaloneBookkeeping;
        }
        String g = group(entryKey);
        return new String[] {g + "x", g + "s", g + "b"};
    }

    /** A name for the group of {@code entryKey}: all of them on a standalone server, its slot's on a cluster. */
    String group(String entryKey) {
        return cluster ? base + META + "{" + slotTag(entryKey) + "}" : base + META;
    }

    /** The slot string of the group holding {@code entryKey} (cluster only). */
    static String slotTag(String entryKey) {
        return SLOT_TAGS[SlotHash.getSlot(entryKey)];
    }

    /** The set of slot strings in use for {@code tag} (cluster only). */
    String tagIndex(String tag) {
        return base + META + "i:" + tag;
    }

    /** Whether the cache is spread over the slots of a cluster (so bookkeeping is split by slot). */
    boolean cluster() {
        return cluster;
    }

    private static String[] slotTags() {
        String[] tags = new String[SlotHash.SLOT_COUNT];
        int found = 0;
        for (int i = 0; found < tags.length; i++) {
            String candidate = Integer.toString(i, 36);
            int slot = SlotHash.getSlot(candidate);
            if (tags[slot] == null) {
                tags[slot] = candidate;
                found++;
            }
        }
        return tags;
    }
}
