package dev.voicetrack.core.storage.kernel;

import dev.voicetrack.core.ChannelFilter;
import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.LevelMultiplierConfig;
import dev.voicetrack.core.LevelRewards;
import dev.voicetrack.core.MemberFilter;
import dev.voicetrack.core.VoiceTimeConfig;
import dev.voicetrack.core.XpConfig;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The stored form of a {@link GuildConfig}, in one place: which options are stored, under which keys,
 * in which order. The runtime filters are not stored (a stored config reads back with the accept-all
 * filters, see {@link #withoutFilters}).
 *
 * <p>{@link #write} walks every stored option through a {@link Writer} and {@link #read} builds a config
 * back from a {@link Reader}, so a backend only maps the typed values to its own shape:
 *
 * <ul>
 *   <li><b>text</b> ({@link #toText}/{@link #fromText}, the JDBC column {@code vt_guilds.config}): one
 *       {@code key=value} line per option, strings URL-encoded, id and string sets sorted, role XP
 *       pairs {@code role:xp} in the config's order, durations ISO-8601, a {@code format=1} line first.
 *       Options missing from the text take their defaults and unknown keys are ignored, so adding an
 *       option needs no migration; text without the {@code format} line (written before format 1) keeps
 *       the default {@code xpConfig}, {@code voiceTimeConfig} and {@code levelMultiplierConfig};
 *   <li><b>documents</b> (MongoDB): the same keys, a dotted key ({@code xpConfig.baseAmount}) being a
 *       field of a sub-document; the role XP map a list of {@code {roleId, xp}} documents; the duration
 *       {@code messageXpCooldown} stored in milliseconds under {@code messageXpCooldownMs}.
 * </ul>
 */
public final class GuildConfigCodec {

    /** The text form's format number, its first line {@code format=1}. */
    public static final int FORMAT = 1;

    /**
     * The key of the guild's role rewards: a string set, one {@link dev.voicetrack.core.LevelReward#toStored()}
     * per reward. Written only when the guild has rewards, so the stored form of a guild without any is what
     * it was before rewards existed, and read only when present (see {@link Reader#has}).
     */
    public static final String LEVEL_REWARDS = "levelRewards";

    /**
     * The key of whether the guild's dashboard is public. Written only for a private guild (false), so the stored
     * form of a public one is what it was before the option existed, and read only when present.
     */
    public static final String PUBLIC_DASHBOARD = "publicDashboard";

    private GuildConfigCodec() {}

    /** The config as stored: the same options with the accept-all runtime filters. */
    public static GuildConfig withoutFilters(GuildConfig config) {
        StorageArgs.notNull(config, "config");
        if (config.hasDefaultFilters()) {
            return config;
        }
        return config.toBuilder()
                .memberFilter(MemberFilter.ALL)
                .channelFilter(ChannelFilter.ALL)
                .build();
    }

    /** Receives every stored option of a config, in the stored order. Optional numbers may be null. */
    public interface Writer {
        void bool(String key, boolean value);

        void integer(String key, int value);

        void number(String key, @Nullable Long value);

        void decimal(String key, @Nullable Double value);

        void string(String key, String value);

        /** An id set, ascending. */
        void ids(String key, SortedSet<Long> value);

        /** A string set, ascending. */
        void strings(String key, SortedSet<String> value);

        /** Role id to XP, in the config's order. */
        void roleXp(String key, Map<Long, Long> value);

        void duration(String key, Duration value);

        void zone(String key, ZoneId value);
    }

    /**
     * Gives the stored options back by key; null for an option that is not stored (it then takes its
     * default). A reader may throw {@link IllegalArgumentException} for a value it cannot parse; the
     * message should name the key and the value (see {@link #invalid}).
     */
    public interface Reader {
        /**
         * Whether the form holds every option, so that a missing optional number means "not set"
         * rather than "the default" (false only for text written before format 1).
         */
        boolean complete();

        /**
         * Whether the form holds the option. Only asked for options added after format 1 ({@link
         * #LEVEL_REWARDS}, {@link #PUBLIC_DASHBOARD}), which older stored forms lack; a reader whose getters already answer null for a
         * missing key may keep this default.
         */
        default boolean has(String key) {
            return true;
        }

        @Nullable
        Boolean bool(String key);

        @Nullable
        Integer integer(String key);

        @Nullable
        Long number(String key);

        @Nullable
        Double decimal(String key);

        @Nullable
        String string(String key);

        @Nullable
        List<Long> ids(String key);

        @Nullable
        List<String> strings(String key);

        @Nullable
        Map<Long, Long> roleXp(String key);

        @Nullable
        Duration duration(String key);

        @Nullable
        ZoneId zone(String key);
    }

    /** Walks every stored option of {@code c}, in the stored order. */
    public static void write(GuildConfig c, Writer w) {
        w.bool("trackBots", c.trackBots());
        w.bool("trackAllChannels", c.trackAllChannels());
        w.ids("channelIds", new TreeSet<>(c.channelIds()));
        w.bool("trackMuted", c.trackMuted());
        w.bool("trackDeafened", c.trackDeafened());
        w.integer("minUsersToTrack", c.minUsersToTrack());
        w.integer("maxUsersToTrack", c.maxUsersToTrack());
        w.strings("exemptPermissions", new TreeSet<>(c.exemptPermissions()));
        w.string("xpStrategy", c.xpStrategy());
        XpConfig x = c.xpConfig();
        w.number("xpConfig.baseAmount", x.baseAmount());
        w.roleXp("xpConfig.roles", x.roles());
        w.decimal("xpConfig.boosterMultiplier", x.boosterMultiplier());
        w.number("xpConfig.minXP", x.minXP());
        w.number("xpConfig.maxXP", x.maxXP());
        w.string("voiceTimeStrategy", c.voiceTimeStrategy());
        w.number("voiceTimeConfig.baseAmount", c.voiceTimeConfig().baseAmount());
        w.decimal("voiceTimeConfig.multiplier", c.voiceTimeConfig().multiplier());
        w.string("levelMultiplierStrategy", c.levelMultiplierStrategy());
        w.decimal(
                "levelMultiplierConfig.baseMultiplier",
                c.levelMultiplierConfig().baseMultiplier());
        w.bool("enableLeveling", c.enableLeveling());
        w.bool("enableVoiceTime", c.enableVoiceTime());
        w.ids("excludedChannelIds", new TreeSet<>(c.excludedChannelIds()));
        w.ids("noXpRoleIds", new TreeSet<>(c.noXpRoleIds()));
        w.ids("noXpChannelIds", new TreeSet<>(c.noXpChannelIds()));
        w.bool("botsCountAsCompany", c.botsCountAsCompany());
        w.bool("mutedCountAsCompany", c.mutedCountAsCompany());
        w.number("messageXp", c.messageXp());
        w.duration("messageXpCooldown", c.messageXpCooldown());
        w.zone("timeZone", c.timeZone());
        if (!c.levelRewards().isEmpty()) {
            w.strings(LEVEL_REWARDS, c.levelRewards().toStored());
        }
        if (!c.publicDashboard()) {
            w.bool(PUBLIC_DASHBOARD, false);
        }
    }

    /**
     * Builds a config from the stored options (defaults for those not stored).
     *
     * @throws IllegalArgumentException naming the option and the value if a stored value is invalid
     */
    public static GuildConfig read(Reader r) {
        GuildConfig.Builder b = GuildConfig.builder();
        set("trackBots", r.bool("trackBots"), b::trackBots);
        set("trackAllChannels", r.bool("trackAllChannels"), b::trackAllChannels);
        set("channelIds", r.ids("channelIds"), b::channelIds);
        set("trackMuted", r.bool("trackMuted"), b::trackMuted);
        set("trackDeafened", r.bool("trackDeafened"), b::trackDeafened);
        set("minUsersToTrack", r.integer("minUsersToTrack"), b::minUsersToTrack);
        set("maxUsersToTrack", r.integer("maxUsersToTrack"), b::maxUsersToTrack);
        set("exemptPermissions", r.strings("exemptPermissions"), b::exemptPermissions);
        set("xpStrategy", r.string("xpStrategy"), b::xpStrategy);
        boolean complete = r.complete();
        if (complete) {
            Map<Long, Long> roles = r.roleXp("xpConfig.roles");
            Long base = r.number("xpConfig.baseAmount");
            Double booster = r.decimal("xpConfig.boosterMultiplier");
            Long min = r.number("xpConfig.minXP");
            Long max = r.number("xpConfig.maxXP");
            set(
                    "xpConfig",
                    "baseAmount=" + base + ", roles=" + roles + ", boosterMultiplier=" + booster + ", minXP=" + min
                            + ", maxXP=" + max,
                    s -> b.xpConfig(new XpConfig(base, roles == null ? Map.of() : roles, booster, min, max)));
        }
        set("voiceTimeStrategy", r.string("voiceTimeStrategy"), b::voiceTimeStrategy);
        if (complete) {
            Long base = r.number("voiceTimeConfig.baseAmount");
            Double multiplier = r.decimal("voiceTimeConfig.multiplier");
            set(
                    "voiceTimeConfig",
                    "baseAmount=" + base + ", multiplier=" + multiplier,
                    s -> b.voiceTimeConfig(new VoiceTimeConfig(base, multiplier)));
        }
        set("levelMultiplierStrategy", r.string("levelMultiplierStrategy"), b::levelMultiplierStrategy);
        if (complete) {
            Double base = r.decimal("levelMultiplierConfig.baseMultiplier");
            set(
                    "levelMultiplierConfig.baseMultiplier",
                    String.valueOf(base),
                    s -> b.levelMultiplierConfig(new LevelMultiplierConfig(base)));
        }
        set("enableLeveling", r.bool("enableLeveling"), b::enableLeveling);
        set("enableVoiceTime", r.bool("enableVoiceTime"), b::enableVoiceTime);
        set("excludedChannelIds", r.ids("excludedChannelIds"), b::excludedChannelIds);
        set("noXpRoleIds", r.ids("noXpRoleIds"), b::noXpRoleIds);
        set("noXpChannelIds", r.ids("noXpChannelIds"), b::noXpChannelIds);
        set("botsCountAsCompany", r.bool("botsCountAsCompany"), b::botsCountAsCompany);
        set("mutedCountAsCompany", r.bool("mutedCountAsCompany"), b::mutedCountAsCompany);
        set("messageXp", r.number("messageXp"), b::messageXp);
        set("messageXpCooldown", r.duration("messageXpCooldown"), b::messageXpCooldown);
        set("timeZone", r.zone("timeZone"), b::timeZone);
        if (r.has(LEVEL_REWARDS)) {
            set(LEVEL_REWARDS, r.strings(LEVEL_REWARDS), v -> b.levelRewards(LevelRewards.fromStored(v)));
        }
        if (r.has(PUBLIC_DASHBOARD)) {
            set(PUBLIC_DASHBOARD, r.bool(PUBLIC_DASHBOARD), b::publicDashboard);
        }
        return b.build();
    }

    /** The error for a stored option that is invalid: "stored guild config option KEY is invalid, was 'VALUE'". */
    public static IllegalArgumentException invalid(String key, @Nullable Object value, @Nullable Throwable cause) {
        String why = cause == null || cause.getMessage() == null ? "" : ": " + cause.getMessage();
        return new IllegalArgumentException(
                "stored guild config option " + key + " is invalid, was '" + value + "'" + why, cause);
    }

    private static <T> void set(String key, @Nullable T value, Consumer<T> setter) {
        if (value != null) {
            try {
                setter.accept(value);
            } catch (RuntimeException e) {
                throw invalid(key, value, e);
            }
        }
    }

    // ------------------------------------------------------------------ the key/value text form

    /**
     * The canonical key/value form: every stored option as text, in the stored order, {@code format}
     * first; exactly the lines of {@link #toText}.
     */
    public static LinkedHashMap<String, String> toMap(GuildConfig c) {
        var out = new LinkedHashMap<String, String>();
        out.put("format", Integer.toString(FORMAT));
        write(c, new Writer() {
            @Override
            public void bool(String key, boolean value) {
                out.put(key, Boolean.toString(value));
            }

            @Override
            public void integer(String key, int value) {
                out.put(key, Integer.toString(value));
            }

            @Override
            public void number(String key, @Nullable Long value) {
                if (value != null) {
                    out.put(key, value.toString());
                }
            }

            @Override
            public void decimal(String key, @Nullable Double value) {
                if (value != null) {
                    out.put(key, value.toString());
                }
            }

            @Override
            public void string(String key, String value) {
                out.put(key, enc(value));
            }

            @Override
            public void ids(String key, SortedSet<Long> value) {
                out.put(key, join(value, id -> Long.toString(id)));
            }

            @Override
            public void strings(String key, SortedSet<String> value) {
                out.put(key, join(value, GuildConfigCodec::enc));
            }

            @Override
            public void roleXp(String key, Map<Long, Long> value) {
                var parts = new ArrayList<String>(value.size());
                value.forEach((role, xp) -> parts.add(role + ":" + xp));
                out.put(key, String.join(",", parts));
            }

            @Override
            public void duration(String key, Duration value) {
                out.put(key, value.toString());
            }

            @Override
            public void zone(String key, ZoneId value) {
                out.put(key, value.getId());
            }
        });
        return out;
    }

    /**
     * A config from its key/value form (see {@link #toMap}); missing options take their defaults,
     * unknown keys are ignored.
     *
     * @throws IllegalArgumentException naming the option and the value if a stored value is invalid
     */
    public static GuildConfig fromMap(Map<String, String> v) {
        return read(new Reader() {
            @Override
            public boolean complete() {
                return v.containsKey("format");
            }

            @Override
            public @Nullable Boolean bool(String key) {
                return parse(key, Boolean::parseBoolean);
            }

            @Override
            public @Nullable Integer integer(String key) {
                return parse(key, Integer::valueOf);
            }

            @Override
            public @Nullable Long number(String key) {
                return parse(key, Long::valueOf);
            }

            @Override
            public @Nullable Double decimal(String key) {
                return parse(key, Double::valueOf);
            }

            @Override
            public @Nullable String string(String key) {
                return parse(key, GuildConfigCodec::dec);
            }

            @Override
            public @Nullable List<Long> ids(String key) {
                return parse(key, s -> split(s, Long::valueOf));
            }

            @Override
            public @Nullable List<String> strings(String key) {
                return parse(key, s -> split(s, GuildConfigCodec::dec));
            }

            @Override
            public @Nullable Map<Long, Long> roleXp(String key) {
                return parse(key, s -> {
                    var roles = new LinkedHashMap<Long, Long>();
                    for (String pair : split(s, Function.identity())) {
                        int colon = pair.indexOf(':');
                        if (colon < 0) {
                            throw new IllegalArgumentException("expected role:xp, was '" + pair + "'");
                        }
                        roles.put(Long.valueOf(pair.substring(0, colon)), Long.valueOf(pair.substring(colon + 1)));
                    }
                    return roles;
                });
            }

            @Override
            public @Nullable Duration duration(String key) {
                return parse(key, Duration::parse);
            }

            @Override
            public @Nullable ZoneId zone(String key) {
                return parse(key, ZoneId::of);
            }

            private <T> @Nullable T parse(String key, Function<String, T> parser) {
                String s = v.get(key);
                if (s == null) {
                    return null;
                }
                try {
                    return parser.apply(s);
                } catch (RuntimeException e) {
                    throw invalid(key, s, e);
                }
            }
        });
    }

    /** The text form: one {@code key=value} line (ending in a newline) per entry of {@link #toMap}. */
    public static String toText(GuildConfig c) {
        var out = new StringBuilder(512);
        toMap(c).forEach((k, v) -> out.append(k).append('=').append(v).append('\n'));
        return out.toString();
    }

    /**
     * A config from its text form; lines without {@code =} are ignored.
     *
     * @throws IllegalArgumentException naming the option and the value if a stored value is invalid
     */
    public static GuildConfig fromText(String text) {
        var v = new HashMap<String, String>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                v.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return fromMap(v);
    }

    private static <T> String join(Collection<T> values, Function<T, String> format) {
        var parts = new ArrayList<String>(values.size());
        values.forEach(x -> parts.add(format.apply(x)));
        return String.join(",", parts);
    }

    private static <T> List<T> split(String s, Function<String, T> parse) {
        var out = new ArrayList<T>();
        if (!s.isEmpty()) {
            for (String part : s.split(",")) {
                out.add(parse.apply(part));
            }
        }
        return out;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String dec(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
