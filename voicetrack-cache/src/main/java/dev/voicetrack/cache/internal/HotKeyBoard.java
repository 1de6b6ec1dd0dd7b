package dev.voicetrack.cache.internal;

import dev.voicetrack.cache.HotKey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The hottest entries of a cache, kept without ever scanning the cache.
 *
 * <p>Every node counts its own hits. A node that is not on the board offers itself when its count
 * passes the board's floor (the lowest count on a full board, refreshed on every offer); offers are
 * rare once the board is full of hot keys, because the floor rises with them. The board holds at
 * most {@code capacity} nodes, so an offer costs O(capacity) under the board's lock and a read costs
 * nothing. Counts are exact; membership is the classic space-saving approximation: a key that becomes
 * hot late enters as soon as its count beats the coldest key on the board.
 */
final class HotKeyBoard {

    private final int capacity;
    private final List<Node<?>> board;
    private volatile long floor;

    HotKeyBoard(int capacity) {
        this.capacity = capacity;
        this.board = new ArrayList<>(capacity);
    }

    boolean enabled() {
        return capacity > 0;
    }

    /** Called on a hit; cheap unless the node may belong on the board. */
    void onHit(Node<?> node, long hits, int epoch) {
        if (hits > floor && !node.onBoard && (hits < 64 || (hits & 15) == 0)) {
            offer(node, epoch);
        }
    }

    private synchronized void offer(Node<?> node, int epoch) {
        if (node.onBoard || !node.isLive()) {
            return;
        }
        board.removeIf(n -> {
            if (!n.isLive()) {
                n.onBoard = false;
                return true;
            }
            return false;
        });
        if (board.size() < capacity) {
            board.add(node);
            node.onBoard = true;
            if (board.size() == capacity) {
                floor = coldest(epoch).hits(epoch);
            }
            return;
        }
        Node<?> coldest = coldest(epoch);
        if (node.hits(epoch) > coldest.hits(epoch)) {
            board.set(board.indexOf(coldest), node);
            coldest.onBoard = false;
            node.onBoard = true;
            coldest = coldest(epoch);
        }
        floor = coldest.hits(epoch);
    }

    private Node<?> coldest(int epoch) {
        Node<?> coldest = board.get(0);
        for (Node<?> n : board) {
            if (n.hits(epoch) < coldest.hits(epoch)) {
                coldest = n;
            }
        }
        return coldest;
    }

    synchronized List<HotKey> top(int n, int epoch) {
        List<HotKey> result = new ArrayList<>(board.size());
        for (Node<?> node : board) {
            long hits = node.hits(epoch);
            if (node.isLive() && hits > 0) {
                result.add(new HotKey(node.key, hits));
            }
        }
        result.sort(Comparator.comparingLong(HotKey::hits).reversed().thenComparing(HotKey::key));
        return List.copyOf(result.subList(0, Math.min(n, result.size())));
    }

    synchronized void clear() {
        for (Node<?> node : board) {
            node.onBoard = false;
        }
        board.clear();
        floor = 0;
    }
}
