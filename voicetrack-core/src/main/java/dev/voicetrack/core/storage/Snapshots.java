package dev.voicetrack.core.storage;

import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.LeaderboardEntry;
import dev.voicetrack.core.MemberStats;
import dev.voicetrack.core.Metric;
import dev.voicetrack.core.VoiceSession;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The default {@link Storage#exportGuild} and {@link Storage#importGuild}, built on the rest of the
 * SPI, and the snapshot checksum.
 *
 * <p>The default import replays a snapshot as increments, which reproduces a member exactly only when
 * its totals are what its activity rows add up to (voice time, messages, per-channel voice time) and
 * its streak is what replaying the active days in order gives. Data written through {@link
 * Storage#apply} has that shape except in one case: an increment for a day before the member's last
 * active day (a late increment) leaves the streak as it was, while a replay in day order counts that
 * day. The default therefore checks every member first and refuses, writing nothing, a snapshot it
 * cannot reproduce; backends that can write rows directly override {@code importGuild}.
 */
final class Snapshots {
    private static final int PAGE = 10_000;

    private Snapshots() {}

    static GuildSnapshot export(Storage storage, long guildId) {
        GuildConfig config = storage.guildConfig(guildId).orElse(null);
        var stats = new TreeMap<Long, MemberStats>();
        storage.forEachMember(guildId, m -> stats.put(m.userId(), m));
        Set<Long> users = stats.keySet();
        var members = new ArrayList<GuildSnapshot.Member>(users.size());
        for (MemberStats m : stats.values()) {
            members.add(new GuildSnapshot.Member(m, storage.activity(guildId, m.userId(), GuildSnapshot.ALL_DAYS)));
        }
        var sessions = new TreeMap<String, VoiceSession>();
        for (long user : users) {
            storage.sessions(guildId, user, Integer.MAX_VALUE).forEach(s -> sessions.put(s.id(), s));
        }
        // Open sessions of users without a member row (the SPI cannot list their closed ones).
        for (VoiceSession open : storage.openSessions()) {
            if (open.guildId() == guildId && !users.contains(open.userId())) {
                storage.sessions(guildId, open.userId(), Integer.MAX_VALUE).forEach(s -> sessions.put(s.id(), s));
            }
        }
        return new GuildSnapshot(guildId, config, members, List.copyOf(sessions.values()));
    }

    /** The default {@link Storage#forEachMember}: the all-time leaderboard's members, each read on its own. */
    static void forEachMember(Storage storage, long guildId, Consumer<? super MemberStats> action) {
        Objects.requireNonNull(action, "action must not be null");
        var users = new TreeSet<Long>();
        for (int offset = 0; ; offset += PAGE) {
            List<LeaderboardEntry> page = storage.leaderboard(guildId, Metric.XP, null, PAGE, offset);
            page.forEach(e -> users.add(e.userId()));
            if (page.size() < PAGE) {
                break;
            }
        }
        for (long user : users) {
            storage.member(guildId, user).ifPresent(action);
        }
    }

    static void importByReplay(Storage storage, GuildSnapshot snapshot) {
        Objects.requireNonNull(snapshot, "snapshot must not be null");
        long guildId = snapshot.guildId();
        var deltas = new ArrayList<MemberDelta>();
        for (GuildSnapshot.Member m : snapshot.members()) {
            deltas.addAll(replayDeltas(m, guildId));
        }
        storage.deleteGuild(guildId);
        if (snapshot.config() != null) {
            storage.saveGuildConfig(guildId, snapshot.config());
        }
        storage.apply(new Batch(deltas, snapshot.sessions()));
        for (GuildSnapshot.Member m : snapshot.members()) {
            MemberStats s = m.stats();
            storage.setXp(guildId, s.userId(), s.xp(), s.level());
            if (!s.metadata().isEmpty()) {
                storage.updateMetadata(guildId, s.userId(), s.metadata(), List.of());
            }
        }
    }

    /** The increments that rebuild a member, or a StorageException if they cannot rebuild it exactly. */
    private static List<MemberDelta> replayDeltas(GuildSnapshot.Member m, long guildId) {
        MemberStats s = m.stats();
        long user = s.userId();
        Instant seen = s.lastSeen();
        var out = new ArrayList<MemberDelta>();
        long voice = 0;
        long messages = 0;
        var channelVoice = new TreeMap<Long, Long>();
        int streak = 0;
        LocalDate lastDay = LocalDate.EPOCH;
        for (ActivityRow a : m.activity()) {
            if (a.voiceMs() == 0 && a.xp() == 0 && a.messages() == 0) {
                continue;
            }
            out.add(new MemberDelta(guildId, user, a.channelId(), a.day(), a.voiceMs(), a.xp(), a.messages(), 0, seen));
            voice = Math.addExact(voice, a.voiceMs());
            messages = Math.addExact(messages, a.messages());
            if (a.channelId() != 0 && a.voiceMs() > 0) {
                channelVoice.merge(a.channelId(), a.voiceMs(), Long::sum);
            }
            if (a.day().isAfter(lastDay)) {
                streak = a.day().minusDays(1).equals(lastDay) ? streak + 1 : 1;
                lastDay = a.day();
            }
        }
        long channelSessions = 0;
        for (MemberStats.ChannelStats c : s.channels().values()) {
            if (c.channelId() <= 0 || c.voiceTimeMs() != channelVoice.getOrDefault(c.channelId(), 0L)) {
                throw cannot(
                        guildId,
                        user,
                        "channel " + c.channelId() + " voice time " + c.voiceTimeMs()
                                + " differs from its activity rows' " + channelVoice.getOrDefault(c.channelId(), 0L));
            }
            if (c.sessions() > 0) {
                out.add(new MemberDelta(guildId, user, c.channelId(), lastDay, 0, 0, 0, c.sessions(), seen));
            } else if (c.voiceTimeMs() == 0) {
                throw cannot(guildId, user, "channel " + c.channelId() + " has neither voice time nor sessions");
            }
            channelSessions += c.sessions();
        }
        channelVoice.keySet().removeAll(s.channels().keySet());
        if (!channelVoice.isEmpty()) {
            throw cannot(guildId, user, "activity names channels " + channelVoice.keySet() + " without channel totals");
        }
        if (voice != s.voiceTimeMs()) {
            throw cannot(guildId, user, "voiceTimeMs " + s.voiceTimeMs() + " differs from its activity rows' " + voice);
        }
        if (messages != s.messages()) {
            throw cannot(guildId, user, "messages " + s.messages() + " differ from its activity rows' " + messages);
        }
        if (s.sessions() < channelSessions) {
            throw cannot(
                    guildId, user, "sessions " + s.sessions() + " are fewer than its channels' " + channelSessions);
        }
        if (streak != s.streak() || !lastDay.equals(s.lastActiveDay())) {
            throw cannot(
                    guildId,
                    user,
                    "streak " + s.streak() + " ending " + s.lastActiveDay() + " is not what its active days give ("
                            + streak + " ending " + lastDay + ")");
        }
        // The rest: sessions outside any channel, and a zero delta that creates the member and sets
        // lastSeen even when it has nothing else.
        out.add(new MemberDelta(guildId, user, 0, lastDay, 0, 0, 0, s.sessions() - channelSessions, seen));
        return out;
    }

    private static StorageException cannot(long guildId, long userId, String why) {
        return new StorageException("cannot import guild " + guildId + " through increments: member " + userId + " "
                + why + "; nothing was written (a backend that must copy such data overrides importGuild)");
    }

    // ---------------------------------------------------------------- checksum

    static String checksum(GuildSnapshot s) {
        var b = new StringBuilder(256);
        b.append("guild ").append(s.guildId()).append('\n');
        b.append("config ")
                .append(s.config() == null ? "none" : canonical(s.config()))
                .append('\n');
        for (GuildSnapshot.Member m : s.members()) {
            MemberStats st = m.stats();
            b.append("member ")
                    .append(st.userId())
                    .append(' ')
                    .append(st.voiceTimeMs())
                    .append(' ')
                    .append(st.xp())
                    .append(' ')
                    .append(st.level())
                    .append(' ')
                    .append(st.sessions())
                    .append(' ')
                    .append(st.messages())
                    .append(' ')
                    .append(st.lastSeen().toEpochMilli())
                    .append('.')
                    .append(st.lastSeen().getNano() % 1_000_000)
                    .append(' ')
                    .append(st.streak())
                    .append(' ')
                    .append(st.lastActiveDay())
                    .append('\n');
            new TreeMap<>(st.channels()).values().forEach(c -> b.append(" channel ")
                    .append(c.channelId())
                    .append(' ')
                    .append(c.voiceTimeMs())
                    .append(' ')
                    .append(c.sessions())
                    .append('\n'));
            new TreeMap<>(st.metadata()).forEach((k, v) -> b.append(" meta ")
                    .append(escape(k))
                    .append('=')
                    .append(escape(v))
                    .append('\n'));
            for (ActivityRow a : m.activity()) {
                b.append(" day ")
                        .append(a.day())
                        .append(' ')
                        .append(a.channelId())
                        .append(' ')
                        .append(a.voiceMs())
                        .append(' ')
                        .append(a.xp())
                        .append(' ')
                        .append(a.messages())
                        .append('\n');
            }
        }
        for (VoiceSession v : s.sessions()) {
            b.append("session ")
                    .append(escape(v.id()))
                    .append(' ')
                    .append(v.userId())
                    .append(' ')
                    .append(v.channelId())
                    .append(' ')
                    .append(v.start())
                    .append(' ')
                    .append(v.end())
                    .append(' ')
                    .append(v.lastAccrual())
                    .append(' ')
                    .append(v.durationMs())
                    .append(' ')
                    .append(v.xpEarned())
                    .append(' ')
                    .append(v.mutedMs())
                    .append(' ')
                    .append(v.deafenedMs())
                    .append('\n');
        }
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(b.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\n", "\\n").replace("=", "\\=").replace(" ", "\\s");
    }

    /** Every persisted option, sets sorted, so that the text does not depend on set iteration order. */
    private static String canonical(GuildConfig c) {
        var roles = new StringBuilder();
        for (Map.Entry<Long, Long> e : c.xpConfig().roles().entrySet()) {
            roles.append(e.getKey()).append(':').append(e.getValue()).append(',');
        }
        return String.join(
                "|",
                "trackBots=" + c.trackBots(),
                "trackAllChannels=" + c.trackAllChannels(),
                "channelIds=" + new TreeSet<>(c.channelIds()),
                "trackMuted=" + c.trackMuted(),
                "trackDeafened=" + c.trackDeafened(),
                "minUsersToTrack=" + c.minUsersToTrack(),
                "maxUsersToTrack=" + c.maxUsersToTrack(),
                "exemptPermissions=" + new TreeSet<>(c.exemptPermissions()),
                "xpStrategy=" + c.xpStrategy(),
                "xpConfig=" + c.xpConfig().baseAmount() + "/" + roles + "/"
                        + c.xpConfig().boosterMultiplier() + "/" + c.xpConfig().minXP() + "/"
                        + c.xpConfig().maxXP(),
                "voiceTimeStrategy=" + c.voiceTimeStrategy(),
                "voiceTimeConfig=" + c.voiceTimeConfig().baseAmount() + "/"
                        + c.voiceTimeConfig().multiplier(),
                "levelMultiplierStrategy=" + c.levelMultiplierStrategy(),
                "levelMultiplierConfig=" + c.levelMultiplierConfig().baseMultiplier(),
                "enableLeveling=" + c.enableLeveling(),
                "enableVoiceTime=" + c.enableVoiceTime(),
                "excludedChannelIds=" + new TreeSet<>(c.excludedChannelIds()),
                "noXpRoleIds=" + new TreeSet<>(c.noXpRoleIds()),
                "noXpChannelIds=" + new TreeSet<>(c.noXpChannelIds()),
                "botsCountAsCompany=" + c.botsCountAsCompany(),
                "mutedCountAsCompany=" + c.mutedCountAsCompany(),
                "messageXp=" + c.messageXp(),
                "messageXpCooldown=" + c.messageXpCooldown().toMillis(),
                "timeZone=" + c.timeZone().getId());
    }
}
