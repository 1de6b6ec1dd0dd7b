package dev.voicetrack.cache.spi;

import dev.voicetrack.cache.HotKey;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Hot-key tracking for a cache whose entries live elsewhere (a server): one {@link HitCounter} per
 * key that had a hit, on a {@link HotKeyBoard}. The counters are bounded: past eight times the
 * board's capacity, all but the hottest four times the capacity are dropped. A key that is forgotten
 * or dropped leaves the board at once, making room for any other. Thread safe.
 */
public final class KeyedHotKeys {

    private final int capacity;
    private final HotKeyBoard board;
    private final ConcurrentHashMap<String, HitCounter> counters = new ConcurrentHashMap<>();

    /** Tracks at most {@code capacity} hot keys; 0 tracks nothing. */
    public KeyedHotKeys(int capacity) {
        this.capacity = capacity;
        this.board = new HotKeyBoard(capacity);
    }

    /** Counts a hit on {@code key}. */
    public void onHit(String key) {
        if (capacity == 0) {
            return;
        }
        HitCounter counter = counters.get(key);
        if (counter == null) {
            if (counters.size() >= capacity * 8) {
                prune(capacity * 4);
            }
            counter = counters.computeIfAbsent(key, k -> new HitCounter(k, board.epoch()));
        }
        board.onHit(counter);
    }

    /** Keeps the {@code keep} hottest counters and retires the rest, so they leave the board too. */
    private synchronized void prune(int keep) {
        if (counters.size() < keep * 2) {
            return;
        }
        int epoch = board.epoch();
        List<HitCounter> all = new ArrayList<>(counters.values());
        all.sort((a, b) -> Long.compare(b.hits(epoch), a.hits(epoch)));
        for (int i = keep; i < all.size(); i++) {
            HitCounter cold = all.get(i);
            if (counters.remove(cold.key(), cold)) {
                cold.retire();
                board.remove(cold);
            }
        }
    }

    /** Forgets {@code key}'s hits: it has left the cache. */
    public void forget(String key) {
        HitCounter counter = counters.remove(key);
        if (counter != null) {
            counter.retire();
            board.remove(counter);
        }
    }

    /** Forgets every key's hits. */
    public void clear() {
        counters.forEach((key, counter) -> forget(key));
        board.clear();
    }

    /** The hottest keys, at most {@code n} (which the caller checks) and at most the capacity. */
    public List<HotKey> top(int n) {
        return board.top(n);
    }
}
