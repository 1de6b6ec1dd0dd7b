package dev.voicetrack.cache.session;

import dev.voicetrack.cache.Ticker;
import dev.voicetrack.cache.ValueIsolation;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * Sessions in this process: one map per scope, expiry on the injected {@link Ticker}, values isolated
 * by a {@link ValueIsolation} rule (immutable values by default). Expired sessions are dropped when
 * read or listed. Every operation takes the scope's lock, so operations on one session are atomic;
 * {@link #list} costs O(sessions in the scope). Thread safe.
 *
 * @param <V> the session value type
 */
public final class InProcessSessionStore<V> implements SessionStore<V> {

    private final Ticker ticker;
    private final ValueIsolation<V> isolation;
    private final Map<String, Map<String, Entry<V>>> scopes = new ConcurrentHashMap<>();

    private record Entry<V>(V value, long expiresAt) {}

    private InProcessSessionStore(Ticker ticker, ValueIsolation<V> isolation) {
        this.ticker = ticker;
        this.isolation = isolation;
    }

    /** A store with the system ticker for immutable values. */
    public static <V> InProcessSessionStore<V> create() {
        return create(Ticker.system(), ValueIsolation.immutable());
    }

    /** A store with the given time source and isolation rule. */
    public static <V> InProcessSessionStore<V> create(Ticker ticker, ValueIsolation<V> isolation) {
        Objects.requireNonNull(ticker, "ticker");
        Objects.requireNonNull(isolation, "isolation");
        return new InProcessSessionStore<>(ticker, isolation);
    }

    /**
     * Checks a scope or id: not null, not blank.
     *
     * @throws IllegalArgumentException if it is blank
     */
    public static String checkName(String field, String value) {
        Objects.requireNonNull(value, field);
        if (value.isBlank()) {
            throw new IllegalArgumentException(field + " must not be blank, was '" + value + "'");
        }
        return value;
    }

    /**
     * Checks a TTL: positive.
     *
     * @throws IllegalArgumentException if it is zero or negative
     */
    public static Duration checkTtl(Duration ttl) {
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.isZero() || ttl.isNegative()) {
            throw new IllegalArgumentException("ttl must be > 0, was " + ttl);
        }
        return ttl;
    }

    private Map<String, Entry<V>> scope(String scope) {
        return scopes.computeIfAbsent(checkName("scope", scope), s -> new LinkedHashMap<>());
    }

    private boolean live(Entry<V> e, long now) {
        return e != null && now - e.expiresAt < 0;
    }

    @Override
    public void put(String scope, String id, V value, Duration ttl) {
        checkName("id", id);
        Objects.requireNonNull(value, "value");
        checkTtl(ttl);
        V safe = isolation.onWrite(id, value);
        Map<String, Entry<V>> s = scope(scope);
        synchronized (s) {
            s.put(id, new Entry<>(safe, ticker.read() + ttl.toNanos()));
        }
    }

    @Override
    public Optional<V> get(String scope, String id) {
        checkName("id", id);
        Map<String, Entry<V>> s = scope(scope);
        synchronized (s) {
            Entry<V> e = s.get(id);
            if (!live(e, ticker.read())) {
                s.remove(id);
                return Optional.empty();
            }
            return Optional.of(isolation.onRead(e.value));
        }
    }

    @Override
    public boolean touch(String scope, String id, Duration ttl) {
        checkName("id", id);
        checkTtl(ttl);
        Map<String, Entry<V>> s = scope(scope);
        synchronized (s) {
            long now = ticker.read();
            Entry<V> e = s.get(id);
            if (!live(e, now)) {
                s.remove(id);
                return false;
            }
            s.put(id, new Entry<>(e.value, now + ttl.toNanos()));
            return true;
        }
    }

    @Override
    public Optional<V> update(String scope, String id, UnaryOperator<V> update) {
        checkName("id", id);
        Objects.requireNonNull(update, "update");
        Map<String, Entry<V>> s = scope(scope);
        synchronized (s) {
            Entry<V> e = s.get(id);
            if (!live(e, ticker.read())) {
                s.remove(id);
                return Optional.empty();
            }
            V next = Objects.requireNonNull(update.apply(isolation.onRead(e.value)), "update returned null");
            V safe = isolation.onWrite(id, next);
            s.put(id, new Entry<>(safe, e.expiresAt));
            return Optional.of(isolation.onRead(safe));
        }
    }

    @Override
    public boolean remove(String scope, String id) {
        checkName("id", id);
        Map<String, Entry<V>> s = scope(scope);
        synchronized (s) {
            Entry<V> e = s.remove(id);
            return live(e, ticker.read());
        }
    }

    @Override
    public Map<String, V> list(String scope) {
        Map<String, Entry<V>> s = scope(scope);
        Map<String, V> result = new TreeMap<>();
        synchronized (s) {
            long now = ticker.read();
            s.entrySet().removeIf(e -> !live(e.getValue(), now));
            s.forEach((id, e) -> result.put(id, isolation.onRead(e.value)));
        }
        return Collections.unmodifiableMap(result);
    }

    /** Removes every session of every scope. */
    public void clear() {
        scopes.clear();
    }

    @Override
    public void close() {
        scopes.clear();
    }
}
