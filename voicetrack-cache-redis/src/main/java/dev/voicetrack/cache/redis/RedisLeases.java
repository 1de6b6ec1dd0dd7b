package dev.voicetrack.cache.redis;

import dev.voicetrack.cache.lease.LeaseStore;
import dev.voicetrack.cache.redis.internal.Connector;
import dev.voicetrack.cache.redis.internal.RedisLeaseStore;
import java.util.Objects;

/**
 * Leases in Redis, shared by every process on it: each lease is one key, {@code
 * <prefix>lease:<name>}, holding its holder and expiry, claimed, renewed and released by one Lua
 * script each, so two claimants never both win (also on a Redis Cluster: a script touches one key).
 * Expiry is judged by the claimants' clocks (see {@link LeaseStore}); the key itself expires a day
 * after its last claim, so leases nobody renews do not pile up.
 *
 * <p>Unlike the caches, leases have no in-process fallback: while Redis is unreachable every call
 * throws {@link dev.voicetrack.cache.CacheException} (after at most the command timeout), and the
 * caller decides what holding on means.
 */
public final class RedisLeases {

    private RedisLeases() {}

    /** Leases on a connector, which the caller keeps open. */
    public static LeaseStore create(RedisConnector connector) {
        Objects.requireNonNull(connector, "connector");
        return new RedisLeaseStore(Connector.of(connector));
    }
}
