package dev.voicetrack.cache.redis.internal;

/**
 * The Lua scripts of the Redis cache. Each keeps one entry and its bookkeeping consistent in one
 * atomic step: the entry hash, the expiry index (a sorted set by expiry time), the sizes hash and
 * byte total kept under a byte bound, and the tag sets (see {@link KeyLayout} for their names).
 */
final class CacheScripts {

    private CacheScripts() {}

    /**
     * Lua shared by the scripts: the server time, forgetting an entry's bookkeeping, and taking an
     * entry out of the sets of the tags it carries (all but {@code skip}), whose names are {@code
     * sets .. tag}: those sets are in the entry's slot, so a script may touch them on a cluster too,
     * and Redis deletes a set when its last member goes, so no tag set outlives its entries.
     */
    private static final String PRELUDE =
            """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local function forget(index, sizes, bytes, k)
              redis.call('ZREM', index, k)
              local b = redis.call('HGET', sizes, k)
              if b then
                redis.call('HDEL', sizes, k)
                redis.call('DECRBY', bytes, b)
              end
            end
            local function untag(sets, k, skip)
              for _, f in ipairs(redis.call('HKEYS', k)) do
                if string.sub(f, 1, 2) == 't:' and string.sub(f, 3) ~= skip then
                  redis.call('SREM', sets .. string.sub(f, 3), k)
                end
              end
            end
            """;

    /**
     * KEYS: entry, index, sizes, bytes, tag sets. ARGV: field, payload, ttl ms, max entries, max bytes,
     * entry bytes, how many expired index entries to sweep first, the prefix of tag set names, tags.
     * Returns {expired, evicted}.
     */
    static final Scripts PUT = new Scripts(
            PRELUDE
                    + """
            local ttl = tonumber(ARGV[3])
            local maxEntries = tonumber(ARGV[4])
            local maxBytes = tonumber(ARGV[5])
            local sweep = tonumber(ARGV[7])
            local expired = 0
            if sweep > 0 then
              for _, k in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, sweep)) do
                forget(KEYS[2], KEYS[3], KEYS[4], k)
                expired = expired + 1
              end
            end
            -- the previous version: it leaves its tag sets (the new tags are added back below), its
            -- fields go with DEL, its index score is replaced by ZADD below, and only a size limit keeps
            -- a size to take back
            untag(ARGV[8], KEYS[1], false)
            redis.call('DEL', KEYS[1])
            if maxBytes > 0 then
              local b = redis.call('HGET', KEYS[3], KEYS[1])
              if b then
                redis.call('HDEL', KEYS[3], KEYS[1])
                redis.call('DECRBY', KEYS[4], b)
              end
            end
            local fields = {ARGV[1], ARGV[2]}
            for i = 9, #ARGV do
              fields[#fields + 1] = 't:' .. ARGV[i]
              fields[#fields + 1] = '1'
            end
            redis.call('HSET', KEYS[1], unpack(fields))
            redis.call('PEXPIRE', KEYS[1], ttl)
            redis.call('ZADD', KEYS[2], now + ttl, KEYS[1])
            if maxBytes > 0 then
              redis.call('HSET', KEYS[3], KEYS[1], ARGV[6])
              redis.call('INCRBY', KEYS[4], ARGV[6])
            end
            for i = 5, #KEYS do
              redis.call('SADD', KEYS[i], KEYS[1])
              if redis.call('PTTL', KEYS[i]) < ttl then
                redis.call('PEXPIRE', KEYS[i], ttl)
              end
            end
            local evicted = 0
            local function over()
              local n = redis.call('ZCARD', KEYS[2])
              if n <= 1 then return false end
              if maxEntries > 0 and n > maxEntries then return true end
              return maxBytes > 0 and tonumber(redis.call('GET', KEYS[4]) or '0') > maxBytes
            end
            while (maxEntries > 0 or maxBytes > 0) and over() do
              -- the entry expiring first; one already expired (not swept yet) counts as an expiration
              local first = redis.call('ZRANGE', KEYS[2], 0, 1, 'WITHSCORES')
              local victim, score = first[1], first[2]
              if victim == KEYS[1] then victim, score = first[3], first[4] end
              untag(ARGV[8], victim, false)
              redis.call('DEL', victim)
              forget(KEYS[2], KEYS[3], KEYS[4], victim)
              if tonumber(score) <= now then
                expired = expired + 1
              else
                evicted = evicted + 1
              end
            end
            return {expired, evicted}
            """);

    /**
     * KEYS: entry, index, sizes, bytes. Returns {value, absent marker, pttl, gone}, where gone is 1 if
     * the entry has just been found expired and 2 if it vanished early (server memory eviction).
     */
    static final Scripts FETCH = new Scripts(
            PRELUDE
                    + """
            local f = redis.call('HMGET', KEYS[1], 'v', 'n')
            if f[1] or f[2] then
              return {f[1], f[2], redis.call('PTTL', KEYS[1]), 0}
            end
            local s = redis.call('ZSCORE', KEYS[2], KEYS[1])
            if not s then
              return {false, false, -2, 0}
            end
            forget(KEYS[2], KEYS[3], KEYS[4], KEYS[1])
            if tonumber(s) <= now + 5 then
              return {false, false, -2, 1}
            end
            return {false, false, -2, 2}
            """);

    /**
     * KEYS: index, sizes, bytes, entries. ARGV: the prefix of tag set names. Deletes the entries and
     * takes them out of their tag sets; returns how many existed.
     */
    static final Scripts DELETE = new Scripts(
            PRELUDE
                    + """
            local n = 0
            for i = 4, #KEYS do
              untag(ARGV[1], KEYS[i], false)
              n = n + redis.call('DEL', KEYS[i])
              forget(KEYS[1], KEYS[2], KEYS[3], KEYS[i])
            end
            return n
            """);

    /**
     * KEYS: tag set, index, sizes, bytes. ARGV: tag, the prefix of tag set names. Deletes the members
     * still carrying the tag, takes them out of the sets of their other tags, and deletes the set;
     * returns the removed entry keys.
     */
    static final Scripts INVALIDATE_TAG = new Scripts(
            PRELUDE
                    + """
            local field = 't:' .. ARGV[1]
            local removed = {}
            for _, member in ipairs(redis.call('SMEMBERS', KEYS[1])) do
              if redis.call('HEXISTS', member, field) == 1 then
                untag(ARGV[2], member, ARGV[1])
                redis.call('DEL', member)
                forget(KEYS[2], KEYS[3], KEYS[4], member)
                removed[#removed + 1] = member
              end
            end
            redis.call('DEL', KEYS[1])
            return removed
            """);

    /** KEYS: index, sizes, bytes. Drops expired bookkeeping; returns {expired, entries, bytes}. */
    static final Scripts SIZE = new Scripts(
            PRELUDE
                    + """
            local expired = 0
            for _, k in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, 1000)) do
              forget(KEYS[1], KEYS[2], KEYS[3], k)
              expired = expired + 1
            end
            return {expired, redis.call('ZCARD', KEYS[1]), tonumber(redis.call('GET', KEYS[3]) or '0')}
            """);

    /** KEYS: index. ARGV: ttl, slot string. Adds a slot group to a tag's index (cluster only). */
    static final Scripts INDEX = new Scripts(
            """
            local ttl = tonumber(ARGV[1])
            redis.call('SADD', KEYS[1], ARGV[2])
            if redis.call('PTTL', KEYS[1]) < ttl then
              redis.call('PEXPIRE', KEYS[1], ttl)
            end
            return 1
            """);
}
