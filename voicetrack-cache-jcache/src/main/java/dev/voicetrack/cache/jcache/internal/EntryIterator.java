package dev.voicetrack.cache.jcache.internal;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Predicate;
import javax.cache.Cache;
import org.jspecify.annotations.Nullable;

/**
 * Iterates over a snapshot of a cache's keys, reading each entry when it is reached: an entry removed
 * or expired since the snapshot is skipped, each entry returned counts as a hit and gets the access
 * expiry, and {@link #remove()} removes through the cache (writer, event, statistics).
 */
final class EntryIterator<K, V> implements Iterator<Cache.Entry<K, V>> {

    private final Entries<K, V> entries;
    private final Iterator<String> storeKeys;
    private final Predicate<K> remover;
    private Cache.@Nullable Entry<K, V> next;
    private Cache.@Nullable Entry<K, V> last;

    EntryIterator(Entries<K, V> entries, List<String> storeKeys, Predicate<K> remover) {
        this.entries = entries;
        this.storeKeys = storeKeys.iterator();
        this.remover = remover;
    }

    @Override
    public boolean hasNext() {
        while (next == null && storeKeys.hasNext()) {
            String k = storeKeys.next();
            K key = entries.decodeKey(k);
            long now = entries.ticker.read();
            var batch = new Listeners.Batch<K, V>();
            synchronized (entries.lockFor(k)) {
                Stored s = entries.live(key, k, now, batch);
                if (s != null) {
                    entries.touch(k, s, now);
                    entries.recordGet(true, now, false);
                    next = new JCacheEntry<>(key, entries.read(s));
                }
            }
            entries.listeners.deliver(batch);
        }
        return next != null;
    }

    @Override
    public Cache.Entry<K, V> next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        Cache.Entry<K, V> current = next;
        last = current;
        next = null;
        return current;
    }

    @Override
    public void remove() {
        Cache.Entry<K, V> current = last;
        if (current == null) {
            throw new IllegalStateException("next() must be called before remove()");
        }
        remover.test(current.getKey());
        last = null;
    }
}
