package dev.voicetrack.cache.ratelimit;

import dev.voicetrack.cache.Ticker;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Rate limits held in this process: one sliding-window log per rule and key, each guarded by its own
 * lock, so acquisitions on different keys never wait for each other. Memory is proportional to the
 * acquisitions inside the current windows; idle windows are dropped by a sweep every 4,096 calls.
 * Time comes from the injected {@link Ticker}. Thread safe.
 */
public final class InProcessRateLimiter implements RateLimiter {

    private static final int SWEEP_EVERY = 4096;

    private final Map<String, RateLimitRule> rules;
    private final Ticker ticker;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();
    private final AtomicLong calls = new AtomicLong();

    private InProcessRateLimiter(Map<String, RateLimitRule> rules, Ticker ticker) {
        this.rules = rules;
        this.ticker = ticker;
    }

    /**
     * A limiter with the given rules and the system ticker.
     *
     * @throws IllegalArgumentException if there are no rules or two share a name
     */
    public static InProcessRateLimiter create(Collection<RateLimitRule> rules) {
        return create(rules, Ticker.system());
    }

    /** A limiter with the given rules and time source. */
    public static InProcessRateLimiter create(Collection<RateLimitRule> rules, Ticker ticker) {
        Objects.requireNonNull(ticker, "ticker");
        return new InProcessRateLimiter(index(rules), ticker);
    }

    /**
     * The rules by name, checked.
     *
     * @throws IllegalArgumentException if there are no rules or two share a name
     */
    public static Map<String, RateLimitRule> index(Collection<RateLimitRule> rules) {
        Objects.requireNonNull(rules, "rules");
        if (rules.isEmpty()) {
            throw new IllegalArgumentException("rules must not be empty, was []");
        }
        Map<String, RateLimitRule> byName = new LinkedHashMap<>();
        for (RateLimitRule r : rules) {
            Objects.requireNonNull(r, "rules element");
            if (byName.putIfAbsent(r.name(), r) != null) {
                throw new IllegalArgumentException("rule names must be unique, was '" + r.name() + "' twice");
            }
        }
        return java.util.Collections.unmodifiableMap(byName);
    }

    /**
     * The rule named {@code rule}, checked against {@code key}'s scope.
     *
     * @throws IllegalArgumentException if there is no such rule or the scopes differ
     */
    public static RateLimitRule ruleFor(Map<String, RateLimitRule> rules, String rule, RateLimitKey key) {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(key, "key");
        RateLimitRule r = rules.get(rule);
        if (r == null) {
            throw new IllegalArgumentException("rule must be one of " + rules.keySet() + ", was '" + rule + "'");
        }
        if (r.scope() != key.scope()) {
            throw new IllegalArgumentException(
                    "key scope must be " + r.scope() + " for rule '" + rule + "', was " + key.scope());
        }
        return r;
    }

    @Override
    public RateLimitDecision tryAcquire(String rule, RateLimitKey key) {
        RateLimitRule r = ruleFor(rules, rule, key);
        if (calls.incrementAndGet() % SWEEP_EVERY == 0) {
            sweep();
        }
        String id = r.name() + '|' + key.asKey();
        long window = r.window().toNanos();
        while (true) {
            long now = ticker.read();
            Window w = windows.computeIfAbsent(id, k -> new Window(window));
            RateLimitDecision d = w.acquire(now, r.capacity());
            if (d != null) {
                return d;
            }
            windows.remove(id, w); // swept meanwhile: start over with a fresh window
        }
    }

    private void sweep() {
        long now = ticker.read();
        windows.forEach((id, w) -> {
            if (w.retireIfIdle(now)) {
                windows.remove(id, w);
            }
        });
    }

    @Override
    public Collection<RateLimitRule> rules() {
        return List.copyOf(rules.values());
    }

    /** The acquisition times of one rule and key inside the current window, oldest first. */
    private static final class Window {
        private final long length;
        private final ArrayDeque<Long> times = new ArrayDeque<>();
        private boolean retired;

        Window(long length) {
            this.length = length;
        }

        /** Returns the decision, or null if this window was retired by a sweep. */
        synchronized RateLimitDecision acquire(long now, int capacity) {
            if (retired) {
                return null;
            }
            while (!times.isEmpty() && now - times.peekFirst() >= length) {
                times.pollFirst();
            }
            if (times.size() < capacity) {
                times.addLast(now);
                return RateLimitDecision.allow(capacity - times.size());
            }
            return RateLimitDecision.deny(Duration.ofNanos(times.peekFirst() + length - now));
        }

        synchronized boolean retireIfIdle(long now) {
            if (times.isEmpty() || now - times.peekLast() >= length) {
                retired = true;
            }
            return retired;
        }
    }
}
