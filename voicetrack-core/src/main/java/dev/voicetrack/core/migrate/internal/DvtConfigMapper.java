package dev.voicetrack.core.migrate.internal;

import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.LevelMultiplierConfig;
import dev.voicetrack.core.Strategies;
import dev.voicetrack.core.VoiceTimeConfig;
import dev.voicetrack.core.XpConfig;
import dev.voicetrack.core.migrate.DvtJson;
import dev.voicetrack.core.migrate.DvtValues;
import dev.voicetrack.core.migrate.ImportException;
import dev.voicetrack.core.migrate.ImportNote;
import dev.voicetrack.core.migrate.ImportNote.Kind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A discord-vc-tracker guild config object to a {@link GuildConfig} with the same effective
 * behaviour. Options have the same names. Where the original's behaviour differs from VoiceTrack's
 * reading of the same value, the value is changed and a note says so:
 *
 * <ul>
 *   <li>A missing {@code voiceTimeStrategy} is the original's default {@code fixed}, not VoiceTrack's
 *       {@code elapsed}.
 *   <li>The original reads numbers with {@code value || fallback}, so a stored 0 meant the fallback;
 *       VoiceTrack honours 0, so such a 0 is imported as "not set" (the same fallback).
 *   <li>Unknown strategy names (custom strategies, whose code is not stored) fall back at run time
 *       in the original to {@code fixed}/{@code standard}; VoiceTrack refuses unknown names, so the
 *       fallback is imported.
 *   <li>{@code fast} and {@code slow} ignore {@code levelMultiplierConfig} in both; it is kept and a
 *       note gives the effective multiplier.
 * </ul>
 *
 * A value of the wrong type takes the default, with a note; nothing is guessed silently.
 */
final class DvtConfigMapper {
    private static final Set<String> XP =
            Set.of(Strategies.XP_FIXED, Strategies.XP_ROLE_BASED, Strategies.XP_BOOSTER_BONUS, Strategies.XP_RANDOM);
    private static final Set<String> VOICE = Set.of(Strategies.VOICE_TIME_FIXED, Strategies.VOICE_TIME_SCALED);
    private static final Set<String> LEVEL =
            Set.of(Strategies.LEVEL_STANDARD, Strategies.LEVEL_FAST, Strategies.LEVEL_SLOW);

    private final String guildId;
    private final Consumer<ImportNote> notes;
    private final GuildConfig.Builder b = GuildConfig.builder().voiceTimeStrategy(Strategies.VOICE_TIME_FIXED);

    private DvtConfigMapper(String guildId, Consumer<ImportNote> notes) {
        this.guildId = guildId;
        this.notes = notes;
    }

    /** The config; the original's defaults (voice time {@code fixed}) when there is none. */
    static GuildConfig map(@Nullable Map<String, Object> config, String guildId, Consumer<ImportNote> notes) {
        DvtConfigMapper m = new DvtConfigMapper(guildId, notes);
        if (config != null) {
            config.forEach(m::option);
        }
        GuildConfig c = m.b.build();
        String level = c.levelMultiplierStrategy();
        if (!level.equals(Strategies.LEVEL_STANDARD)
                && c.levelMultiplierConfig().baseMultiplier() != null
                && config != null
                && config.containsKey("levelMultiplierConfig")) {
            notes.accept(new ImportNote(
                    Kind.INFO,
                    guildId,
                    "config.levelMultiplierConfig",
                    "levelMultiplierStrategy '" + level + "' ignores levelMultiplierConfig.baseMultiplier ("
                            + c.levelMultiplierConfig().baseMultiplier() + ") in the original and in VoiceTrack;"
                            + " the effective multiplier stays "
                            + (level.equals(Strategies.LEVEL_FAST) ? 0.15 : 0.05)));
        }
        return c;
    }

