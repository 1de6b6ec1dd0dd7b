package dev.voicetrack.cache;

/**
 * A function of one argument whose results {@link Memoized} caches; it may block and may throw.
 *
 * @param <A> the argument type
 * @param <V> the result type
 */
@FunctionalInterface
public interface MemoFunction<A, V> {

    /**
     * Computes the result for {@code a}.
     *
     * @return the result, never {@code null}
     * @throws Exception if the result cannot be computed; nothing is cached then
     */
    V apply(A a) throws Exception;
}
