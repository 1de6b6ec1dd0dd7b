package dev.voicetrack.jda.internal;

import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.LevelMultiplierConfig;
import dev.voicetrack.core.VoiceTimeConfig;
import dev.voicetrack.core.XpConfig;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Parses the text of {@code /config set} (and of the bot's admin console, through {@link
 * dev.voicetrack.jda.ConfigOptions}) into the values {@code GuildConfig} takes. Every error names the option as
 * the user typed it and the value: booleans, whole numbers, decimals, ids separated by commas or spaces
 * (mentions such as {@code <@&id>} included), {@code none} (or nothing) for an empty set or an unset value.
 * Rules on the value itself (ranges, known strategies) are {@code GuildConfig}'s, not these.
 */
public final class ConfigValues {
    /** The longest message XP cooldown {@code /config set} takes: one year, in seconds. */
    static final long MAX_COOLDOWN_SECONDS = 365L * 24 * 60 * 60;

    private ConfigValues() {}

    /** The options {@link #set} takes, in the order {@code /config show} lists them. */
    public static List<String> options() {
        return CommandDefinitions.CONFIG_OPTIONS;
    }

    /**
     * {@code current} with one option set from its text, as {@code /config set <option> <value>} takes it.
     * Every rule on the value itself is {@code GuildConfig}'s own, so the error names the option and the value
     * exactly as its builder does.
     *
     * @throws IllegalArgumentException naming the option and the value if the option is unknown or the value
     *     invalid
     */
    public static GuildConfig set(GuildConfig current, String option, String value) {
        GuildConfig.Builder b = current.toBuilder();
        XpConfig x = current.xpConfig();
        VoiceTimeConfig vt = current.voiceTimeConfig();
        String v = value.trim();
        switch (option) {
            case "trackBots" -> b.trackBots(bool(option, v));
            case "trackAllChannels" -> b.trackAllChannels(bool(option, v));
            case "channelIds" -> b.channelIds(idList(option, v));
            case "trackMuted" -> b.trackMuted(bool(option, v));
            case "trackDeafened" -> b.trackDeafened(bool(option, v));
            case "minUsersToTrack" -> b.minUsersToTrack(intValue(option, v));
            case "maxUsersToTrack" -> b.maxUsersToTrack(intValue(option, v));
            case "exemptPermissions" -> b.exemptPermissions(nameList(v));
            case "xpStrategy" -> b.xpStrategy(v);
            case "xpPerCheck", "xpConfig.baseAmount" -> {
                try {
                    b.xpConfig(new XpConfig(
                            optionalLong(option, v), x.roles(), x.boosterMultiplier(), x.minXP(), x.maxXP()));
                } catch (IllegalArgumentException e) {
                    // XpConfig names the field; the user typed the alias /config show lists
                    throw new IllegalArgumentException(
                            String.valueOf(e.getMessage()).replace("xpConfig.baseAmount", option), e);
                }
            }
            case "xpConfig.roles" -> b.xpConfig(
                    new XpConfig(x.baseAmount(), roleXp(option, v), x.boosterMultiplier(), x.minXP(), x.maxXP()));
            case "xpConfig.boosterMultiplier" -> b.xpConfig(
                    new XpConfig(x.baseAmount(), x.roles(), optionalDouble(option, v), x.minXP(), x.maxXP()));
            case "xpConfig.minXP" -> b.xpConfig(
                    new XpConfig(x.baseAmount(), x.roles(), x.boosterMultiplier(), optionalLong(option, v), x.maxXP()));
            case "xpConfig.maxXP" -> b.xpConfig(
                    new XpConfig(x.baseAmount(), x.roles(), x.boosterMultiplier(), x.minXP(), optionalLong(option, v)));
            case "voiceTimeStrategy" -> b.voiceTimeStrategy(v);
            case "voiceTimeConfig.baseAmount" -> b.voiceTimeConfig(
                    new VoiceTimeConfig(optionalLong(option, v), vt.multiplier()));
            case "voiceTimeConfig.multiplier" -> b.voiceTimeConfig(
                    new VoiceTimeConfig(vt.baseAmount(), optionalDouble(option, v)));
            case "levelMultiplierStrategy" -> b.levelMultiplierStrategy(v);
            case "levelMultiplierConfig.baseMultiplier" -> b.levelMultiplierConfig(
                    new LevelMultiplierConfig(optionalDouble(option, v)));
            case "enableLeveling" -> b.enableLeveling(bool(option, v));
            case "enableVoiceTime" -> b.enableVoiceTime(bool(option, v));
            case "excludedChannelIds" -> b.excludedChannelIds(idList(option, v));
            case "noXpRoleIds" -> b.noXpRoleIds(idList(option, v));
            case "noXpChannelIds" -> b.noXpChannelIds(idList(option, v));
            case "botsCountAsCompany" -> b.botsCountAsCompany(bool(option, v));
            case "mutedCountAsCompany" -> b.mutedCountAsCompany(bool(option, v));
            case "messageXp" -> b.messageXp(longValue(option, v));
            case "messageXpCooldownSeconds" -> b.messageXpCooldown(Duration.ofSeconds(cooldownSeconds(option, v)));
            case "publicDashboard" -> b.publicDashboard(bool(option, v));
            case "timeZone" -> {
                try {
                    b.timeZone(ZoneId.of(v));
                } catch (DateTimeException e) {
                    throw new IllegalArgumentException(
                            "timeZone must be a zone id such as Europe/Paris or UTC, was '" + value + "'", e);
                }
            }
            default -> throw new IllegalArgumentException("option must be one of "
                    + String.join(", ", CommandDefinitions.CONFIG_OPTIONS) + ", was '" + option + "'");
        }
        return b.build();
    }

