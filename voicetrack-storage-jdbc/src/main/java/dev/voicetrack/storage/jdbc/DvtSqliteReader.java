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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * open session as a NULL {@code end_time}. Guilds come in id order, one at a time; sessions or
 * members whose guild row is gone come last, as guilds without a record. A file that is not such a
 * database, or a row that cannot be read, fails with an {@link ImportException} naming the file, the
 * table and the row.
 */
public final class DvtSqliteReader implements DvtReader {
    private final Path file;
    private final Connection connection;

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
        for (DvtGuild g : records) {
            guilds.accept(new DvtGuildData(g.guildId(), g, users(g.guildId()), sessions(g.guildId())));
        }
        for (String id : orphans) {
            guilds.accept(new DvtGuildData(id, null, users(id), sessions(id)));
        }
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

    private List<DvtSession> sessions(String guildId) {
        List<DvtSession> out = new ArrayList<>();
        // A guild's sessions name few distinct members and channels: one string each, not one per row.
        Map<String, String> ids = new HashMap<>();
        query(
                "sessions",
                "SELECT session_id, user_id, channel_id, start_time, end_time, duration, xp_earned, was_muted,"
                        + " was_deafened FROM sessions WHERE guild_id = ? ORDER BY rowid",
                guildId,
                rs -> {
                    String id = rs.getString(1);
                    String where = where("sessions", "session " + id);
                    Instant start = seconds(rs.getObject(4), where + " column start_time");
                    if (start == null) {
                        throw new ImportException(where + " column start_time is NULL");
                    }
                    Object duration = rs.getObject(6);
                    out.add(new DvtSession(
                            DvtValues.id(id, where + " column session_id"),
                            ids.computeIfAbsent(DvtValues.id(rs.getString(2), where + " column user_id"), k -> k),
                            ids.computeIfAbsent(DvtValues.id(rs.getString(3), where + " column channel_id"), k -> k),
                            start,
                            seconds(rs.getObject(5), where + " column end_time"),
                            duration == null ? null : DvtValues.integer(duration, where + " column duration"),
                            DvtValues.integer(rs.getObject(7), 0, where + " column xp_earned"),
                            DvtValues.bool(rs.getObject(8), false, where + " column was_muted"),
                            DvtValues.bool(rs.getObject(9), false, where + " column was_deafened")));
                });
        return out;
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
