package dev.voicetrack.storage.jdbc;

import dev.voicetrack.core.migrate.DvtDocuments;
import dev.voicetrack.core.migrate.DvtGuild;
import dev.voicetrack.core.migrate.DvtGuildData;
import dev.voicetrack.core.migrate.DvtJson;
import dev.voicetrack.core.migrate.DvtReader;
import dev.voicetrack.core.migrate.DvtSession;
import dev.voicetrack.core.migrate.DvtUser;
import dev.voicetrack.core.migrate.DvtValues;
import dev.voicetrack.core.migrate.ImportException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.AbstractCollection;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

/**
 * Reads the database of discord-vc-tracker's {@code SQLiteStorage} ({@code ./data/voice-tracker.db}
 * by default): tables {@code guilds}, {@code users} and {@code sessions}, opened read-only (the file
 * is never changed). The original's quirks are read as it reads them: dates in whole epoch seconds,
 * JSON text in {@code config}, {@code channels} (with {@code lastActivity} as ISO text), {@code
 * metadata} ({@code '{}'} when absent) and {@code extra_data}, a duration of 0 stored as NULL, an
 * open session as a NULL {@code end_time}. Guilds come in id order, one at a time, each with its
 * sessions read from the file as they are iterated (never all in memory here); sessions or
 * members whose guild row is gone come last, as guilds without a record. A file that is not such a
 * database, or a row that cannot be read, fails with an {@link ImportException} naming the file, the
 * table and the row.
 */
public final class DvtSqliteReader implements DvtReader {
    private final Path file;
    private final Connection connection;
    private final List<PreparedStatement> cursors = new ArrayList<>();

    private DvtSqliteReader(Path file, Connection connection) {
        this.file = file;
        this.connection = connection;
    }

