package dev.voicetrack.cache.redis.internal;

import static dev.voicetrack.cache.redis.internal.CacheScripts.DELETE;
import static dev.voicetrack.cache.redis.internal.CacheScripts.FETCH;
import static dev.voicetrack.cache.redis.internal.CacheScripts.INDEX;
import static dev.voicetrack.cache.redis.internal.CacheScripts.INVALIDATE_TAG;
import static dev.voicetrack.cache.redis.internal.CacheScripts.PUT;
import static dev.voicetrack.cache.redis.internal.CacheScripts.SIZE;

import dev.voicetrack.cache.CacheConfig;
import dev.voicetrack.cache.KeyPattern;
import dev.voicetrack.cache.redis.ValueCodec;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The entries of one Redis cache as Redis holds them: what each cache operation sends to Redis, on a
 * connection the caller chose, with no fallback, no counting and no single flight (those are {@link
 * RedisCacheImpl}'s). Methods take the commands to run on and throw Lettuce's exceptions as they come.
 * Thread safe.
 */
final class RedisEntries<V> {

    static final int DELETE_BATCH = 256;
    private static final int SCAN_COUNT = 500;
    /** The most commands of a batch sent before awaiting their replies (see {@link #invalidateTags}). */
    static final int PIPELINE_CHUNK = 512;

    /**
     * One put in {@value}, at random, sweeps up to {@link #SWEEP_LIMIT} expired entries from the
     * index, which keeps it at about the number of live entries; sweeping on every put was an eighth
     * of its server time. Expired entries left meanwhile are still counted exactly: when a read finds
     * one, when the cache's stats count the entries, or when a bound evicts one.
     */
    private static final int SWEEP_EVERY = 16;

    private static final byte[] SWEEP_LIMIT = Scripts.bytes(64);
    private static final byte[] ZERO = Scripts.bytes(0);
    static final byte[] FIELD_VALUE = Scripts.bytes("v");
    static final byte[] FIELD_ABSENT = Scripts.bytes("n");
    private static final String FIELD_VALUE_NAME = "v";
    private static final String FIELD_ABSENT_NAME = "n";

    private final Connector connector;
    private final KeyLayout layout;
    private final ValueCodec<V> codec;
    private final byte[] maxEntriesArg;
    private final byte[] maxBytesArg;
    private final boolean keepsSizes;
    /** The prefix of tag set names as a script argument, on a standalone server the same for every entry. */
    private final byte[] standaloneTagSets;

    private volatile TtlArg lastTtlArg = new TtlArg(-1, new byte[0]);

    RedisEntries(Connector connector, KeyLayout layout, CacheConfig config, ValueCodec<V> codec) {
        this.connector = connector;
        this.layout = layout;
        this.codec = codec;
        // Bounds are kept per group, which is the whole cache only on a standalone server.
        this.maxEntriesArg =
                Scripts.bytes(layout.cluster() ? 0 : config.maximumEntries().orElse(0));
        this.keepsSizes = !layout.cluster() && config.maximumBytes().isPresent();
        this.maxBytesArg = keepsSizes ? Scripts.bytes(config.maximumBytes().orElseThrow()) : ZERO;
        this.standaloneTagSets = Scripts.bytes(layout.tagSets(""));
    }

    /** Whether the entries are spread over a cluster's slots (so their bookkeeping is split by slot). */
    boolean spread() {
        return layout.cluster();
    }

    /** Whether entry sizes and their total are kept (under a byte bound, on a standalone server). */
    boolean keepsSizes() {
        return keepsSizes;
    }

    // ---------------------------------------------------------------- reads

    /** Reads an entry and its remaining TTL, with the {@link CacheScripts#FETCH} script. */
    Read<V> fetch(KeyCommands redis, String key) {
        List<Object> r = FETCH.run(redis, ScriptOutputType.MULTI, withBookkeeping(layout.entry(key)));
        return decodeRead(r);
    }

    /**
     * A read for the cache's own {@code get}, which needs no TTL: one plain HMGET when the entry is
     * there (a hit costs the server no script), and the {@link CacheScripts#FETCH} script only on a
     * miss, for its bookkeeping (telling an expiration or eviction from a key never written).
     */
    Read<V> read(KeyCommands redis, String key) {
        List<byte @Nullable []> f = redis.hmget(layout.entry(key), FIELD_VALUE_NAME, FIELD_ABSENT_NAME);
        byte @Nullable [] value = f.get(0);
        if (value != null) {
            return new Read<>(Optional.of(new Fetched<>(Optional.of(codec.decode(value)), -1)), 0);
        }
        if (f.get(1) != null) {
            return new Read<>(Optional.of(new Fetched<>(Optional.empty(), -1)), 0);
        }
        return fetch(redis, key);
    }

    private Read<V> decodeRead(List<Object> r) {
        long ttl = r.get(2) instanceof Long l ? l : -2;
        int gone = r.get(3) instanceof Long g ? g.intValue() : 0;
        if (r.get(0) instanceof byte[] bytes) {
            return new Read<>(Optional.of(new Fetched<>(Optional.of(codec.decode(bytes)), ttl)), 0);
        }
        if (r.get(1) instanceof byte[]) {
            return new Read<>(Optional.of(new Fetched<>(Optional.empty(), ttl)), 0);
        }
        return new Read<>(Optional.empty(), gone);
    }

    /** Pipelined reads of distinct keys, one script call per key (each routed to its node on a cluster). */
    List<Read<V>> fetchAll(RedisClusterCommands<String, byte[]> redis, List<String> keys) {
        RedisClusterAsyncCommands<String, byte[]> async =
                connector.async().orElseThrow(() -> new RedisException("not connected"));
        // The first read loads the script on its node if needed; the rest can then use the digest.
        List<Read<V>> reads = new ArrayList<>(keys.size());
        KeyCommands commands = KeyCommands.of(redis);
        reads.add(fetch(commands, keys.get(0)));
        List<RedisFuture<List<Object>>> futures = new ArrayList<>(keys.size());
        for (int i = 1; i < keys.size(); i++) {
            futures.add(async.evalsha(FETCH.sha(), ScriptOutputType.MULTI, withBookkeeping(layout.entry(keys.get(i)))));
        }
        // One bound for the whole pipeline: a hung server costs the caller one command timeout, and a
        // read still unanswered then is a timeout (it used to be read as an empty reply). A failed read
        // does not end the wait (LettuceFutures.awaitAll's did, so one node without the script sent
        // the whole getAll to the fallback): it is sent again alone, which loads the script there.
        await(futures, connector.config().commandTimeout().toNanos(), "reads");
        for (int i = 1; i < keys.size(); i++) {
            var f = futures.get(i - 1).toCompletableFuture();
            if (f.isCompletedExceptionally()) {
                reads.add(fetch(commands, keys.get(i))); // NOSCRIPT on another node, for example
            } else {
                reads.add(decodeRead(f.join()));
            }
        }
        return reads;
    }

    /** Whether a value (not a remembered absence) is stored under {@code key}. */
    boolean contains(RedisClusterCommands<String, byte[]> redis, String key) {
        return redis.hexists(layout.entry(key), FIELD_VALUE_NAME);
    }

    /** The keys matching a pattern, sorted. */
    List<String> keys(RedisClusterCommands<String, byte[]> redis, String pattern, KeyPattern compiled) {
        Set<String> keys = new LinkedHashSet<>();
        scan(redis, layout.scanPattern(pattern), k -> {
            String userKey = layout.userKey(k);
            if (userKey != null && compiled.matches(userKey)) {
                keys.add(userKey);
            }
        });
        List<String> sorted = new ArrayList<>(keys);
        Collections.sort(sorted);
        return List.copyOf(sorted);
    }

    // ---------------------------------------------------------------- writes

    /**
     * Writes an entry with the {@link CacheScripts#PUT} script: {@code field} ({@link #FIELD_VALUE} or
     * {@link #FIELD_ABSENT}) set to {@code payload}, the TTL and the tags. Returns how many entries the
     * script found expired and how many it evicted to stay within the bounds.
     */
    long[] write(KeyCommands redis, String key, byte[] field, byte[] payload, Duration ttl, Set<String> tags) {
        long ms = Scripts.ttlMillis(ttl);
        String entry = layout.entry(key);
        String[] keys = new String[4 + tags.size()];
        byte[][] args = new byte[8 + tags.size()][];
        String[] book = layout.bookkeeping(entry);
        keys[0] = entry;
        keys[1] = book[0];
        keys[2] = book[1];
        keys[3] = book[2];
        args[0] = field;
        args[1] = payload;
        args[2] = ttlArg(ms);
        args[3] = maxEntriesArg;
        args[4] = maxBytesArg;
        // entry sizes are kept only under a byte bound
        args[5] = keepsSizes ? Scripts.bytes(estimateBytes(entry, payload, tags)) : ZERO;
        args[6] = ThreadLocalRandom.current().nextInt(SWEEP_EVERY) == 0 ? SWEEP_LIMIT : ZERO;
        args[7] = layout.cluster() ? Scripts.bytes(layout.tagSets(entry)) : standaloneTagSets;
        int i = 4;
        for (String tag : tags) {
            if (layout.cluster()) {
                INDEX.run(
                        redis,
                        ScriptOutputType.INTEGER,
                        new String[] {layout.tagIndex(tag)},
                        Scripts.bytes(ms),
                        Scripts.bytes(KeyLayout.slotTag(entry)));
            }
            keys[i] = layout.tagSet(tag, entry);
            args[i + 4] = Scripts.bytes(tag);
            i++;
        }
        List<Long> r = PUT.run(redis, ScriptOutputType.MULTI, keys, args);
        return new long[] {r.get(0), r.get(1)};
    }

    /** A TTL in milliseconds and its encoding as a script argument. */
    private record TtlArg(long ms, byte[] bytes) {}

    /** The script argument for {@code ms}; most writes use the default TTL, so the last is kept. */
    private byte[] ttlArg(long ms) {
        TtlArg last = lastTtlArg;
        if (last.ms() != ms) {
            last = new TtlArg(ms, Scripts.bytes(ms));
            lastTtlArg = last;
        }
        return last.bytes();
    }

    private static long estimateBytes(String entry, byte[] payload, Set<String> tags) {
        long n = 48 + entry.length() + payload.length;
        for (String tag : tags) {
            n += 16 + tag.length();
        }
        return n;
    }

    private String[] withBookkeeping(String entry) {
        String[] b = layout.bookkeeping(entry);
        return new String[] {entry, b[0], b[1], b[2]};
    }

    // ---------------------------------------------------------------- removal

    /** Deletes the entries of user keys with their bookkeeping, in batches; returns how many existed. */
    long delete(RedisClusterCommands<String, byte[]> redis, Collection<String> keys) {
        List<String> entries = new ArrayList<>(keys.size());
        for (String key : keys) {
            entries.add(layout.entry(key));
        }
        long n = 0;
        for (int i = 0; i < entries.size(); i += DELETE_BATCH) {
            n += deleteEntries(redis, entries.subList(i, Math.min(entries.size(), i + DELETE_BATCH)));
        }
        return n;
    }

    /** Deletes entries (Redis keys) with their bookkeeping; returns how many existed. */
    private long deleteEntries(RedisClusterCommands<String, byte[]> redis, Collection<String> entries) {
        Map<String, List<String>> byGroup = new LinkedHashMap<>();
        for (String e : entries) {
            byGroup.computeIfAbsent(layout.group(e), g -> new ArrayList<>()).add(e);
        }
        long n = 0;
        for (List<String> group : byGroup.values()) {
            String[] book = layout.bookkeeping(group.get(0));
            String[] keys = new String[3 + group.size()];
            System.arraycopy(book, 0, keys, 0, 3);
            for (int i = 0; i < group.size(); i++) {
                keys[3 + i] = group.get(i);
            }
            Long removed =
                    DELETE.run(redis, ScriptOutputType.INTEGER, keys, Scripts.bytes(layout.tagSets(group.get(0))));
            n += removed;
        }
        return n;
    }

    /** Deletes every key under this cache's prefix; returns how many entries there were. */
    long clear(RedisClusterCommands<String, byte[]> redis) {
        List<String> userKeys = new ArrayList<>();
        List<String> metaKeys = new ArrayList<>();
        long[] count = {0};
        scan(redis, layout.scanAll(), k -> {
            (layout.userKey(k) != null ? userKeys : metaKeys).add(k);
            if (userKeys.size() >= DELETE_BATCH) {
                count[0] += redis.del(userKeys.toArray(String[]::new));
                userKeys.clear();
            }
            if (metaKeys.size() >= DELETE_BATCH) {
                redis.del(metaKeys.toArray(String[]::new));
                metaKeys.clear();
            }
        });
        if (!userKeys.isEmpty()) {
            count[0] += redis.del(userKeys.toArray(String[]::new));
        }
        if (!metaKeys.isEmpty()) {
            redis.del(metaKeys.toArray(String[]::new));
        }
        return count[0];
    }

    /** Removes the entries carrying {@code tag}; returns their user keys. */
    List<String> invalidateTag(RedisClusterCommands<String, byte[]> redis, String tag) {
        List<String> groups = new ArrayList<>();
        if (layout.cluster()) {
            for (byte[] slotTag : redis.smembers(layout.tagIndex(tag))) {
                groups.add(string(slotTag));
            }
        } else {
            groups.add("");
        }
        List<String> removed = new ArrayList<>();
        for (String group : groups) {
            String set = layout.cluster() ? layout.tagSetInGroup(tag, group) : layout.tagSet(tag, "");
            String[] book = layout.cluster() ? layout.bookkeepingInGroup(group) : layout.bookkeeping("");
            String sets = layout.cluster() ? layout.tagSetsInGroup(group) : layout.tagSets("");
            List<byte[]> keys = INVALIDATE_TAG.run(
                    redis,
                    ScriptOutputType.MULTI,
                    new String[] {set, book[0], book[1], book[2]},
                    Scripts.bytes(tag),
                    Scripts.bytes(sets));
            for (byte[] k : keys) {
                String userKey = layout.userKey(string(k));
                if (userKey != null) {
                    removed.add(userKey);
                }
            }
        }
        return removed;
    }

    /**
     * Removes the entries carrying any of the distinct {@code tags}; returns their user keys, each once.
     * The {@link CacheScripts#INVALIDATE_TAG} scripts (one per tag, or per tag and slot group on a
     * cluster, whose slot groups are first read with pipelined {@code SMEMBERS}) are pipelined on the
     * connector's async commands and awaited a chunk at a time, so a batch costs one round trip per
     * {@value #PIPELINE_CHUNK} scripts instead of one per tag; on a cluster the async API sends each to
     * its slot's node. Each script still runs atomically, so an entry carrying two of the tags is
     * removed by the first and untagged from the second's set, never counted twice. As in {@link
     * #fetchAll}, the first script runs alone to load it on its node, and a script the pipeline could
     * not run (NOSCRIPT on another node) is sent again on its own; rerunning one is harmless, since it
     * removes only entries still carrying the tag. The chunks are bounded because each is awaited with
     * the command timeout: a tick's ten thousand tags awaited as one, behind other processes' batches,
     * outlasted a one-second timeout and sent the cache to its fallback; a hung server still costs the
     * caller a single timeout (the first chunk's).
     *
     * @throws RedisCommandTimeoutException if the pipeline is not answered within the command timeout
     */
    List<String> invalidateTags(RedisClusterCommands<String, byte[]> redis, List<String> tags) {
        if (tags.size() == 1) {
            return invalidateTag(redis, tags.get(0));
        }
        RedisClusterAsyncCommands<String, byte[]> async =
                connector.async().orElseThrow(() -> new RedisException("not connected"));
        long timeout = connector.config().commandTimeout().toNanos();
        List<String[]> calls = new ArrayList<>(); // {tag, group}
        if (layout.cluster()) {
            for (int from = 0; from < tags.size(); from += PIPELINE_CHUNK) {
                int to = Math.min(tags.size(), from + PIPELINE_CHUNK);
                List<RedisFuture<Set<byte[]>>> indexes = new ArrayList<>(to - from);
                for (int i = from; i < to; i++) {
                    indexes.add(async.smembers(layout.tagIndex(tags.get(i))));
                }
                await(indexes, timeout, "tag indexes");
                for (int i = from; i < to; i++) {
                    var f = indexes.get(i - from).toCompletableFuture();
                    Set<byte[]> slotTags =
                            f.isCompletedExceptionally() ? redis.smembers(layout.tagIndex(tags.get(i))) : f.join();
                    for (byte[] slotTag : slotTags) {
                        calls.add(new String[] {tags.get(i), string(slotTag)});
                    }
                }
            }
        } else {
            for (String tag : tags) {
                calls.add(new String[] {tag, ""});
            }
        }
        List<String> removed = new ArrayList<>();
        if (calls.isEmpty()) {
            return removed;
        }
        KeyCommands commands = KeyCommands.of(redis);
        List<byte[]> first = INVALIDATE_TAG.run(
                commands, ScriptOutputType.MULTI, invalidateKeys(calls.get(0)), invalidateArgs(calls.get(0)));
        addUserKeys(first, removed);
        for (int from = 1; from < calls.size(); from += PIPELINE_CHUNK) {
            int to = Math.min(calls.size(), from + PIPELINE_CHUNK);
            List<RedisFuture<List<byte[]>>> futures = new ArrayList<>(to - from);
            for (int i = from; i < to; i++) {
                futures.add(async.evalsha(
                        INVALIDATE_TAG.sha(),
                        ScriptOutputType.MULTI,
                        invalidateKeys(calls.get(i)),
                        invalidateArgs(calls.get(i))));
            }
            await(futures, timeout, "tag invalidations");
            for (int i = from; i < to; i++) {
                var f = futures.get(i - from).toCompletableFuture();
                if (f.isCompletedExceptionally()) {
                    List<byte[]> again = INVALIDATE_TAG.run(
                            commands,
                            ScriptOutputType.MULTI,
                            invalidateKeys(calls.get(i)),
                            invalidateArgs(calls.get(i)));
                    addUserKeys(again, removed);
                } else {
                    addUserKeys(f.join(), removed);
                }
            }
        }
        return removed;
    }

    /** The script keys for one {tag, group}: the tag's set in that group and the group's bookkeeping. */
    private String[] invalidateKeys(String[] call) {
        String tag = call[0];
        String group = call[1];
        String set = layout.cluster() ? layout.tagSetInGroup(tag, group) : layout.tagSet(tag, "");
        String[] book = layout.cluster() ? layout.bookkeepingInGroup(group) : layout.bookkeeping("");
        return new String[] {set, book[0], book[1], book[2]};
    }

    private byte[][] invalidateArgs(String[] call) {
        String sets = layout.cluster() ? layout.tagSetsInGroup(call[1]) : layout.tagSets("");
        return new byte[][] {Scripts.bytes(call[0]), Scripts.bytes(sets)};
    }

    private void addUserKeys(List<byte[]> entries, List<String> into) {
        for (byte[] k : entries) {
            String userKey = layout.userKey(string(k));
            if (userKey != null) {
                into.add(userKey);
            }
        }
    }

    /**
     * Waits until every command of a pipeline is answered, successfully or not, bounded by one command
     * timeout for all of it. Unlike {@link LettuceFutures#awaitAll}, a failed command does not end the
     * wait: the caller looks at each and sends the failed ones again on their own.
     *
     * @throws RedisCommandTimeoutException if some command is still unanswered after the timeout
     */
    private static void await(List<? extends RedisFuture<?>> futures, long timeoutNanos, String what) {
        CompletableFuture<?>[] settled = new CompletableFuture<?>[futures.size()];
        for (int i = 0; i < settled.length; i++) {
            settled[i] = futures.get(i).toCompletableFuture().handle((v, e) -> null);
        }
        try {
            CompletableFuture.allOf(settled).get(timeoutNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new RedisCommandTimeoutException(
                    "pipelined " + what + " not answered within " + Duration.ofNanos(timeoutNanos));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RedisException("interrupted while waiting for pipelined " + what, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a settled future failed", e); // handle() never fails
        }
    }

    /**
     * Removes the entries whose keys match a pattern, handing each matching user key to {@code
     * matched}; returns how many were removed.
     */
    long invalidatePattern(
            RedisClusterCommands<String, byte[]> redis, String pattern, KeyPattern compiled, Consumer<String> matched) {
        List<String> batch = new ArrayList<>();
        long[] n = {0};
        scan(redis, layout.scanPattern(pattern), k -> {
            String userKey = layout.userKey(k);
            if (userKey != null && compiled.matches(userKey)) {
                batch.add(k);
                matched.accept(userKey);
                if (batch.size() >= DELETE_BATCH) {
                    n[0] += deleteEntries(redis, batch);
                    batch.clear();
                }
            }
        });
        if (!batch.isEmpty()) {
            n[0] += deleteEntries(redis, batch);
        }
        return n[0];
    }

    // ---------------------------------------------------------------- size

    /**
     * Standalone only: drops the bookkeeping of expired entries from the expiry index and returns
     * {expired, entries, bytes}.
     */
    long[] size(RedisClusterCommands<String, byte[]> redis) {
        List<Long> out = SIZE.run(redis, ScriptOutputType.MULTI, layout.bookkeeping(""));
        return new long[] {out.get(0), out.get(1), out.get(2)};
    }

    /** Counts the entries with a SCAN (a cluster, whose expiry index is split by slot). */
    long count(RedisClusterCommands<String, byte[]> redis) {
        long[] count = {0};
        scan(redis, layout.scanAll(), k -> {
            if (layout.userKey(k) != null) {
                count[0]++;
            }
        });
        return count[0];
    }

    private static void scan(RedisClusterCommands<String, byte[]> redis, String match, Consumer<String> each) {
        ScanArgs args = ScanArgs.Builder.matches(match).limit(SCAN_COUNT);
        KeyScanCursor<String> cursor = redis.scan(args);
        while (true) {
            cursor.getKeys().forEach(each);
            if (cursor.isFinished()) {
                return;
            }
            cursor = redis.scan(cursor, args);
        }
    }

    private static String string(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