    /** The level multiplier a config gives, as the original computes it. */
    static double multiplier(GuildConfig c) {
        return switch (c.levelMultiplierStrategy()) {
            case Strategies.LEVEL_FAST -> 0.15;
            case Strategies.LEVEL_SLOW -> 0.05;
            default -> {
                Double m = c.levelMultiplierConfig().baseMultiplier();
                yield m == null ? 0.1 : m;
            }
        };
    }

    private void option(String key, @Nullable Object value) {
        try {
            switch (key) {
                case "guildId", "channelFilter", "memberFilter" -> {
                    // the guild's own id; runtime-only functions are never stored
                }
                case "trackBots" -> b.trackBots(bool(key, value, GuildConfig.DEFAULT_TRACK_BOTS));
                case "trackAllChannels" -> b.trackAllChannels(bool(key, value, GuildConfig.DEFAULT_TRACK_ALL_CHANNELS));
                case "trackMuted" -> b.trackMuted(bool(key, value, GuildConfig.DEFAULT_TRACK_MUTED));
                case "trackDeafened" -> b.trackDeafened(bool(key, value, GuildConfig.DEFAULT_TRACK_DEAFENED));
                case "enableLeveling" -> b.enableLeveling(bool(key, value, GuildConfig.DEFAULT_ENABLE_LEVELING));
                case "enableVoiceTime" -> b.enableVoiceTime(bool(key, value, GuildConfig.DEFAULT_ENABLE_VOICE_TIME));
                case "minUsersToTrack" -> b.minUsersToTrack((int) DvtValues.integer(value, 0, "config." + key));
                case "maxUsersToTrack" -> b.maxUsersToTrack((int) DvtValues.integer(value, 0, "config." + key));
                case "channelIds" -> b.channelIds(ids(key, value));
                case "exemptPermissions" -> b.exemptPermissions(strings(key, value));
                case "xpStrategy" -> b.xpStrategy(strategy(key, value, XP, Strategies.XP_FIXED));
                case "voiceTimeStrategy" -> b.voiceTimeStrategy(
                        strategy(key, value, VOICE, Strategies.VOICE_TIME_FIXED));
                case "levelMultiplierStrategy" -> b.levelMultiplierStrategy(
                        strategy(key, value, LEVEL, Strategies.LEVEL_STANDARD));
                case "xpConfig" -> b.xpConfig(xpConfig(DvtValues.object(value, "config.xpConfig")));
                case "voiceTimeConfig" -> {
                    Map<String, Object> v = DvtValues.object(value, "config.voiceTimeConfig");
                    b.voiceTimeConfig(new VoiceTimeConfig(
                            orFallback("voiceTimeConfig.baseAmount", v == null ? null : whole(v, "baseAmount")),
                            orFallback("voiceTimeConfig.multiplier", v == null ? null : decimal(v, "multiplier"))));
                }
                case "levelMultiplierConfig" -> {
                    Map<String, Object> v = DvtValues.object(value, "config.levelMultiplierConfig");
                    Double m = orFallback(
                            "levelMultiplierConfig.baseMultiplier", v == null ? null : decimal(v, "baseMultiplier"));
                    if (m != null && m < 0) {
                        note(
                                Kind.CHANGED,
                                "levelMultiplierConfig.baseMultiplier",
                                "was " + m + ", which gives negative levels; imported as not set (0.1)");
                        m = null;
                    }
                    b.levelMultiplierConfig(new LevelMultiplierConfig(m));
                }
                default -> note(
                        Kind.SKIPPED,
                        key,
                        "no VoiceTrack option of that name; value " + DvtJson.write(value) + " not imported");
            }
        } catch (ImportException | IllegalArgumentException e) {
            note(
                    Kind.CHANGED,
                    key,
                    "value " + DvtValues.show(DvtJson.write(value)) + " is not usable (" + e.getMessage()
                            + "); imported as VoiceTrack's default");
        }
    }

