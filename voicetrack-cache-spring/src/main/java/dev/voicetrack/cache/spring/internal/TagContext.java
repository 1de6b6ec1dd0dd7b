package dev.voicetrack.cache.spring.internal;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;

/**
 * The tags of the {@code @CacheTags} method running on this thread, for the cache writes Spring's
 * cache interceptor makes inside it. Nested tagged methods each see their own tags.
 */
final class TagContext {

    private static final ThreadLocal<Deque<Set<String>>> STACK = ThreadLocal.withInitial(ArrayDeque::new);

    private TagContext() {}

    static Set<String> current() {
        Set<String> tags = STACK.get().peek();
        return tags == null ? Set.of() : tags;
    }

    static void push(Set<String> tags) {
        STACK.get().push(tags);
    }

    static void pop() {
        Deque<Set<String>> stack = STACK.get();
        stack.pop();
        if (stack.isEmpty()) {
            STACK.remove();
        }
    }
}
