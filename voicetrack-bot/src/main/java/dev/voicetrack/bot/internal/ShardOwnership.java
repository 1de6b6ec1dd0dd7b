package dev.voicetrack.bot.internal;

import dev.voicetrack.bot.BotConfig;
import dev.voicetrack.cache.redis.RedisConnector;
import dev.voicetrack.cache.redis.RedisLeases;
import dev.voicetrack.core.GuildOwnership;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which guilds this process ticks. Not sharded: all. Sharded: the guilds of this process's shards
 * ({@code SHARD_IDS}); with {@code REDIS_URL} only those whose shard lease this process holds (see
 * {@link ShardLeases}), renewed on a thread of its own every third of {@code SHARD_LEASE_TIME}.
 * Started after Discord (which knows the shard count) and the cache (whose Redis connection the
 * leases use), before the tracker; stopped after the tracker's last tick, giving the leases up so
 * another process may take the shards over at once.
 */
final class ShardOwnership implements Component, GuildOwnership {
    private static final Logger LOG = LoggerFactory.getLogger(ShardOwnership.class);

    private final BotConfig config;
    private final DiscordConnection discord;
    private final Supplier<Optional<RedisConnector>> redis;
    private final Runnable reconcile;
    private volatile GuildOwnership current = g -> false;
    private volatile @Nullable ShardLeases leases;
    private @Nullable ScheduledExecutorService renewals;

    /**
     * @param redis the cache's Redis connection, empty without {@code REDIS_URL}
     * @param reconcile reconciles the tracker (when it has started) after the owned shards changed
     */
    ShardOwnership(
            BotConfig config, DiscordConnection discord, Supplier<Optional<RedisConnector>> redis, Runnable reconcile) {
        this.config = config;
        this.discord = discord;
        this.redis = redis;
        this.reconcile = reconcile;
    }

    @Override
    public String name() {
        return "shard ownership";
    }

    @Override
    public boolean owns(long guildId) {
        return current.owns(guildId);
    }

    /** The leases, when this process claims its shards in Redis. */
    Optional<ShardLeases> leases() {
        return Optional.ofNullable(leases);
    }

    @Override
    public void start() {
        if (!config.shards().sharded()) {
            current = GuildOwnership.ALL;
            return;
        }
        int total = discord.shardTotal();
        List<Integer> ids = discord.shardIds();
        Optional<RedisConnector> connector = redis.get();
        if (connector.isEmpty()) {
            Set<Integer> mine = Set.copyOf(ids);
            current = g -> mine.contains(ShardLeases.shardOf(g, total));
            LOG.info("Tracking shards {} of {} (no REDIS_URL: no shard leases)", ids, total);
            return;
        }
        ShardLeases l = new ShardLeases(
                RedisLeases.create(connector.get()),
                ShardLeases.processOwner(),
                total,
                ids,
                config.shards().leaseTime(),
                Clock.systemUTC(),
                reconcile);
        l.renew();
        leases = l;
        current = l;
        Duration every = l.renewInterval();
        ScheduledExecutorService s =
                Executors.newSingleThreadScheduledExecutor(Threads.daemons("voicetrack-shard-leases"));
        Threads.every(s, every, "shard lease renewal", l::renew);
        renewals = s;
        LOG.info(
                "Tracking shards {} of {} (leases in Redis, {} each, renewed every {}){}",
                l.owned(),
                total,
                BotConfig.human(config.shards().leaseTime()),
                BotConfig.human(every),
                l.claimedElsewhere().isEmpty() ? "" : "; claimed by other processes: " + l.claimedElsewhere());
    }

    @Override
    public void stop() {
        ScheduledExecutorService s = renewals;
        if (s != null) {
            Threads.stop(s, Duration.ofSeconds(2));
        }
        ShardLeases l = leases;
        if (l != null) {
            l.releaseAll();
        }
        current = g -> false;
    }

    /** For {@code /health}: the shards and who holds them; empty when not sharded. */
    Optional<Map<String, Object>> describe() {
        if (!config.shards().sharded() || !discord.started()) {
            return Optional.empty();
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("count", discord.shardTotal());
        out.put("ids", discord.shardIds());
        ShardLeases l = leases;
        out.put("tracked", l == null ? discord.shardIds() : l.owned());
        if (l != null) {
            Map<String, String> elsewhere = new TreeMap<>();
            l.claimedElsewhere().forEach((id, holder) -> elsewhere.put(Integer.toString(id), holder));
            out.put("claimedElsewhere", elsewhere);
        }
        return Optional.of(out);
    }
}