    private XpConfig xpConfig(@Nullable Map<String, Object> v) {
        if (v == null) {
            return XpConfig.DEFAULT;
        }
        Map<Long, Long> roles = new LinkedHashMap<>();
        Map<String, Object> stored = DvtValues.object(v.get("roles"), "config.xpConfig.roles");
        if (stored != null) {
            stored.forEach((role, xp) -> {
                try {
                    roles.put(
                            snowflake(role, "config.xpConfig.roles key"),
                            DvtValues.integer(xp, "config.xpConfig.roles[" + role + "]"));
                } catch (ImportException e) {
                    note(Kind.SKIPPED, "xpConfig.roles." + role, e.getMessage());
                }
            });
        }
        return new XpConfig(
                orFallback("xpConfig.baseAmount", whole(v, "baseAmount")),
                roles,
                orFallback("xpConfig.boosterMultiplier", decimal(v, "boosterMultiplier")),
                orFallback("xpConfig.minXP", whole(v, "minXP")),
                orFallback("xpConfig.maxXP", whole(v, "maxXP")));
    }

    /** A stored 0 meant "the fallback" in the original ({@code ||}): imported as not set. */
    private <N extends Number> @Nullable N orFallback(String key, @Nullable N value) {
        if (value != null && value.doubleValue() == 0) {
            note(
                    Kind.CHANGED,
                    key,
                    "0 meant the built-in fallback in the original (value || fallback);"
                            + " imported as not set, which VoiceTrack reads the same way");
            return null;
        }
        return value;
    }

    private static @Nullable Long whole(Map<String, Object> v, String key) {
        Object o = v.get(key);
        return o == null ? null : DvtValues.integer(o, key);
    }

    private static @Nullable Double decimal(Map<String, Object> v, String key) {
        Object o = v.get(key);
        if (o == null) {
            return null;
        }
        if (o instanceof Number n) {
            return n.doubleValue();
        }
        throw new ImportException(key + " must be a number, was " + DvtValues.show(o));
    }

    private static boolean bool(String key, @Nullable Object value, boolean fallback) {
        return DvtValues.bool(value, fallback, "config." + key);
    }

    private String strategy(String key, @Nullable Object value, Set<String> known, String fallback) {
        if (value instanceof String s && known.contains(s)) {
            return s;
        }
        note(
                Kind.CHANGED,
                key,
                "strategy " + DvtValues.show(value) + " is not built in (a custom strategy's code is"
                        + " not stored); the original falls back to '" + fallback + "' for it, imported as '" + fallback
                        + "'");
        return fallback;
    }

    private List<Long> ids(String key, @Nullable Object value) {
        List<Long> out = new ArrayList<>();
        for (Object o : list(key, value)) {
            try {
                out.add(snowflake(DvtValues.id(o, "config." + key + " entry"), "config." + key + " entry"));
            } catch (ImportException e) {
                note(Kind.SKIPPED, key + " entry", e.getMessage());
            }
        }
        return out;
    }

    private List<String> strings(String key, @Nullable Object value) {
        List<String> out = new ArrayList<>();
        for (Object o : list(key, value)) {
            if (!(o instanceof String)) {
                note(Kind.CHANGED, key + " entry", "was " + DvtValues.show(o) + ", imported as the text '" + o + "'");
            }
            out.add(String.valueOf(o));
        }
        return out;
    }

    /** A list option; missing is empty. */
    private static List<?> list(String key, @Nullable Object value) {
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            throw new ImportException("config." + key + " must be a list, was " + DvtValues.show(value));
        }
        return list;
    }

    /** A snowflake id string as a positive long. */
    static long snowflake(String id, String where) {
        try {
            long v = Long.parseLong(id.strip());
            if (v > 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ImportException(where + " must be a snowflake id (digits, > 0, < 2^63), was " + DvtValues.show(id));
    }

    private void note(Kind kind, String key, String why) {
        notes.accept(new ImportNote(kind, guildId, "config." + key, why));
    }
}
