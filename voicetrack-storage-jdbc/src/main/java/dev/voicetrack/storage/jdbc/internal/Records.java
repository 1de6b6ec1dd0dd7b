package dev.voicetrack.storage.jdbc.internal;

import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.MemberStats;
import dev.voicetrack.core.Metric;
import dev.voicetrack.core.VoiceSession;
import dev.voicetrack.core.storage.ActivityRow;
import dev.voicetrack.core.storage.DayRange;
import dev.voicetrack.core.storage.LevelChange;
import dev.voicetrack.core.storage.LevelRaise;
import dev.voicetrack.core.storage.MemberTotals;
import dev.voicetrack.core.storage.StorageException;
import dev.voicetrack.core.storage.kernel.FoldedBatch;
import dev.voicetrack.core.storage.kernel.GuildConfigCodec;
import dev.voicetrack.core.storage.kernel.LevelRule;
import dev.voicetrack.core.storage.kernel.MemberFold;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The rows of a store, read and written one operation at a time: guild configs (in the kernel's
 * {@link GuildConfigCodec} text), folded batches ({@link BatchPlan}), level raises and the admin operations on members and guilds, and the plain reads of
 * members, activity and sessions. Every write that changes member totals goes through {@link
 * Ranks#write}, so the rank indexes follow it; ranked reads are {@link Ranks}'s.
 *
 * <p>{@link #apply} is one transaction of multi-row upserts that add to the stored totals and return
 * the new member totals; nothing is ever written back from a copy of a member, and no write deletes
 * rows it does not name.
 */
final class Records {

    private static final String ENSURE_MEMBER = "INSERT INTO vt_members (guild_id, user_id, voice_ms, xp, level,"
            + " sessions, messages, last_seen_ms, streak, last_active_day) VALUES (?, ?, 0, ?, ?, 0, 0, 0, 0, 0)";

    private final Database db;
    private final Ranks ranks;

    Records(Database db, Ranks ranks) {
        this.db = db;
        this.ranks = ranks;
    }

    // ------------------------------------------------------------------ guilds

    Optional<GuildConfig> guildConfig(long guildId) {
        String text = db.read("guildConfig", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT config FROM vt_guilds WHERE guild_id = ?")) {
                ps.setLong(1, guildId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getString(1) : null;
                }
            }
        });
        return text == null ? Optional.empty() : Optional.of(decodeConfig(guildId, text));
    }

    /** Stores a config (the kernel stripped its runtime filters) in the kernel's text form. */
    void saveGuildConfig(long guildId, GuildConfig config) {
        String text = GuildConfigCodec.toText(config);
        long now = db.clock().millis();
        db.write("saveGuildConfig", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO vt_guilds (guild_id, config, created_at_ms, updated_at_ms) VALUES (?, ?, ?, ?)"
                            + " ON CONFLICT (guild_id) DO UPDATE SET config = excluded.config,"
                            + " updated_at_ms = excluded.updated_at_ms")) {
                ps.setLong(1, guildId);
                ps.setString(2, text);
                ps.setLong(3, now);
                ps.setLong(4, now);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /**
     * The guilds of {@code vt_members}, each found by one seek of its key index from the previous one
     * (a loose index scan): O(guilds log members). A plain {@code SELECT DISTINCT} or {@code UNION}
     * reads every member row, 100 to 200 ms for a guild of a million, and the dashboard lists the
     * guilds on every page load.
     */
    static final String MEMBER_GUILDS = "WITH RECURSIVE mg(id) AS (SELECT MIN(guild_id) FROM vt_members"
            + " UNION ALL SELECT (SELECT MIN(m.guild_id) FROM vt_members m WHERE m.guild_id > mg.id) FROM mg"
            + " WHERE mg.id IS NOT NULL) SELECT id FROM mg WHERE id IS NOT NULL";

    List<Long> guildIds() {
        return db.read("guildIds", c -> {
            var out = new ArrayList<Long>();
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(MEMBER_GUILDS + " UNION SELECT guild_id FROM vt_guilds ORDER BY 1")) {
                while (rs.next()) {
                    out.add(rs.getLong(1));
                }
            }
            return List.copyOf(out);
        });
    }

    // ------------------------------------------------------------------ apply

    /**
     * Writes a folded batch (summed and checked within itself by the kernel) in one transaction. A
     * total the batch would take past {@code Long.MAX_VALUE} is refused by the database itself (STRICT
     * integer columns on SQLite, BIGINT arithmetic on PostgreSQL), which keeps the usual write free of
     * a read of the stored totals; only then are they read, to report the member with the kernel's one
     * wording ({@link MemberFold#checkFits}).
     */
    List<MemberTotals> apply(FoldedBatch batch) {
        if (batch.isEmpty()) {
            return List.of();
        }
        BatchPlan plan = new BatchPlan(batch);
        try {
            return ranks.write(
                    "apply",
                    plan.guildIds(),
                    c -> plan.write(c, db.dialect().serializesWrites()),
                    (g, r) -> plan.changes(g));
        } catch (StorageException e) {
            if (e.getCause() instanceof SQLException sql && db.dialect().isOverflow(sql)) {
                try {
                    checkFits(batch);
                } catch (StorageException overflow) { // a stored total is the cause: the kernel's wording
                    overflow.addSuppressed(e);
                    throw overflow;
                }
            }
            throw e;
        }
    }

    /** Reads the stored totals of the batch's members and checks that the batch fits on them. */
    private void checkFits(FoldedBatch batch) {
        db.read("apply", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT voice_ms, xp, messages, sessions FROM vt_members"
                    + " WHERE guild_id = ? AND user_id = ?")) {
                for (MemberFold m : batch.members()) {
                    ps.setLong(1, m.guildId());
                    ps.setLong(2, m.userId());
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            m.checkFits(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4));
                        }
                    }
                }
            }
            return null;
        });
    }

    /** Reads one member's totals (the member must exist). */
    private static MemberTotals memberTotals(Connection c, long guildId, long userId) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("SELECT xp, level, voice_ms FROM vt_members WHERE guild_id = ? AND user_id = ?")) {
            ps.setLong(1, guildId);
            ps.setLong(2, userId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("member " + userId + " of guild " + guildId + " vanished mid-write");
                }
                return new MemberTotals(guildId, userId, rs.getLong(1), rs.getInt(2), rs.getLong(3));
            }
        }
    }

    // ------------------------------------------------------------------ levels and admin

    /** Raises levels by {@link LevelRule}: reads each member under its row lock, raises with {@link LevelRule#SQL_RAISE}. */
    List<LevelChange> raiseLevels(List<LevelRaise> list) {
        if (list.isEmpty()) {
            return List.of();
        }
        var guildIds = new HashSet<Long>();
        list.forEach(r -> guildIds.add(r.guildId()));
        return ranks.write(
                "raiseLevels",
                guildIds,
                c -> {
                    var out = new ArrayList<LevelChange>();
                    try (PreparedStatement sel = c.prepareStatement(
                                    "SELECT level, xp FROM vt_members WHERE guild_id = ? AND user_id = ?"
                                            + db.dialect().forUpdate());
                            PreparedStatement upd = c.prepareStatement(LevelRule.SQL_RAISE)) {
                        for (LevelRaise r : list) {
                            sel.setLong(1, r.guildId());
                            sel.setLong(2, r.userId());
                            int level;
                            long xp;
                            try (ResultSet rs = sel.executeQuery()) {
                                if (!rs.next()) {
                                    continue;
                                }
                                level = rs.getInt(1);
                                xp = rs.getLong(2);
                            }
                            LevelChange change = LevelRule.apply(r, level, xp);
                            if (change != null) {
                                upd.setInt(1, r.level());
                                upd.setLong(2, r.guildId());
                                upd.setLong(3, r.userId());
                                upd.setInt(4, r.level());
                                upd.executeUpdate();
                                out.add(change);
                            }
                        }
                    }
                    return out;
                },
                Records::levelChanges);
    }

    /** The level changes of one guild, for the rank indexes (only the level index moves). */
    private static List<RankCache.Change> levelChanges(long guildId, List<LevelChange> changes) {
        var out = new ArrayList<RankCache.Change>();
        int level = Metric.LEVEL.ordinal();
        for (LevelChange lc : changes) {
            if (lc.guildId() == guildId) {
                long[] before = RankCache.unchanged();
                long[] after = RankCache.unchanged();
                before[level] = lc.oldLevel();
                after[level] = lc.newLevel();
                out.add(new RankCache.Change(lc.userId(), before, after));
            }
        }
        return out;
    }

    MemberTotals setXp(long guildId, long userId, long xp, int level) {
        return ranks.write(
                "setXp",
                List.of(guildId),
                c -> {
                    try (PreparedStatement ps = c.prepareStatement(
                            ENSURE_MEMBER
                                    + " ON CONFLICT (guild_id, user_id) DO UPDATE SET xp = excluded.xp, level = excluded.level")) {
                        ps.setLong(1, guildId);
                        ps.setLong(2, userId);
                        ps.setLong(3, xp);
                        ps.setInt(4, level);
                        ps.executeUpdate();
                    }
                    return memberTotals(c, guildId, userId);
                },
                Ranks.DROP_INDEXES);
    }

    MemberTotals setLevel(long guildId, long userId, int level) {
        return ranks.write(
                "setLevel",
                List.of(guildId),
                c -> {
                    try (PreparedStatement ps = c.prepareStatement(
                            ENSURE_MEMBER + " ON CONFLICT (guild_id, user_id) DO UPDATE SET level = excluded.level")) {
                        ps.setLong(1, guildId);
                        ps.setLong(2, userId);
                        ps.setLong(3, 0);
                        ps.setInt(4, level);
                        ps.executeUpdate();
                    }
                    return memberTotals(c, guildId, userId);
                },
                Ranks.DROP_INDEXES);
    }

    boolean resetMember(long guildId, long userId) {
        return ranks.write(
                "resetMember",
                List.of(guildId),
                c -> {
                    int updated = Database.update(
                            c,
                            "UPDATE vt_members SET voice_ms = 0, xp = 0, level = 0, sessions = 0, messages = 0,"
                                    + " last_seen_ms = 0, streak = 0, last_active_day = 0 WHERE guild_id = ? AND user_id = ?",
                            guildId,
                            userId);
                    if (updated == 0) {
                        return false;
                    }
                    Database.update(
                            c, "DELETE FROM vt_member_channels WHERE guild_id = ? AND user_id = ?", guildId, userId);
                    Database.update(
                            c, "DELETE FROM vt_daily_activity WHERE guild_id = ? AND user_id = ?", guildId, userId);
                    Database.update(c, "DELETE FROM vt_sessions WHERE guild_id = ? AND user_id = ?", guildId, userId);
                    return true;
                },
                Ranks.DROP_INDEXES);
    }

    boolean deleteMember(long guildId, long userId) {
        return ranks.write(
                "deleteMember",
                List.of(guildId),
                c -> {
                    int members = Database.update(
                            c, "DELETE FROM vt_members WHERE guild_id = ? AND user_id = ?", guildId, userId);
                    Database.update(
                            c, "DELETE FROM vt_member_channels WHERE guild_id = ? AND user_id = ?", guildId, userId);
                    Database.update(
                            c, "DELETE FROM vt_member_metadata WHERE guild_id = ? AND user_id = ?", guildId, userId);
                    Database.update(
                            c, "DELETE FROM vt_daily_activity WHERE guild_id = ? AND user_id = ?", guildId, userId);
                    int sessions = Database.update(
                            c, "DELETE FROM vt_sessions WHERE guild_id = ? AND user_id = ?", guildId, userId);
                    return members > 0 || sessions > 0;
                },
                Ranks.DROP_INDEXES);
    }

    void deleteGuild(long guildId) {
        ranks.write(
                "deleteGuild",
                List.of(guildId),
                c -> {
                    for (String table : Migrations.GUILD_TABLES) {
                        Database.update(c, "DELETE FROM " + table + " WHERE guild_id = ?", guildId);
                    }
                    Database.update(c, "DELETE FROM " + Migrations.HOURLY_TABLE + " WHERE guild_id = ?", guildId);
                    return null;
                },
                Ranks.DROP_INDEXES);
    }

    /** Puts {@code puts}, then removes {@code remove} (checked and copied by the kernel). */
    void updateMetadata(long guildId, long userId, Map<String, String> puts, List<String> remove) {
        var removes = new LinkedHashSet<String>(remove);
        ranks.write(
                "updateMetadata",
                List.of(guildId),
                c -> {
                    try (PreparedStatement ps =
                            c.prepareStatement(ENSURE_MEMBER + " ON CONFLICT (guild_id, user_id) DO NOTHING")) {
                        ps.setLong(1, guildId);
                        ps.setLong(2, userId);
                        ps.setLong(3, 0);
                        ps.setInt(4, 0);
                        ps.executeUpdate();
                    }
                    if (!puts.isEmpty()) {
                        try (PreparedStatement ps = c.prepareStatement(
                                "INSERT INTO vt_member_metadata (guild_id, user_id, key, value) VALUES (?, ?, ?, ?)"
                                        + " ON CONFLICT (guild_id, user_id, key) DO UPDATE SET value = excluded.value")) {
                            for (var e : puts.entrySet()) {
                                ps.setLong(1, guildId);
                                ps.setLong(2, userId);
                                ps.setString(3, e.getKey());
                                ps.setString(4, e.getValue());
                                ps.addBatch();
                            }
                            ps.executeBatch();
                        }
                    }
                    if (!removes.isEmpty()) {
                        try (PreparedStatement ps = c.prepareStatement(
                                "DELETE FROM vt_member_metadata WHERE guild_id = ? AND user_id = ? AND key = ?")) {
                            for (String key : removes) {
                                ps.setLong(1, guildId);
                                ps.setLong(2, userId);
                                ps.setString(3, key);
                                ps.addBatch();
                            }
                            ps.executeBatch();
                        }
                    }
                    return null;
                },
                Ranks.DROP_INDEXES);
    }

    // ------------------------------------------------------------------ reads

    Optional<MemberStats> member(long guildId, long userId) {
        return db.snapshot("member", c -> {
            long voice, xp, sessions, messages, lastSeen, lastDay;
            int level, streak;
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT voice_ms, xp, level, sessions, messages, last_seen_ms, streak, last_active_day"
                            + " FROM vt_members WHERE guild_id = ? AND user_id = ?")) {
                ps.setLong(1, guildId);
                ps.setLong(2, userId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    voice = rs.getLong(1);
                    xp = rs.getLong(2);
                    level = rs.getInt(3);
                    sessions = rs.getLong(4);
                    messages = rs.getLong(5);
                    lastSeen = rs.getLong(6);
                    streak = rs.getInt(7);
                    lastDay = rs.getLong(8);
                }
            }
            var channels = new HashMap<Long, MemberStats.ChannelStats>();
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT channel_id, voice_ms, sessions FROM vt_member_channels"
                            + " WHERE guild_id = ? AND user_id = ?")) {
                ps.setLong(1, guildId);
                ps.setLong(2, userId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long ch = rs.getLong(1);
                        channels.put(ch, new MemberStats.ChannelStats(ch, rs.getLong(2), rs.getLong(3)));
                    }
                }
            }
            var metadata = new HashMap<String, String>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT key, value FROM vt_member_metadata WHERE guild_id = ? AND user_id = ?")) {
                ps.setLong(1, guildId);
                ps.setLong(2, userId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        metadata.put(rs.getString(1), rs.getString(2));
                    }
                }
            }
            return Optional.of(new MemberStats(
                    guildId,
                    userId,
                    voice,
                    xp,
                    level,
                    sessions,
                    messages,
                    Instant.ofEpochMilli(lastSeen),
                    streak,
                    LocalDate.ofEpochDay(lastDay),
                    channels,
                    metadata));
        });
    }

    List<ActivityRow> activity(long guildId, long userId, DayRange range) {
        return db.read("activity", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT day, channel_id, voice_ms, xp, messages FROM vt_daily_activity WHERE guild_id = ?"
                            + " AND user_id = ? AND day BETWEEN ? AND ? ORDER BY day, channel_id")) {
                ps.setLong(1, guildId);
                ps.setLong(2, userId);
                ps.setLong(3, range.from().toEpochDay());
                ps.setLong(4, range.to().toEpochDay());
                var out = new ArrayList<ActivityRow>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new ActivityRow(
                                LocalDate.ofEpochDay(rs.getLong(1)),
                                rs.getLong(2),
                                rs.getLong(3),
                                rs.getLong(4),
                                rs.getLong(5)));
                    }
                }
                return out;
            }
        });
    }

    /** A guild's hourly rows of slots {@code from} to {@code end} (excluded); none on a read-only older schema. */
    List<long[]> hourly(long guildId, long from, long end) {
        return db.read("hourlyActivity", c -> {
            var out = new ArrayList<long[]>();
            if (Migrations.recordedVersion(c) < Migrations.HOURLY_VERSION) {
                return out;
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT hour, channel_id, voice_ms, messages"
                            + " FROM vt_hourly_activity WHERE guild_id = ? AND hour >= ? AND hour < ? ORDER BY hour, channel_id")) {
                ps.setLong(1, guildId);
                ps.setLong(2, from);
                ps.setLong(3, end);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)});
                    }
                }
            }
            return out;
        });
    }

    List<VoiceSession> openSessions() {
        return db.read("openSessions", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + SessionRows.SESSION_COLUMNS
                    + " FROM vt_sessions WHERE end_ms IS NULL ORDER BY start_ms, id")) {
                return SessionRows.read(ps);
            }
        });
    }

    List<VoiceSession> sessions(long guildId, long userId, int limit) {
        if (limit == 0) {
            return List.of();
        }
        return db.read("sessions", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + SessionRows.SESSION_COLUMNS
                    + " FROM vt_sessions WHERE guild_id = ? AND user_id = ? ORDER BY start_ms DESC, id LIMIT ?")) {
                ps.setLong(1, guildId);
                ps.setLong(2, userId);
                ps.setInt(3, limit);
                return SessionRows.read(ps);
            }
        });
    }

    /** The stored config text of a guild as a {@link GuildConfig}. */
    static GuildConfig decodeConfig(long guildId, String text) {
        try {
            return GuildConfigCodec.fromText(text);
        } catch (IllegalArgumentException e) {
            throw new StorageException("the stored config of guild " + guildId + " is invalid: " + e.getMessage(), e);
        }
    }
}