    /**
     * Every option of {@code c} as the text {@link #set} takes back (ids and names sorted, {@code none} for an
     * empty set or an unset value), by option name, in {@link #options()}'s order without the {@code xpPerCheck}
     * alias: what a form shows so that saving an untouched field changes nothing.
     */
    public static Map<String, String> texts(GuildConfig c) {
        XpConfig x = c.xpConfig();
        VoiceTimeConfig vt = c.voiceTimeConfig();
        Map<String, String> out = new LinkedHashMap<>();
        out.put("trackBots", Boolean.toString(c.trackBots()));
        out.put("trackAllChannels", Boolean.toString(c.trackAllChannels()));
        out.put("channelIds", joined(c.channelIds()));
        out.put("trackMuted", Boolean.toString(c.trackMuted()));
        out.put("trackDeafened", Boolean.toString(c.trackDeafened()));
        out.put("minUsersToTrack", Integer.toString(c.minUsersToTrack()));
        out.put("maxUsersToTrack", Integer.toString(c.maxUsersToTrack()));
        out.put("exemptPermissions", joined(c.exemptPermissions()));
        out.put("xpStrategy", c.xpStrategy());
        out.put("xpConfig.baseAmount", orNone(x.baseAmount()));
        List<String> roles = new ArrayList<>();
        x.roles().forEach((role, xp) -> roles.add(role + ":" + xp));
        out.put("xpConfig.roles", roles.isEmpty() ? "none" : String.join(", ", roles));
        out.put("xpConfig.boosterMultiplier", orNone(x.boosterMultiplier()));
        out.put("xpConfig.minXP", orNone(x.minXP()));
        out.put("xpConfig.maxXP", orNone(x.maxXP()));
        out.put("voiceTimeStrategy", c.voiceTimeStrategy());
        out.put("voiceTimeConfig.baseAmount", orNone(vt.baseAmount()));
        out.put("voiceTimeConfig.multiplier", orNone(vt.multiplier()));
        out.put("levelMultiplierStrategy", c.levelMultiplierStrategy());
        out.put(
                "levelMultiplierConfig.baseMultiplier",
                orNone(c.levelMultiplierConfig().baseMultiplier()));
        out.put("enableLeveling", Boolean.toString(c.enableLeveling()));
        out.put("enableVoiceTime", Boolean.toString(c.enableVoiceTime()));
        out.put("excludedChannelIds", joined(c.excludedChannelIds()));
        out.put("noXpRoleIds", joined(c.noXpRoleIds()));
        out.put("noXpChannelIds", joined(c.noXpChannelIds()));
        out.put("botsCountAsCompany", Boolean.toString(c.botsCountAsCompany()));
        out.put("mutedCountAsCompany", Boolean.toString(c.mutedCountAsCompany()));
        out.put("messageXp", Long.toString(c.messageXp()));
        out.put("messageXpCooldownSeconds", Long.toString(c.messageXpCooldown().toSeconds()));
        out.put("timeZone", c.timeZone().getId());
        out.put("publicDashboard", Boolean.toString(c.publicDashboard()));
        return out;
    }

