package dev.voicetrack.bot.internal;

import dev.voicetrack.bot.BotConfig;
import dev.voicetrack.cache.CacheException;
import dev.voicetrack.cache.lease.Lease;
import dev.voicetrack.cache.lease.LeaseStore;
import dev.voicetrack.core.GuildOwnership;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This process's claim on its gateway shards, as leases in Redis, and the {@link GuildOwnership} the
 * tracker ticks by: a guild is owned while the lease of its shard ({@code (guild_id >> 22) %
 * count}) is held here.
 *
 * <h2>Why leases, and why in Redis</h2>
 * Two processes that run the same shard by mistake (two {@code SHARD_IDS} overlapping, a process
 * started twice) would both credit its members: every total doubled, silently. Each shard is
 * therefore claimed as a lease that one process holds at a time; a process that finds a shard's lease
 * held by another does not tick that shard's guilds, logs an error naming the holder, and keeps
 * asking, so it takes the shard over once the holder stops renewing (stopped: at once, it releases;
 * killed: after {@code SHARD_LEASE_TIME}). The leases live in Redis, not in the storage: several
 * processes need Redis anyway (their in-process caches are kept coherent through it), a key with a
 * compare-and-set script is the natural lease there, and a table would have to be written into every
 * storage backend although only PostgreSQL and MongoDB can be shared at all.
 *
 * <h2>Renewal and time</h2>
 * {@link #renew()} claims every shard of this process (taking or renewing it until now + the lease
 * time); the runtime calls it at start, before the tracker, and then every third of the lease time.
 * A shard counts as owned while its lease was last confirmed here and has not lapsed by this process's
 * clock, so a process that was paused (a stop-the-world pause, a suspended VM) longer than the lease
 * stops ticking until it has renewed, and learns then whether another took the shard over. While
 * Redis cannot be reached, the shards held stay owned (no other process can claim them through Redis
 * either) and those not held stay unowned; the next renewal that reaches Redis decides. Whenever the
 * set of owned shards changes, the tracker is reconciled, so a shard gained resumes its open sessions
 * and a shard lost lets its members go, their sessions left open for the new owner.
 *
 * <p>Thread safe: {@link #owns} is read on the tick thread, {@link #renew} runs on one thread.
 */
final class ShardLeases implements GuildOwnership {
    private static final Logger LOG = LoggerFactory.getLogger(ShardLeases.class);

    /** What this process knows of one of its shards' lease. */
    private record State(boolean held, Instant expiresAt, @Nullable String otherHolder) {
        static final State UNKNOWN = new State(false, Instant.EPOCH, null);
    }

    private final LeaseStore store;
    private final String owner;
    private final int total;
    private final List<Integer> ids;
    private final Duration leaseTime;
    private final Clock clock;
    private final Runnable onChange;
    private final Map<Integer, State> states = new ConcurrentHashMap<>();
    private volatile boolean storeUnreachable;

    /**
     * @param owner this process, as other processes' errors name it (host, pid and a random part)
     * @param total the bot's shard count
     * @param ids this process's shards
     * @param onChange run (on the renewing thread) after the owned shards changed
     */
    ShardLeases(
            LeaseStore store,
            String owner,
            int total,
            List<Integer> ids,
            Duration leaseTime,
            Clock clock,
            Runnable onChange) {
        this.store = store;
        this.owner = owner;
        this.total = total;
        this.ids = List.copyOf(ids);
        this.leaseTime = leaseTime;
        this.clock = clock;
        this.onChange = onChange;
        this.ids.forEach(id -> states.put(id, State.UNKNOWN));
    }

    /** The shard of a guild: {@code (guild_id >> 22) % count}, as Discord routes it. */
    static int shardOf(long guildId, int total) {
        return (int) ((guildId >>> 22) % total);
    }

    /** The lease's name: the shard and the count, so processes with different counts never share one. */
    static String leaseName(int shard, int total) {
        return "shard:" + shard + "/" + total;
    }

    @Override
    public boolean owns(long guildId) {
        State s = states.get(shardOf(guildId, total));
        return s != null && s.held && (storeUnreachable || clock.instant().isBefore(s.expiresAt));
    }

    /** The shards owned now, ascending. */
    List<Integer> owned() {
        Instant now = clock.instant();
        List<Integer> out = new ArrayList<>();
        for (int id : ids) {
            State s = states.get(id);
            if (s.held && (storeUnreachable || now.isBefore(s.expiresAt))) {
                out.add(id);
            }
        }
        return out;
    }

    /** The shards of this process whose lease another process holds, with that holder. */
    Map<Integer, String> claimedElsewhere() {
        Map<Integer, String> out = new TreeMap<>();
        states.forEach((id, s) -> {
            if (s.otherHolder != null) {
                out.put(id, s.otherHolder);
            }
        });
        return out;
    }

    /** Whether the last renewal could not reach Redis. */
    boolean storeUnreachable() {
        return storeUnreachable;
    }

    /** The period of {@link #renew}: a third of the lease time, so two renewals may fail before it lapses. */
    Duration renewInterval() {
        return leaseTime.dividedBy(3);
    }

    /** Claims or renews every shard of this process once; reconciles the tracker when the owned shards changed. */
    void renew() {
        List<Integer> before = owned();
        Instant now = clock.instant();
        boolean unreachable = false;
        for (int id : ids) {
            try {
                Lease lease = store.claim(leaseName(id, total), owner, now, leaseTime);
                State previous = states.get(id);
                if (lease.heldBy(owner)) {
                    states.put(id, new State(true, lease.expiresAt(), null));
                    if (previous.otherHolder != null) {
                        LOG.warn(
                                "Shard {} of {}: {} gave its lease up or stopped renewing it; this process takes the shard over",
                                id,
                                total,
                                previous.otherHolder);
                    }
                } else {
                    states.put(id, new State(false, Instant.EPOCH, lease.holder()));
                    if (!lease.holder().equals(previous.otherHolder)) {
                        LOG.error(
                                "Shard {} of {} is claimed by another process, {} (its lease runs until {}):"
                                        + " two processes must not track the same shard, so this one does not track"
                                        + " its guilds. Check SHARD_IDS of both processes; this one takes the shard"
                                        + " over if that process stops (at once) or dies (after SHARD_LEASE_TIME={})",
                                id,
                                total,
                                lease.holder(),
                                lease.expiresAt(),
                                BotConfig.human(leaseTime));
                    }
                }
            } catch (CacheException e) {
                unreachable = true;
                LOG.warn("Shard {} of {}: cannot renew its lease ({})", id, total, e.getMessage());
            }
        }
        if (unreachable && !storeUnreachable) {
            LOG.warn("Redis is not reachable: the shards held ({}) stay tracked here until it answers again", owned());
        }
        storeUnreachable = unreachable;
        List<Integer> after = owned();
        if (!after.equals(before)) {
            LOG.info("Shards tracked by this process: {} of {}", after, ids);
            onChange.run();
        }
    }

    /** Gives up every lease held, so another process may take the shards at once (after the last tick). */
    void releaseAll() {
        for (int id : new TreeSet<>(states.keySet())) {
            if (states.get(id).held) {
                try {
                    store.release(leaseName(id, total), owner);
                } catch (CacheException e) {
                    LOG.warn(
                            "Shard {} of {}: cannot release its lease ({}); it lapses by itself",
                            id,
                            total,
                            e.getMessage());
                }
                states.put(id, State.UNKNOWN);
            }
        }
    }

    /** A holder name for this process: host, pid and a random part (two starts never share one). */
    static String processOwner() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "unknown-host";
        }
        return host.replace("|", "_") + ":" + ProcessHandle.current().pid() + ":"
                + Long.toHexString(new Random().nextLong() & 0xffffffL);
    }
}
