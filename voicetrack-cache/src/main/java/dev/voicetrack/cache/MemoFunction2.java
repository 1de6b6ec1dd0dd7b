package dev.voicetrack.cache;

/**
 * A function of two arguments whose results {@link Memoized2} caches; it may block and may throw.
 *
 * @param <A> the first argument type
 * @param <B> the second argument type
 * @param <V> the result type
 */
@FunctionalInterface
public interface MemoFunction2<A, B, V> {

    /**
     * Computes the result for {@code (a, b)}.
     *
     * @return the result, never {@code null}
     * @throws Exception if the result cannot be computed; nothing is cached then
     */
    V apply(A a, B b) throws Exception;
}
