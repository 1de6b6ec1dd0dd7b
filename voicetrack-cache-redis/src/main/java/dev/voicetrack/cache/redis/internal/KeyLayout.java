package dev.voicetrack.cache.redis.internal;

import dev.voicetrack.cache.KeyPattern;
import io.lettuce.core.cluster.SlotHash;

/**
 * Where a cache's data lives in Redis.
 *
 * <ul>
 *   <li>An entry is a hash at {@code <prefix><key>} with field {@code v} (the encoded value) or
 *       {@code n} (a remembered absence), and one field {@code t:<tag>} per tag, so that an
 *       invalidation can tell whether a key still carries a tag.
 *   <li>A tag is a set of entry keys at {@code <prefix>~vt~t:<tag>}. On a cluster a tag is split by
 *       hash slot: the set for the entries of slot S is {@code <prefix>~vt~{<s>}t:<tag>}, where
 *       {@code <s>} is a short string that hashes to S, so that the set and its entries share a slot
 *       and one Lua script can update both; {@code <prefix>~vt~i:<tag>} lists the slot strings in use.
 *   <li>Bookkeeping per group (the whole cache on a standalone server, one hash slot on a cluster):
 *       {@code ...x} a sorted set of entry keys by expiry time in server milliseconds, which gives
 *       the exact size, counts expirations and picks eviction victims; {@code ...s} and {@code ...b}
 *       the estimated bytes per entry and in total, kept only when a byte bound is set.
 * </ul>
 *
 * Every key starts with the prefix, so SCAN {@code <prefix>*} finds all of a cache's keys (clear) and
 * nothing else. Keys starting with {@link #META} are reserved.
 */
final class KeyLayout {

    static final String META = "~vt~";

    private static final String[] SLOT_TAGS = slotTags();

    private final String prefix;
    private final boolean cluster;
    private final String scanPrefix;
    private final String[] standaloneBookkeeping;

    KeyLayout(String prefix, boolean cluster) {
        this.prefix = prefix;
        // A prefix with a hash tag ("{voice}:") puts every key of the cache in one slot, so the
        // standalone layout, with its exact size and bounds, works on a cluster too.
        this.cluster = cluster && !hasHashTag(prefix);
        this.scanPrefix = KeyPattern.escape(prefix);
        String g = prefix + META;
        this.standaloneBookkeeping = new String[] {g + "x", g + "s", g + "b"};
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

    String entry(String key) {
        return prefix + key;
    }

    /** The cache key of a Redis key under the prefix, or null for a reserved (meta) key. */
    String userKey(String redisKey) {
        if (!redisKey.startsWith(prefix)) {
            return null;
        }
        String key = redisKey.substring(prefix.length());
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
            return prefix + META + "t:" + tag;
        }
        return prefix + META + "{" + SLOT_TAGS[SlotHash.getSlot(entryKey)] + "}t:" + tag;
    }

    /** The tag set for {@code tag} in the slot group named by {@code slotTag} (cluster only). */
    String tagSetInGroup(String tag, String slotTag) {
        return prefix + META + "{" + slotTag + "}t:" + tag;
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
        return cluster ? prefix + META + "{" + slotTag(entryKey) + "}" : prefix + META;
    }

    /** The slot string of the group holding {@code entryKey} (cluster only). */
    static String slotTag(String entryKey) {
        return SLOT_TAGS[SlotHash.getSlot(entryKey)];
    }

    /** The set of slot strings in use for {@code tag} (cluster only). */
    String tagIndex(String tag) {
        return prefix + META + "i:" + tag;
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
