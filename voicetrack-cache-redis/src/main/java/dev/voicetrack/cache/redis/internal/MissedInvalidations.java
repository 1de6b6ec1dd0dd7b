package dev.voicetrack.cache.redis.internal;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Invalidations Redis missed while the fallback served: keys written or deleted, tags and patterns
 * invalidated, or everything (a clear, or more than {@value #MAX_MISSED} notes). The cache sends them
 * to Redis before using it again. Thread safe.
 */
final class MissedInvalidations {

    static final int MAX_MISSED = 10_000;

    private Set<String> keys = new LinkedHashSet<>();
    private Set<String> tags = new LinkedHashSet<>();
    private Set<String> patterns = new LinkedHashSet<>();
    private boolean all;

    synchronized void key(String key) {
        note(keys, key);
    }

    synchronized void tag(String tag) {
        note(tags, tag);
    }

    synchronized void pattern(String pattern) {
        note(patterns, pattern);
    }

    synchronized void all() {
        all = true;
        keys.clear();
        tags.clear();
        patterns.clear();
    }

    private void note(Set<String> set, String value) {
        if (all) {
            return;
        }
        set.add(value);
        if (keys.size() + tags.size() + patterns.size() > MAX_MISSED) {
            all();
        }
    }

    /** Takes every note; {@link #restore} puts them back if sending them fails. */
    synchronized MissedInvalidations take() {
        MissedInvalidations out = new MissedInvalidations();
        out.keys = keys;
        out.tags = tags;
        out.patterns = patterns;
        out.all = all;
        keys = new LinkedHashSet<>();
        tags = new LinkedHashSet<>();
        patterns = new LinkedHashSet<>();
        all = false;
        return out;
    }

    synchronized void restore(MissedInvalidations m) {
        if (m.all) {
            all();
            return;
        }
        m.keys.forEach(this::key);
        m.tags.forEach(this::tag);
        m.patterns.forEach(this::pattern);
    }

    /** Whether everything was missed; then the notes of keys, tags and patterns are empty. */
    boolean everything() {
        return all;
    }

    /** The keys written or deleted, of a taken set of notes. */
    Set<String> keys() {
        return keys;
    }

    /** The tags invalidated, of a taken set of notes. */
    Set<String> tags() {
        return tags;
    }

    /** The patterns invalidated, of a taken set of notes. */
    Set<String> patterns() {
        return patterns;
    }

    boolean isEmpty() {
        return !all && keys.isEmpty() && tags.isEmpty() && patterns.isEmpty();
    }
}