    /**
     * Opens {@code file} read-only.
     *
     * @throws ImportException if the file does not exist, is not an SQLite database or lacks the
     *     original's tables
     */
    public static DvtSqliteReader open(Path file) {
        Objects.requireNonNull(file, "file must not be null");
        if (!Files.isRegularFile(file)) {
            throw new ImportException("dvt-sqlite: " + file + " does not exist (give discord-vc-tracker's"
                    + " SQLite file, by default ./data/voice-tracker.db)");
        }
        Connection c = null;
        try {
            var cfg = new SQLiteConfig();
            cfg.setReadOnly(true);
            cfg.resetOpenMode(SQLiteOpenMode.CREATE);
            cfg.setBusyTimeout(5000);
            c = cfg.createConnection("jdbc:sqlite:" + file);
            var tables = new TreeSet<String>();
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            for (String t : List.of("guilds", "users", "sessions")) {
                if (!tables.contains(t)) {
                    throw new ImportException("dvt-sqlite: " + file + " is not a discord-vc-tracker database: table '"
                            + t + "' is missing (tables: " + tables + ")");
                }
            }
            return new DvtSqliteReader(file, c);
        } catch (SQLException e) {
            closeQuietly(c);
            throw new ImportException(
                    "dvt-sqlite: " + file + " cannot be read as an SQLite database: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(c);
            throw e;
        }
    }

    @Override
    public String describe() {
        return "dvt-sqlite:" + file;
    }

    @Override
    public void read(Consumer<DvtGuildData> guilds) {
        List<DvtGuild> records = new ArrayList<>();
        List<String> orphans = new ArrayList<>();
        query("guilds", "SELECT guild_id, config, last_updated, extra_data FROM guilds ORDER BY guild_id", null, rs -> {
            String id = rs.getString(1);
            String where = where("guilds", "guild " + id);
            Object config = DvtJson.parse(text(rs.getString(2), "{}"), where + " column config");
            Object extra = DvtJson.parse(text(rs.getString(4), "{}"), where + " column extra_data");
            Map<String, Object> extraMap = DvtValues.object(extra, where + " column extra_data");
            records.add(new DvtGuild(
                    DvtValues.id(id, where + " column guild_id"),
                    DvtValues.object(config, where + " column config"),
                    seconds(rs.getObject(3), where + " column last_updated"),
                    extraMap == null ? Map.of() : extraMap));
        });
        query(
                "sessions",
                "SELECT DISTINCT guild_id FROM sessions WHERE guild_id NOT IN (SELECT guild_id FROM guilds) UNION"
                        + " SELECT DISTINCT guild_id FROM users WHERE guild_id NOT IN (SELECT guild_id FROM guilds)"
                        + " ORDER BY 1",
                null,
                rs -> orphans.add(rs.getString(1)));
        try {
            for (DvtGuild g : records) {
                guilds.accept(new DvtGuildData(g.guildId(), g, users(g.guildId()), sessions(g.guildId())));
                closeCursors();
            }
            for (String id : orphans) {
                guilds.accept(new DvtGuildData(id, null, users(id), sessions(id)));
                closeCursors();
            }
        } finally {
            closeCursors();
        }
    }

    /** Closes session statements a guild's consumer left open (it stopped iterating, or failed). */
    private void closeCursors() {
        for (PreparedStatement ps : cursors) {
            try {
                ps.close();
            } catch (SQLException ignored) {
                // closing a read-only statement; the connection stays usable
            }
        }
        cursors.clear();
    }

    private List<DvtUser> users(String guildId) {
        List<DvtUser> out = new ArrayList<>();
        query(
                "users",
                "SELECT user_id, total_voice_time, xp, level, channels, last_seen, streak, total_sessions, metadata"
                        + " FROM users WHERE guild_id = ? ORDER BY user_id",
                guildId,
                rs -> {
                    String userId = rs.getString(1);
                    String where = where("users", "guild " + guildId + ", user " + userId);
                    Object channels = DvtJson.parse(text(rs.getString(5), "[]"), where + " column channels");
                    Object metadata = DvtJson.parse(text(rs.getString(9), "{}"), where + " column metadata");
                    out.add(new DvtUser(
                            DvtValues.id(userId, where + " column user_id"),
                            DvtValues.integer(rs.getObject(2), 0, where + " column total_voice_time"),
                            DvtValues.integer(rs.getObject(3), 0, where + " column xp"),
                            DvtValues.integer(rs.getObject(4), 0, where + " column level"),
                            DvtDocuments.channels(channels, where + " column channels"),
                            seconds(rs.getObject(6), where + " column last_seen"),
                            DvtValues.integer(rs.getObject(7), 0, where + " column streak"),
                            DvtValues.integer(rs.getObject(8), 0, where + " column total_sessions"),
                            DvtValues.object(metadata, where + " column metadata")));
                });
        return out;
    }

    /**
     * The guild's sessions, read from the file each time they are iterated (a guild may hold millions:
     * they are never all in memory here). Statements still open when the guild's call returns are
     * closed by {@link #read}.
     */
    private Collection<DvtSession> sessions(String guildId) {
        return new AbstractCollection<>() {
            private long size = -1;

            @Override
            public int size() {
                if (size < 0) {
                    long[] n = new long[1];
                    query(
                            "sessions",
                            "SELECT COUNT(*) FROM sessions WHERE guild_id = ?",
                            guildId,
                            rs -> n[0] = rs.getLong(1));
                    size = n[0];
                }
                return (int) Math.min(size, Integer.MAX_VALUE);
            }

            @Override
            public Iterator<DvtSession> iterator() {
                return new SessionCursor(guildId);
            }
        };
    }

    /**
     * One pass over a guild's session rows; closes its statement at the end. The order is the one of
     * the original's index {@code idx_sessions_user (guild_id, user_id, start_time DESC)}, so SQLite
     * walks that index instead of sorting a million rows first (by rowid it would).
     */
    private final class SessionCursor implements Iterator<DvtSession> {
        private final String guildId;
        // A guild's sessions name few distinct members and channels: one string each, not one per row.
        private final Map<String, String> ids = new HashMap<>();
        private @Nullable PreparedStatement statement;
        private @Nullable ResultSet rows;
        private @Nullable DvtSession next;

        SessionCursor(String guildId) {
            this.guildId = guildId;
            try {
                statement = connection.prepareStatement(
                        "SELECT session_id, user_id, channel_id, start_time, end_time, duration, xp_earned, was_muted,"
                                + " was_deafened FROM sessions WHERE guild_id = ? ORDER BY user_id, start_time DESC,"
                                + " rowid");
                cursors.add(statement);
                statement.setString(1, guildId);
                statement.setFetchSize(1000);
                rows = statement.executeQuery();
            } catch (SQLException e) {
                throw failed(e);
            }
        }

        @Override
        public boolean hasNext() {
            if (next != null) {
                return true;
            }
            ResultSet rs = rows;
            if (rs == null) {
                return false;
            }
            try {
                if (rs.next()) {
                    next = row(rs);
                    return true;
                }
                rows = null;
                PreparedStatement ps = statement;
                statement = null;
                if (ps != null) {
                    cursors.remove(ps);
                    ps.close();
                }
                return false;
            } catch (SQLException e) {
                throw failed(e);
            }
        }

        @Override
        public DvtSession next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            DvtSession out = next;
            next = null;
            return out;
        }

        private DvtSession row(ResultSet rs) throws SQLException {
            String id = rs.getString(1);
            String user = rs.getString(2);
            String channel = rs.getString(3);
            Object start = rs.getObject(4);
            Object end = rs.getObject(5);
            Object duration = rs.getObject(6);
            Object xp = rs.getObject(7);
            Object muted = rs.getObject(8);
            Object deafened = rs.getObject(9);
            if (text(id)
                    && text(user)
                    && text(channel)
                    && whole(start)
                    && (end == null || whole(end))
                    && (duration == null || whole(duration))
                    && (xp == null || whole(xp))
                    && flag(muted)
                    && flag(deafened)) {
                // The usual row, every value of the type the original writes: read without building the
                // messages a bad value would need (a million rows, eight strings each).
                return new DvtSession(
                        id,
                        ids.computeIfAbsent(user, k -> k),
                        ids.computeIfAbsent(channel, k -> k),
                        Instant.ofEpochSecond(((Number) start).longValue()),
                        end == null ? null : Instant.ofEpochSecond(((Number) end).longValue()),
                        duration == null ? null : ((Number) duration).longValue(),
                        xp == null ? 0 : ((Number) xp).longValue(),
                        muted != null && ((Number) muted).longValue() == 1,
                        deafened != null && ((Number) deafened).longValue() == 1);
            }
            String where = where("sessions", "session " + id);
            Instant startAt = seconds(start, where + " column start_time");
            if (startAt == null) {
                throw new ImportException(where + " column start_time is NULL");
            }
            return new DvtSession(
                    DvtValues.id(id, where + " column session_id"),
                    ids.computeIfAbsent(DvtValues.id(user, where + " column user_id"), k -> k),
                    ids.computeIfAbsent(DvtValues.id(channel, where + " column channel_id"), k -> k),
                    startAt,
                    seconds(end, where + " column end_time"),
                    duration == null ? null : DvtValues.integer(duration, where + " column duration"),
                    DvtValues.integer(xp, 0, where + " column xp_earned"),
                    DvtValues.bool(muted, false, where + " column was_muted"),
                    DvtValues.bool(deafened, false, where + " column was_deafened"));
        }

        private static boolean text(@Nullable String value) {
            return value != null && !value.isBlank();
        }

        private static boolean whole(@Nullable Object value) {
            return value instanceof Long || value instanceof Integer;
        }

        private static boolean flag(@Nullable Object value) {
            return value == null || (whole(value) && (((Number) value).longValue() & ~1L) == 0);
        }

        private ImportException failed(SQLException e) {
            return new ImportException(
                    where("sessions", "rows of guild " + guildId) + ": cannot be read: " + e.getMessage()
                            + "; nothing was written",
                    e);
        }
    }

    @FunctionalInterface
    private interface RowReader {
        void row(ResultSet rs) throws SQLException;
    }

    private void query(String table, String sql, @Nullable String guildId, RowReader rows) {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            if (guildId != null) {
                ps.setString(1, guildId);
            }
            ps.setFetchSize(1000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.row(rs);
                }
            }
        } catch (SQLException e) {
            throw new ImportException(
                    where(table, guildId == null ? "reading" : "rows of guild " + guildId) + ": cannot be read: "
                            + e.getMessage() + "; nothing was written",
                    e);
        }
    }

    private String where(String table, String row) {
        return file + " table " + table + " (" + row + ")";
    }

    private static String text(@Nullable String value, String fallback) {
        return value == null ? fallback : value;
    }

    /** An epoch-seconds column as an instant; null for NULL. */
    private static @Nullable Instant seconds(@Nullable Object value, String where) {
        return value == null ? null : Instant.ofEpochSecond(DvtValues.integer(value, where));
    }

    private static void closeQuietly(@Nullable Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // already failing
            }
        }
    }

    /** Closes the read-only connection. */
    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            throw new ImportException("dvt-sqlite: " + file + " could not be closed: " + e.getMessage(), e);
        }
    }
}
