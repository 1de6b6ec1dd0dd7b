package dev.voicetrack.storage.jdbc.internal;

import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.LevelMultiplierConfig;
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
import java.util.TreeSet;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The stored text form of a {@link GuildConfig}: one {@code key=value} line per option, strings
 * URL-encoded, sets sorted. Options missing from the text take their defaults and unknown keys are
 * ignored, so adding an option needs no migration. The runtime filters are not stored.
 */
final class ConfigCodec {

    static final int FORMAT = 1;

    private ConfigCodec() {}

    static String encode(GuildConfig c) {
        var out = new StringBuilder(512);
        put(out, "format", Integer.toString(FORMAT));
        put(out, "trackBots", c.trackBots());
        put(out, "trackAllChannels", c.trackAllChannels());
        put(out, "channelIds", ids(c.channelIds()));
        put(out, "trackMuted", c.trackMuted());
        put(out, "trackDeafened", c.trackDeafened());
        put(out, "minUsersToTrack", c.minUsersToTrack());
        put(out, "maxUsersToTrack", c.maxUsersToTrack());
        put(out, "exemptPermissions", strings(c.exemptPermissions()));
        put(out, "xpStrategy", enc(c.xpStrategy()));
        XpConfig x = c.xpConfig();
        putIf(out, "xpConfig.baseAmount", x.baseAmount());
        var roles = new ArrayList<String>();
        x.roles().forEach((role, xp) -> roles.add(role + ":" + xp));
        put(out, "xpConfig.roles", String.join(",", roles));
        putIf(out, "xpConfig.boosterMultiplier", x.boosterMultiplier());
        putIf(out, "xpConfig.minXP", x.minXP());
        putIf(out, "xpConfig.maxXP", x.maxXP());
        put(out, "voiceTimeStrategy", enc(c.voiceTimeStrategy()));
        putIf(out, "voiceTimeConfig.baseAmount", c.voiceTimeConfig().baseAmount());
        putIf(out, "voiceTimeConfig.multiplier", c.voiceTimeConfig().multiplier());
        put(out, "levelMultiplierStrategy", enc(c.levelMultiplierStrategy()));
        putIf(
                out,
                "levelMultiplierConfig.baseMultiplier",
                c.levelMultiplierConfig().baseMultiplier());
        put(out, "enableLeveling", c.enableLeveling());
        put(out, "enableVoiceTime", c.enableVoiceTime());
        put(out, "excludedChannelIds", ids(c.excludedChannelIds()));
        put(out, "noXpRoleIds", ids(c.noXpRoleIds()));
        put(out, "noXpChannelIds", ids(c.noXpChannelIds()));
        put(out, "botsCountAsCompany", c.botsCountAsCompany());
        put(out, "mutedCountAsCompany", c.mutedCountAsCompany());
        put(out, "messageXp", c.messageXp());
        put(out, "messageXpCooldown", c.messageXpCooldown().toString());
        put(out, "timeZone", c.timeZone().getId());
        return out.toString();
    }

