package dev.voicetrack.jda.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.entities.Guild;
import net.dv8tion.jda.api.requests.GatewayIntent;
import net.dv8tion.jda.api.sharding.ShardManager;
import net.dv8tion.jda.api.utils.cache.CacheFlag;
import org.jspecify.annotations.Nullable;

/** One JDA instance or a shard manager, seen the same way. */
public abstract class Gateways {

    public static Gateways of(JDA jda) {
        return new Single(jda);
    }

    public static Gateways of(ShardManager shardManager) {
        return new Sharded(shardManager);
    }

    /** The shards that exist now, by shard id. */
    public abstract List<JDA> shards();

    public abstract @Nullable Guild guild(long guildId);

    public abstract Set<GatewayIntent> intents();

    public abstract void addListener(Object listener);

    public abstract void removeListener(Object listener);

    /** The cache flags common to every shard. */
    public Set<CacheFlag> cacheFlags() {
        EnumSet<CacheFlag> flags = EnumSet.allOf(CacheFlag.class);
        for (JDA jda : shards()) {
            flags.retainAll(jda.getCacheFlags());
        }
        return flags;
    }

    /** Whether every shard except {@code except} (null for none) is connected. */
    public boolean connectedExcept(@Nullable JDA except) {
        List<JDA> shards = shards();
        if (shards.isEmpty()) {
            return false;
        }
        for (JDA jda : shards) {
            if (jda != except && jda.getStatus() != JDA.Status.CONNECTED) {
                return false;
            }
        }
        return true;
    }

    /** The shard through which global commands are registered (the lowest shard id). */
    public @Nullable JDA commandShard() {
        List<JDA> shards = shards();
        return shards.isEmpty() ? null : shards.get(0);
    }

    private static final class Single extends Gateways {
        private final JDA jda;

        Single(JDA jda) {
            this.jda = jda;
        }

        @Override
        public List<JDA> shards() {
            return List.of(jda);
        }

        @Override
        public @Nullable Guild guild(long guildId) {
            return jda.getGuildById(guildId);
        }

        @Override
        public Set<GatewayIntent> intents() {
            return jda.getGatewayIntents();
        }

        @Override
        public void addListener(Object listener) {
            jda.addEventListener(listener);
        }

        @Override
        public void removeListener(Object listener) {
            jda.removeEventListener(listener);
        }
    }

    private static final class Sharded extends Gateways {
        private final ShardManager manager;

        Sharded(ShardManager manager) {
            this.manager = manager;
        }

        @Override
        public List<JDA> shards() {
            List<JDA> shards = new ArrayList<>(manager.getShards());
            shards.sort(Comparator.comparingInt(j -> j.getShardInfo().getShardId()));
            return shards;
        }

        @Override
        public @Nullable Guild guild(long guildId) {
            return manager.getGuildById(guildId);
        }

        @Override
        public Set<GatewayIntent> intents() {
            return manager.getGatewayIntents();
        }

        @Override
        public void addListener(Object listener) {
            manager.addEventListener(listener);
        }

        @Override
        public void removeListener(Object listener) {
            manager.removeEventListener(listener);
        }
    }
}
