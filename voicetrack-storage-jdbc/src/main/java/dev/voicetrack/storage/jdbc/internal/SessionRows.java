package dev.voicetrack.storage.jdbc.internal;

import dev.voicetrack.core.VoiceSession;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code vt_sessions} rows to and from {@link VoiceSession}s: the column list every session read
 * selects, and the upsert that writes a session as it is (a later write of the same id replaces the
 * row, wherever it was). Times are epoch milliseconds; an open session has a null {@code end_ms}.
 */
final class SessionRows {

    /** The columns, in the order {@link #read} maps them. */
    static final String SESSION_COLUMNS = "id, guild_id, user_id, channel_id, start_ms, end_ms,"
            + " last_accrual_ms, duration_ms, xp_earned, muted_ms, deafened_ms";

    private static final String SESSION_UPSERT = "INSERT INTO vt_sessions (" + SESSION_COLUMNS + ")"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET"
            + " guild_id = excluded.guild_id, user_id = excluded.user_id, channel_id = excluded.channel_id,"
            + " start_ms = excluded.start_ms, end_ms = excluded.end_ms,"
            + " last_accrual_ms = excluded.last_accrual_ms, duration_ms = excluded.duration_ms,"
            + " xp_earned = excluded.xp_earned, muted_ms = excluded.muted_ms, deafened_ms = excluded.deafened_ms";

    /** Rows sent per JDBC batch when many are written in one transaction. */
    static final int FLUSH_ROWS = 1000;

    private SessionRows() {}

    /** Upserts session rows by id, as they are. */
    static void write(Connection c, List<VoiceSession> sessions) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SESSION_UPSERT)) {
            int n = 0;
            for (VoiceSession s : sessions) {
                ps.setString(1, s.id());
                ps.setLong(2, s.guildId());
                ps.setLong(3, s.userId());
                ps.setLong(4, s.channelId());
                ps.setLong(5, s.start().toEpochMilli());
                Instant end = s.end();
                if (end == null) {
                    ps.setNull(6, Types.BIGINT);
                } else {
                    ps.setLong(6, end.toEpochMilli());
                }
                ps.setLong(7, s.lastAccrual().toEpochMilli());
                ps.setLong(8, s.durationMs());
                ps.setLong(9, s.xpEarned());
                ps.setLong(10, s.mutedMs());
                ps.setLong(11, s.deafenedMs());
                ps.addBatch();
                if (++n % FLUSH_ROWS == 0) {
                    ps.executeBatch(); // same transaction; bounds the driver's batch memory (1M-row imports)
                }
            }
            ps.executeBatch();
        }
    }

    /** Runs {@code ps}, a SELECT of {@link #SESSION_COLUMNS}, and maps its rows. */
    static List<VoiceSession> read(PreparedStatement ps) throws SQLException {
        var out = new ArrayList<VoiceSession>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                long end = rs.getLong(6);
                Instant endAt = rs.wasNull() ? null : Instant.ofEpochMilli(end);
                out.add(new VoiceSession(
                        rs.getString(1),
                        rs.getLong(2),
                        rs.getLong(3),
                        rs.getLong(4),
                        Instant.ofEpochMilli(rs.getLong(5)),
                        endAt,
                        Instant.ofEpochMilli(rs.getLong(7)),
                        rs.getLong(8),
                        rs.getLong(9),
                        rs.getLong(10),
                        rs.getLong(11)));
            }
        }
        return out;
    }
}