    /** @throws IllegalArgumentException if a stored value is invalid (the message names it) */
    static GuildConfig decode(String text) {
        var v = new HashMap<String, String>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                v.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        GuildConfig.Builder b = GuildConfig.builder();
        bool(v, "trackBots", b::trackBots);
        bool(v, "trackAllChannels", b::trackAllChannels);
        list(v, "channelIds", Long::valueOf, b::channelIds);
        bool(v, "trackMuted", b::trackMuted);
        bool(v, "trackDeafened", b::trackDeafened);
        num(v, "minUsersToTrack", s -> b.minUsersToTrack(Integer.parseInt(s)));
        num(v, "maxUsersToTrack", s -> b.maxUsersToTrack(Integer.parseInt(s)));
        list(v, "exemptPermissions", ConfigCodec::dec, b::exemptPermissions);
        num(v, "xpStrategy", s -> b.xpStrategy(dec(s)));
        if (v.containsKey("format")) {
            var roles = new LinkedHashMap<Long, Long>();
            String r = v.getOrDefault("xpConfig.roles", "");
            if (!r.isEmpty()) {
                for (String pair : r.split(",")) {
                    int colon = pair.indexOf(':');
                    roles.put(Long.valueOf(pair.substring(0, colon)), Long.valueOf(pair.substring(colon + 1)));
                }
            }
            b.xpConfig(new XpConfig(
                    opt(v, "xpConfig.baseAmount", Long::valueOf),
                    roles,
                    opt(v, "xpConfig.boosterMultiplier", Double::valueOf),
                    opt(v, "xpConfig.minXP", Long::valueOf),
                    opt(v, "xpConfig.maxXP", Long::valueOf)));
        }
        num(v, "voiceTimeStrategy", s -> b.voiceTimeStrategy(dec(s)));
        if (v.containsKey("format")) {
            b.voiceTimeConfig(new VoiceTimeConfig(
                    opt(v, "voiceTimeConfig.baseAmount", Long::valueOf),
                    opt(v, "voiceTimeConfig.multiplier", Double::valueOf)));
        }
        num(v, "levelMultiplierStrategy", s -> b.levelMultiplierStrategy(dec(s)));
        if (v.containsKey("format")) {
            b.levelMultiplierConfig(
                    new LevelMultiplierConfig(opt(v, "levelMultiplierConfig.baseMultiplier", Double::valueOf)));
        }
        bool(v, "enableLeveling", b::enableLeveling);
        bool(v, "enableVoiceTime", b::enableVoiceTime);
        list(v, "excludedChannelIds", Long::valueOf, b::excludedChannelIds);
        list(v, "noXpRoleIds", Long::valueOf, b::noXpRoleIds);
        list(v, "noXpChannelIds", Long::valueOf, b::noXpChannelIds);
        bool(v, "botsCountAsCompany", b::botsCountAsCompany);
        bool(v, "mutedCountAsCompany", b::mutedCountAsCompany);
        num(v, "messageXp", s -> b.messageXp(Long.parseLong(s)));
        num(v, "messageXpCooldown", s -> b.messageXpCooldown(Duration.parse(s)));
        num(v, "timeZone", s -> b.timeZone(ZoneId.of(s)));
        return b.build();
    }

    private static void put(StringBuilder out, String key, Object value) {
        out.append(key).append('=').append(value).append('\n');
    }

    private static void putIf(StringBuilder out, String key, @Nullable Object value) {
        if (value != null) {
            put(out, key, value);
        }
    }

    private static String ids(Collection<Long> ids) {
        var sorted = new TreeSet<>(ids);
        var parts = new ArrayList<String>(sorted.size());
        sorted.forEach(id -> parts.add(Long.toString(id)));
        return String.join(",", parts);
    }

    private static String strings(Collection<String> values) {
        var parts = new ArrayList<String>();
        new TreeSet<>(values).forEach(s -> parts.add(enc(s)));
        return String.join(",", parts);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String dec(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private interface Setter {
        void set(String value);
    }

    private static void num(Map<String, String> v, String key, Setter setter) {
        String s = v.get(key);
        if (s != null) {
            try {
                setter.set(s);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(
                        "stored guild config option " + key + " is invalid, was '" + s + "': " + e.getMessage(), e);
            }
        }
    }

    private static void bool(Map<String, String> v, String key, java.util.function.Consumer<Boolean> setter) {
        num(v, key, s -> setter.accept(Boolean.parseBoolean(s)));
    }

    private static <T> void list(
            Map<String, String> v, String key, Function<String, T> parse, java.util.function.Consumer<List<T>> setter) {
        num(v, key, s -> {
            var out = new ArrayList<T>();
            if (!s.isEmpty()) {
                for (String part : s.split(",")) {
                    out.add(parse.apply(part));
                }
            }
            setter.accept(out);
        });
    }

    private static <T> @Nullable T opt(Map<String, String> v, String key, Function<String, T> parse) {
        String s = v.get(key);
        try {
            return s == null ? null : parse.apply(s);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("stored guild config option " + key + " is invalid, was '" + s + "'", e);
        }
    }
}
