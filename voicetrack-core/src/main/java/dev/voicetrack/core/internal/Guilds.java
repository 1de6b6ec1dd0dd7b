package dev.voicetrack.core.internal;

import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.LevelMultiplierStrategy;
import dev.voicetrack.core.storage.Storage;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The guilds the tracker follows, each with its effective config.
 *
 * <p>A guild is loaded the first time anything names it: its stored config, or the tracker's default
 * config if none is stored or it cannot be read (reported). A stored config carries no filters (they
 * are code, not data), so one that has none gets the default config's. Guild states are confined to
 * the tracker lock; the configs are also published to a concurrent map, so that queries read a
 * guild's config without waiting for a running tick.
 */
final class Guilds {
    private final Storage storage;
    private final GuildConfig defaultConfig;
    private final StrategyRegistry strategies;
    private final Dispatcher dispatcher;
    private final ReentrantLock lock;

    // ---- confined to lock ----
    private final Map<Long, GuildState> guilds = new HashMap<>();

    private final ConcurrentHashMap<Long, GuildConfig> configView = new ConcurrentHashMap<>();

    Guilds(
            Storage storage,
            GuildConfig defaultConfig,
            StrategyRegistry strategies,
            Dispatcher dispatcher,
            ReentrantLock lock) {
        this.storage = storage;
        this.defaultConfig = defaultConfig;
        this.strategies = strategies;
        this.dispatcher = dispatcher;
        this.lock = lock;
    }

    /** The state of a guild, loaded if it is not followed yet. Lock held. */
    GuildState get(long guildId) {
        GuildState g = guilds.get(guildId);
        if (g == null) {
            g = new GuildState(guildId, loadConfig(guildId));
            guilds.put(guildId, g);
            configView.put(guildId, g.config);
        }
        return g;
    }

    /** Every guild followed. Lock held; the view changes as guilds are loaded. */
    Collection<GuildState> all() {
        return guilds.values();
    }

    /** A guild's effective config; takes the lock only for a guild not loaded yet. */
    GuildConfig config(long guildId) {
        GuildConfig known = configView.get(guildId);
        if (known != null) {
            return known;
        }
        lock.lock();
        try {
            return get(guildId).config;
        } finally {
            lock.unlock();
        }
    }

    GuildConfig defaultConfig() {
        return defaultConfig;
    }

    /** Makes {@code effective} the guild's config (see {@link #effective}). Lock held. */
    void changeConfig(GuildState g, GuildConfig effective) {
        g.configChanged(effective);
        configView.put(g.guildId, effective);
    }

    /** A config as the tracker runs it: one without filters gets the default config's filters. */
    GuildConfig effective(GuildConfig c) {
        GuildConfig d = defaultConfig;
        if (c.hasDefaultFilters() && !d.hasDefaultFilters()) {
            return c.toBuilder()
                    .memberFilter(d.memberFilter())
                    .channelFilter(d.channelFilter())
                    .build();
        }
        return c;
    }

    private GuildConfig loadConfig(long guildId) {
        GuildConfig stored;
        try {
            stored = storage.guildConfig(guildId).orElse(null);
        } catch (RuntimeException e) {
            dispatcher.error("loading the config of guild " + guildId + " failed; using defaultConfig", e);
            stored = null;
        }
        return stored == null ? defaultConfig : effective(stored);
    }

    /**
     * The guild's level multiplier.
     *
     * @throws IllegalStateException if its strategy is not registered, throws or gives no positive
     *     finite number (each also reported through {@code error})
     */
    double levelMultiplier(long guildId) {
        Double m = levelMultiplierOrNull(guildId);
        if (m == null) {
            throw new IllegalStateException("guild " + guildId + " has no valid level multiplier strategy");
        }
        return m;
    }

    /** The guild's level multiplier, or null (reported) if its strategy gives none. */
    @Nullable
    Double levelMultiplierOrNull(long guildId) {
        GuildConfig cfg = config(guildId);
        LevelMultiplierStrategy st = strategies.levelMultiplierOrNull(cfg.levelMultiplierStrategy());
        if (st == null) {
            dispatcher.emit(l -> l.error(
                    "guild " + guildId + ": levelMultiplierStrategy '" + cfg.levelMultiplierStrategy()
                            + "' is not registered",
                    null));
            return null;
        }
        double m;
        try {
            m = st.multiplier(guildId, cfg);
        } catch (RuntimeException e) {
            dispatcher.error("levelMultiplierStrategy threw for guild " + guildId, e);
            return null;
        }
        if (!(m > 0) || Double.isInfinite(m)) {
            dispatcher.emit(l -> l.error("levelMultiplierStrategy returned " + m + " for guild " + guildId, null));
            return null;
        }
        return m;
    }
}
