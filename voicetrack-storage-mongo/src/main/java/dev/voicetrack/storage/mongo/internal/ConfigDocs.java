package dev.voicetrack.storage.mongo.internal;

import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.LevelMultiplierConfig;
import dev.voicetrack.core.VoiceTimeConfig;
import dev.voicetrack.core.XpConfig;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.bson.Document;

/** A {@link GuildConfig} as a BSON document (every persisted option; runtime filters are not stored). */
public final class ConfigDocs {
    private ConfigDocs() {}

    public static Document toDoc(GuildConfig c) {
        var roles = new ArrayList<Document>();
        c.xpConfig().roles().forEach((k, v) -> roles.add(new Document("roleId", k).append("xp", v)));
        return new Document("trackBots", c.trackBots())
                .append("trackAllChannels", c.trackAllChannels())
                .append("channelIds", new ArrayList<>(new TreeSet<>(c.channelIds())))
                .append("trackMuted", c.trackMuted())
                .append("trackDeafened", c.trackDeafened())
                .append("minUsersToTrack", c.minUsersToTrack())
                .append("maxUsersToTrack", c.maxUsersToTrack())
                .append("exemptPermissions", new ArrayList<>(new TreeSet<>(c.exemptPermissions())))
                .append("xpStrategy", c.xpStrategy())
                .append(
                        "xpConfig",
                        new Document("baseAmount", c.xpConfig().baseAmount())
                                .append("roles", roles)
                                .append("boosterMultiplier", c.xpConfig().boosterMultiplier())
                                .append("minXP", c.xpConfig().minXP())
                                .append("maxXP", c.xpConfig().maxXP()))
                .append("voiceTimeStrategy", c.voiceTimeStrategy())
                .append(
                        "voiceTimeConfig",
                        new Document("baseAmount", c.voiceTimeConfig().baseAmount())
                                .append("multiplier", c.voiceTimeConfig().multiplier()))
                .append("levelMultiplierStrategy", c.levelMultiplierStrategy())
                .append(
                        "levelMultiplierConfig",
                        new Document("baseMultiplier", c.levelMultiplierConfig().baseMultiplier()))
                .append("enableLeveling", c.enableLeveling())
                .append("enableVoiceTime", c.enableVoiceTime())
                .append("excludedChannelIds", new ArrayList<>(new TreeSet<>(c.excludedChannelIds())))
                .append("noXpRoleIds", new ArrayList<>(new TreeSet<>(c.noXpRoleIds())))
                .append("noXpChannelIds", new ArrayList<>(new TreeSet<>(c.noXpChannelIds())))
                .append("botsCountAsCompany", c.botsCountAsCompany())
                .append("mutedCountAsCompany", c.mutedCountAsCompany())
                .append("messageXp", c.messageXp())
                .append("messageXpCooldownMs", c.messageXpCooldown().toMillis())
                .append("timeZone", c.timeZone().getId());
    }

    public static GuildConfig fromDoc(Document d) {
        Document x = d.get("xpConfig", Document.class);
        Map<Long, Long> roles = new LinkedHashMap<>();
        for (Document r : x.getList("roles", Document.class)) {
            roles.put(r.getLong("roleId"), r.getLong("xp"));
        }
        Document v = d.get("voiceTimeConfig", Document.class);
        Document l = d.get("levelMultiplierConfig", Document.class);
        return GuildConfig.builder()
                .trackBots(d.getBoolean("trackBots"))
                .trackAllChannels(d.getBoolean("trackAllChannels"))
                .channelIds(longs(d, "channelIds"))
                .trackMuted(d.getBoolean("trackMuted"))
                .trackDeafened(d.getBoolean("trackDeafened"))
                .minUsersToTrack(d.getInteger("minUsersToTrack"))
                .maxUsersToTrack(d.getInteger("maxUsersToTrack"))
                .exemptPermissions(d.getList("exemptPermissions", String.class))
                .xpStrategy(d.getString("xpStrategy"))
                .xpConfig(new XpConfig(
                        x.getLong("baseAmount"),
                        roles,
                        x.getDouble("boosterMultiplier"),
                        x.getLong("minXP"),
                        x.getLong("maxXP")))
                .voiceTimeStrategy(d.getString("voiceTimeStrategy"))
                .voiceTimeConfig(new VoiceTimeConfig(v.getLong("baseAmount"), v.getDouble("multiplier")))
                .levelMultiplierStrategy(d.getString("levelMultiplierStrategy"))
                .levelMultiplierConfig(new LevelMultiplierConfig(l.getDouble("baseMultiplier")))
                .enableLeveling(d.getBoolean("enableLeveling"))
                .enableVoiceTime(d.getBoolean("enableVoiceTime"))
                .excludedChannelIds(longs(d, "excludedChannelIds"))
                .noXpRoleIds(longs(d, "noXpRoleIds"))
                .noXpChannelIds(longs(d, "noXpChannelIds"))
                .botsCountAsCompany(d.getBoolean("botsCountAsCompany"))
                .mutedCountAsCompany(d.getBoolean("mutedCountAsCompany"))
                .messageXp(d.getLong("messageXp"))
                .messageXpCooldown(Duration.ofMillis(d.getLong("messageXpCooldownMs")))
                .timeZone(ZoneId.of(d.getString("timeZone")))
                .build();
    }

    private static List<Long> longs(Document d, String name) {
        return d.getList(name, Long.class);
    }
}
