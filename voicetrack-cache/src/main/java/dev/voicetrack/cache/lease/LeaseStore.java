package dev.voicetrack.cache.lease;

import java.time.Duration;
import java.time.Instant;

/**
 * Named leases shared by several processes: at most one owner holds a lease at a time, it lasts a
 * given time unless renewed, and a lease whose holder stopped renewing it (a process killed) can be
 * claimed by another owner once it lapsed. Used by the bot to claim its gateway shards.
 *
 * <p>Time is the callers': each call carries {@code now}, and a lease lapses when a claimant's {@code
 * now} passes its expiry. The processes' clocks must agree to well within a lease's time (NTP does).
 * A call that cannot reach the store throws {@link dev.voicetrack.cache.CacheException}; it never
 * hangs beyond the store's command timeout. Thread safe.
 */
public interface LeaseStore {

    /**
     * Takes the lease for {@code owner} until {@code now + ttl}, or renews it when {@code owner} holds
     * it, unless another owner holds it and it has not lapsed at {@code now}.
     *
     * @return the lease as it stands: held by {@code owner} when granted, else by the other holder
     * @throws dev.voicetrack.cache.CacheException when the store cannot be reached
     * @throws IllegalArgumentException if {@code ttl} is not positive, or a name or owner is blank
     */
    Lease claim(String name, String owner, Instant now, Duration ttl);

    /**
     * Gives the lease up if {@code owner} holds it, so another owner may claim it at once.
     *
     * @return whether {@code owner} held it
     * @throws dev.voicetrack.cache.CacheException when the store cannot be reached
     */
    boolean release(String name, String owner);
}
