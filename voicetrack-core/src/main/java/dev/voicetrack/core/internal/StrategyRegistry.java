package dev.voicetrack.core.internal;

import dev.voicetrack.core.AsyncXpStrategy;
import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.LevelMultiplierStrategy;
import dev.voicetrack.core.MemberContext;
import dev.voicetrack.core.Strategies;
import dev.voicetrack.core.VoiceTimeStrategy;
import dev.voicetrack.core.XpConfig;
import dev.voicetrack.core.XpStrategy;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * The named strategies of one tracker: the built-ins plus those registered on the builder. Not thread
 * safe while being built; immutable once {@linkplain #copy copied} into a tracker.
 */
public final class StrategyRegistry {

    private final Map<String, XpStrategy> xp = new LinkedHashMap<>();
    private final Map<String, AsyncXpStrategy> asyncXp = new LinkedHashMap<>();
    private final Map<String, VoiceTimeStrategy> voiceTime = new LinkedHashMap<>();
    private final Map<String, LevelMultiplierStrategy> levelMultiplier = new LinkedHashMap<>();

    /** A registry holding the built-ins; {@code random} is bound to a generator by {@link #copy}. */
    public StrategyRegistry() {
        xp.put(Strategies.XP_FIXED, m -> orElse(m.config().xpConfig().baseAmount(), 5));
        xp.put(Strategies.XP_ROLE_BASED, StrategyRegistry::roleBased);
        xp.put(Strategies.XP_BOOSTER_BONUS, StrategyRegistry::boosterBonus);
        xp.put(Strategies.XP_RANDOM, m -> {
            throw new IllegalStateException("random strategy is bound when the tracker is built");
        });
        voiceTime.put(
                Strategies.VOICE_TIME_FIXED,
                (m, measured) -> orElse(m.config().voiceTimeConfig().baseAmount(), 5000));
        voiceTime.put(Strategies.VOICE_TIME_SCALED, (m, measured) -> {
            long base = orElse(m.config().voiceTimeConfig().baseAmount(), 5000);
            Double mult = m.config().voiceTimeConfig().multiplier();
            return Math.round(base * (mult == null ? 1.0 : mult));
        });
        voiceTime.put(Strategies.VOICE_TIME_ELAPSED, (m, measured) -> measured);
        levelMultiplier.put(Strategies.LEVEL_STANDARD, (g, c) -> {
            Double base = c.levelMultiplierConfig().baseMultiplier();
            return base == null ? 0.1 : base;
        });
        levelMultiplier.put(Strategies.LEVEL_FAST, (g, c) -> 0.15);
        levelMultiplier.put(Strategies.LEVEL_SLOW, (g, c) -> 0.05);
    }

    private StrategyRegistry(StrategyRegistry other, RandomGenerator random) {
        xp.putAll(other.xp);
        asyncXp.putAll(other.asyncXp);
        voiceTime.putAll(other.voiceTime);
        levelMultiplier.putAll(other.levelMultiplier);
        xp.put(Strategies.XP_RANDOM, m -> randomXp(m, random));
    }

    private static long orElse(@Nullable Long value, long fallback) {
        return value == null ? fallback : value;
    }

    static long roleBased(MemberContext m) {
        XpConfig c = m.config().xpConfig();
        for (var e : c.roles().entrySet()) {
            if (m.member().roleIds().contains(e.getKey())) {
                return e.getValue();
            }
        }
        return orElse(c.baseAmount(), 5);
    }

    static long boosterBonus(MemberContext m) {
        XpConfig c = m.config().xpConfig();
        long base = orElse(c.baseAmount(), 10);
        double mult = c.boosterMultiplier() == null ? 2.0 : c.boosterMultiplier();
        return m.member().boosting() ? (long) Math.floor(base * mult) : base;
    }

    static long randomXp(MemberContext m, RandomGenerator random) {
        XpConfig c = m.config().xpConfig();
        long min = orElse(c.minXP(), 5);
        long max = orElse(c.maxXP(), 15);
        synchronized (random) {
            return min == max ? min : random.nextLong(min, max + 1);
        }
    }

    private void checkNew(String name) {
        Objects.requireNonNull(name, "name must not be null");
        if (name.isBlank()) {
            throw new IllegalArgumentException("strategy name must not be blank, was '" + name + "'");
        }
    }

    public void registerXp(String name, XpStrategy strategy) {
        checkNew(name);
        if (xp.containsKey(name) || asyncXp.containsKey(name)) {
            throw new IllegalArgumentException("xpStrategy '" + name + "' is already registered");
        }
        xp.put(name, strategy);
    }

    public void registerAsyncXp(String name, AsyncXpStrategy strategy) {
        checkNew(name);
        if (xp.containsKey(name) || asyncXp.containsKey(name)) {
            throw new IllegalArgumentException("xpStrategy '" + name + "' is already registered");
        }
        asyncXp.put(name, strategy);
    }

    public void registerVoiceTime(String name, VoiceTimeStrategy strategy) {
        checkNew(name);
        if (voiceTime.containsKey(name)) {
            throw new IllegalArgumentException("voiceTimeStrategy '" + name + "' is already registered");
        }
        voiceTime.put(name, strategy);
    }

    public void registerLevelMultiplier(String name, LevelMultiplierStrategy strategy) {
        checkNew(name);
        if (levelMultiplier.containsKey(name)) {
            throw new IllegalArgumentException("levelMultiplierStrategy '" + name + "' is already registered");
        }
        levelMultiplier.put(name, strategy);
    }

    /**
     * Checks that every strategy a config names is registered.
     *
     * @throws IllegalArgumentException naming the field, the value and the known names
     */
    public void validate(GuildConfig config) {
        String x = config.xpStrategy();
        if (!xp.containsKey(x) && !asyncXp.containsKey(x)) {
            var known = new java.util.ArrayList<>(xp.keySet());
            known.addAll(asyncXp.keySet());
            throw new IllegalArgumentException("xpStrategy must be one of " + known + ", was '" + x + "'");
        }
        if (!voiceTime.containsKey(config.voiceTimeStrategy())) {
            throw new IllegalArgumentException("voiceTimeStrategy must be one of " + voiceTime.keySet() + ", was '"
                    + config.voiceTimeStrategy() + "'");
        }
        if (!levelMultiplier.containsKey(config.levelMultiplierStrategy())) {
            throw new IllegalArgumentException("levelMultiplierStrategy must be one of " + levelMultiplier.keySet()
                    + ", was '" + config.levelMultiplierStrategy() + "'");
        }
    }

    /** A copy for one tracker, with {@code random} drawing from {@code random}. */
    public StrategyRegistry copy(RandomGenerator random) {
        return new StrategyRegistry(this, random);
    }

    @Nullable
    XpStrategy xp(String name) {
        return xp.get(name);
    }

    @Nullable
    AsyncXpStrategy asyncXp(String name) {
        return asyncXp.get(name);
    }

    @Nullable
    VoiceTimeStrategy voiceTimeOrNull(String name) {
        return voiceTime.get(name);
    }

    @Nullable
    LevelMultiplierStrategy levelMultiplierOrNull(String name) {
        return levelMultiplier.get(name);
    }
}
