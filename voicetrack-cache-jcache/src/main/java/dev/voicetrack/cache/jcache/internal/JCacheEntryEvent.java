package dev.voicetrack.cache.jcache.internal;

import javax.cache.Cache;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.EventType;
import org.jspecify.annotations.Nullable;

/**
 * One change of one entry. For updates the old value is kept; for removals and expiries the value
 * and the old value are the value the entry had. Listeners that did not ask for old values get a copy
 * without it (and, for removals and expiries, without a value).
 */
final class JCacheEntryEvent<K, V> extends CacheEntryEvent<K, V> {

    private static final long serialVersionUID = 1L;

    private final K key;
    private final @Nullable V value;
    private final @Nullable V oldValue;
    private final boolean oldValueAvailable;

    JCacheEntryEvent(
            Cache<K, V> source,
            EventType type,
            K key,
            @Nullable V value,
            @Nullable V oldValue,
            boolean oldValueAvailable) {
        super(source, type);
        this.key = key;
        this.value = value;
        this.oldValue = oldValue;
        this.oldValueAvailable = oldValueAvailable;
    }

    /** This event as a listener that did not ask for old values sees it. */
    JCacheEntryEvent<K, V> withoutOldValue() {
        if (!oldValueAvailable) {
            return this;
        }
        @SuppressWarnings("unchecked")
        Cache<K, V> cache = (Cache<K, V>) getSource();
        V shown = getEventType() == EventType.UPDATED || getEventType() == EventType.CREATED ? value : null;
        return new JCacheEntryEvent<>(cache, getEventType(), key, shown, null, false);
    }

    @Override
    public K getKey() {
        return key;
    }

    @Override
    public @Nullable V getValue() {
        return value;
    }

    @Override
    public @Nullable V getOldValue() {
        return oldValue;
    }

    @Override
    public boolean isOldValueAvailable() {
        return oldValueAvailable;
    }

    @Override
    public <T> T unwrap(Class<T> clazz) {
        if (clazz.isInstance(this)) {
            return clazz.cast(this);
        }
        throw new IllegalArgumentException("a cache entry event cannot be unwrapped to " + clazz.getName());
    }
}
