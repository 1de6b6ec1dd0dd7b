package dev.voicetrack.storage.jdbc.internal;

import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.MemberStats;
import dev.voicetrack.core.VoiceSession;
import dev.voicetrack.core.storage.ActivityRow;
import dev.voicetrack.core.storage.GuildSnapshot;
import dev.voicetrack.core.storage.kernel.GuildConfigCodec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A guild's whole data as a {@link GuildSnapshot}, out and in: {@link #exportGuild} reads every table
 * in one snapshot transaction, {@link #importGuild} replaces the guild's rows in one write transaction
 * (values as they are: no rule is applied, nothing is summed). The stored formats are the same as the
 * ones {@link Records} writes.
 */
final class GuildSnapshots {

    private final Database db;
    private final Ranks ranks;

    GuildSnapshots(Database db, Ranks ranks) {
        this.db = db;
        this.ranks = ranks;
    }

    /** One consistent read (a single transaction) of everything stored about the guild. */
    GuildSnapshot exportGuild(long guildId) {
        return db.snapshot("exportGuild", c -> {
            GuildConfig config = null;
            try (PreparedStatement ps = c.prepareStatement("SELECT config FROM vt_guilds WHERE guild_id = ?")) {
                ps.setLong(1, guildId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        config = Records.decodeConfig(guildId, rs.getString(1));
                    }
                }
            }
            var activity = new HashMap<Long, List<ActivityRow>>();
            try (PreparedStatement ps = c.prepareStatement("SELECT user_id, day, channel_id, voice_ms, xp, messages"
                    + " FROM vt_daily_activity WHERE guild_id = ? AND day BETWEEN ? AND ?")) {
                ps.setLong(1, guildId);
                ps.setLong(2, GuildSnapshot.ALL_DAYS.from().toEpochDay());
                ps.setLong(3, GuildSnapshot.ALL_DAYS.to().toEpochDay());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        activity.computeIfAbsent(rs.getLong(1), u -> new ArrayList<>())
                                .add(new ActivityRow(
                                        LocalDate.ofEpochDay(rs.getLong(2)),
                                        rs.getLong(3),
                                        rs.getLong(4),
                                        rs.getLong(5),
                                        rs.getLong(6)));
                    }
                }
            }
            var members = new ArrayList<GuildSnapshot.Member>();
            readMembers(
                    c,
                    guildId,
                    stats -> members.add(
                            new GuildSnapshot.Member(stats, activity.getOrDefault(stats.userId(), List.of()))));
            List<VoiceSession> sessions;
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT " + SessionRows.SESSION_COLUMNS + " FROM vt_sessions WHERE guild_id = ? ORDER BY id")) {
                ps.setLong(1, guildId);
                sessions = SessionRows.read(ps);
            }
            return new GuildSnapshot(guildId, config, members, sessions);
        });
    }

    /** Every member of the guild with its channels and metadata, in one snapshot transaction (three queries). */
    List<MemberStats> members(long guildId) {
        return db.snapshot("members", c -> {
            var out = new ArrayList<MemberStats>();
            readMembers(c, guildId, out::add);
            return out;
        });
    }

    /** The guild's member rows with their channels and metadata, ascending by user id. */
    private static void readMembers(Connection c, long guildId, Consumer<MemberStats> out) throws SQLException {
        var channels = new HashMap<Long, Map<Long, MemberStats.ChannelStats>>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT user_id, channel_id, voice_ms, sessions FROM vt_member_channels WHERE guild_id = ?")) {
            ps.setLong(1, guildId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long ch = rs.getLong(2);
                    channels.computeIfAbsent(rs.getLong(1), u -> new HashMap<>())
                            .put(ch, new MemberStats.ChannelStats(ch, rs.getLong(3), rs.getLong(4)));
                }
            }
        }
        var metadata = new HashMap<Long, Map<String, String>>();
        try (PreparedStatement ps =
                c.prepareStatement("SELECT user_id, key, value FROM vt_member_metadata WHERE guild_id = ?")) {
            ps.setLong(1, guildId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    metadata.computeIfAbsent(rs.getLong(1), u -> new HashMap<>())
                            .put(rs.getString(2), rs.getString(3));
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT user_id, voice_ms, xp, level, sessions, messages,"
                + " last_seen_ms, streak, last_active_day FROM vt_members WHERE guild_id = ? ORDER BY user_id")) {
            ps.setLong(1, guildId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long user = rs.getLong(1);
                    out.accept(new MemberStats(
                            guildId,
                            user,
                            rs.getLong(2),
                            rs.getLong(3),
                            rs.getInt(4),
                            rs.getLong(5),
                            rs.getLong(6),
                            Instant.ofEpochMilli(rs.getLong(7)),
                            rs.getInt(8),
                            LocalDate.ofEpochDay(rs.getLong(9)),
                            channels.getOrDefault(user, Map.of()),
                            metadata.getOrDefault(user, Map.of())));
                }
            }
        }
    }

    /**
     * Replaces the guild's rows with the snapshot's, exactly (streaks and totals as they are, whatever
     * the activity rows say), in one transaction: a failure leaves the previous data.
     */
    void importGuild(GuildSnapshot snapshot) {
        long guildId = snapshot.guildId();
        String config = snapshot.config() == null ? null : GuildConfigCodec.toText(snapshot.config());
        long now = db.clock().millis();
        ranks.write(
                "importGuild",
                List.of(snapshot.guildId()),
                c -> {
                    for (String table : Migrations.GUILD_TABLES) {
                        Database.update(c, "DELETE FROM " + table + " WHERE guild_id = ?", guildId);
                    }
                    Database.update(c, "DELETE FROM " + Migrations.HOURLY_TABLE + " WHERE guild_id = ?", guildId);
                    if (config != null) {
                        try (PreparedStatement ps = c.prepareStatement(
                                "INSERT INTO vt_guilds (guild_id, config, created_at_ms, updated_at_ms) VALUES (?, ?, ?, ?)")) {
                            ps.setLong(1, guildId);
                            ps.setString(2, config);
                            ps.setLong(3, now);
                            ps.setLong(4, now);
                            ps.executeUpdate();
                        }
                    }
                    try (PreparedStatement m =
                                    c.prepareStatement("INSERT INTO vt_members (guild_id, user_id, voice_ms, xp,"
                                            + " level, sessions, messages, last_seen_ms, streak, last_active_day)"
                                            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
                            PreparedStatement ch =
                                    c.prepareStatement("INSERT INTO vt_member_channels (guild_id, user_id,"
                                            + " channel_id, voice_ms, sessions) VALUES (?, ?, ?, ?, ?)");
                            PreparedStatement md = c.prepareStatement(
                                    "INSERT INTO vt_member_metadata (guild_id, user_id, key, value) VALUES (?, ?, ?, ?)");
                            PreparedStatement day = c.prepareStatement(
                                    "INSERT INTO vt_daily_activity (guild_id, user_id,"
                                            + " day, channel_id, voice_ms, xp, messages) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                        int n = 0;
                        for (GuildSnapshot.Member member : snapshot.members()) {
                            if (++n % SessionRows.FLUSH_ROWS == 0) {
                                // same transaction; bounds the driver's batch memory on large guilds
                                m.executeBatch();
                                ch.executeBatch();
                                md.executeBatch();
                                day.executeBatch();
                            }
                            MemberStats s = member.stats();
                            m.setLong(1, guildId);
                            m.setLong(2, s.userId());
                            m.setLong(3, s.voiceTimeMs());
                            m.setLong(4, s.xp());
                            m.setInt(5, s.level());
                            m.setLong(6, s.sessions());
                            m.setLong(7, s.messages());
                            m.setLong(8, s.lastSeen().toEpochMilli());
                            m.setInt(9, s.streak());
                            m.setLong(10, s.lastActiveDay().toEpochDay());
                            m.addBatch();
                            for (MemberStats.ChannelStats cs : s.channels().values()) {
                                ch.setLong(1, guildId);
                                ch.setLong(2, s.userId());
                                ch.setLong(3, cs.channelId());
                                ch.setLong(4, cs.voiceTimeMs());
                                ch.setLong(5, cs.sessions());
                                ch.addBatch();
                            }
                            for (var e : s.metadata().entrySet()) {
                                md.setLong(1, guildId);
                                md.setLong(2, s.userId());
                                md.setString(3, e.getKey());
                                md.setString(4, e.getValue());
                                md.addBatch();
                            }
                            for (ActivityRow a : member.activity()) {
                                day.setLong(1, guildId);
                                day.setLong(2, s.userId());
                                day.setLong(3, a.day().toEpochDay());
                                day.setLong(4, a.channelId());
                                day.setLong(5, a.voiceMs());
                                day.setLong(6, a.xp());
                                day.setLong(7, a.messages());
                                day.addBatch();
                            }
                        }
                        m.executeBatch();
                        ch.executeBatch();
                        md.executeBatch();
                        day.executeBatch();
                    }
                    if (!snapshot.sessions().isEmpty()) {
                        // A session id is unique across guilds: a row of another guild with the same id moves here.
                        SessionRows.write(c, snapshot.sessions());
                    }
                    return null;
                },
                Ranks.DROP_INDEXES);
    }
}