    private static <T extends Comparable<T>> String joined(java.util.Collection<T> values) {
        return values.isEmpty()
                ? "none"
                : String.join(
                        ", ", values.stream().sorted().map(String::valueOf).toList());
    }

    private static String orNone(@Nullable Object value) {
        return value == null ? "none" : value.toString();
    }

    static boolean bool(String option, String v) {
        if (v.equalsIgnoreCase("true")) {
            return true;
        }
        if (v.equalsIgnoreCase("false")) {
            return false;
        }
        throw new IllegalArgumentException(option + " must be true or false, was '" + v + "'");
    }

    static long longValue(String option, String v) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be a whole number, was '" + v + "'", e);
        }
    }

    static int intValue(String option, String v) {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    option + " must be a whole number up to " + Integer.MAX_VALUE + ", was '" + v + "'", e);
        }
    }

    /** Seconds in 0..one year: longer would overflow the millisecond fields some storages keep. */
    static long cooldownSeconds(String option, String v) {
        long seconds = longValue(option, v);
        if (seconds < 0) {
            throw new IllegalArgumentException(option + " must be >= 0, was " + seconds);
        }
        if (seconds > MAX_COOLDOWN_SECONDS) {
            throw new IllegalArgumentException(
                    option + " must be at most " + MAX_COOLDOWN_SECONDS + " (one year), was " + seconds);
        }
        return seconds;
    }

    static @Nullable Long optionalLong(String option, String v) {
        return none(v) ? null : longValue(option, v);
    }

    static @Nullable Double optionalDouble(String option, String v) {
        if (none(v)) {
            return null;
        }
        double d;
        try {
            d = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be a number such as 1.5, was '" + v + "'", e);
        }
        if (!Double.isFinite(d)) {
            throw new IllegalArgumentException(option + " must be a finite number such as 1.5, was '" + v + "'");
        }
        return d;
    }

    /** Ids separated by commas or spaces; channel, role and user mentions are taken as their ids. */
    static List<Long> idList(String option, String v) {
        List<Long> out = new ArrayList<>();
        if (none(v)) {
            return out;
        }
        for (String part : v.split("[,\\s]+")) {
            if (part.isEmpty()) {
                continue;
            }
            String digits = part.replaceFirst("^<(#|@&|@!|@)(\\d+)>$", "$2");
            try {
                out.add(Long.parseLong(digits));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        option + " must be ids separated by commas (or none), was '" + part + "'", e);
            }
        }
        return out;
    }

    static List<String> nameList(String v) {
        List<String> out = new ArrayList<>();
        if (!none(v)) {
            for (String part : v.split("[,\\s]+")) {
                if (!part.isEmpty()) {
                    out.add(part);
                }
            }
        }
        return out;
    }

    /** {@code roleId:xp} pairs separated by commas, in the order given (the first role a member has wins). */
    static Map<Long, Long> roleXp(String option, String v) {
        Map<Long, Long> out = new LinkedHashMap<>();
        if (none(v)) {
            return out;
        }
        for (String part : v.split("[,\\s]+")) {
            if (part.isEmpty()) {
                continue;
            }
            String[] kv = part.split(":", 2);
            if (kv.length != 2) {
                throw new IllegalArgumentException(
                        option + " must be roleId:xp pairs separated by commas (or none), was '" + part + "'");
            }
            long role = idList(option, kv[0]).stream().findFirst().orElse(0L);
            out.put(role, longValue(option, kv[1]));
        }
        return out;
    }

    private static boolean none(String v) {
        return v.isEmpty() || v.equalsIgnoreCase("none");
    }
}
