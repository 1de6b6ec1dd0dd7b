package dev.voicetrack.storage.jdbc.internal;

import dev.voicetrack.core.storage.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Versioned schema migrations: scripts {@code V1.sql}, {@code V2.sql}, ... in a resource directory,
 * applied in order inside one transaction, each recorded in {@code vt_schema_version}. A database
 * whose version is newer than the newest script is refused, never touched.
 */
final class Migrations {

    static final String VERSION_TABLE_DDL = "CREATE TABLE IF NOT EXISTS vt_schema_version ("
            + "version INTEGER NOT NULL PRIMARY KEY, description TEXT NOT NULL, applied_at_ms BIGINT NOT NULL)";

    /** The tables that hold a guild's data, each with a {@code guild_id} column (schema version 1 on). */
    static final List<String> GUILD_TABLES = List.of(
            "vt_guilds", "vt_members", "vt_member_channels", "vt_member_metadata", "vt_daily_activity", "vt_sessions");

    /** The table of a guild's hourly activity (schema version {@link #HOURLY_VERSION} on). */
    static final String HOURLY_TABLE = "vt_hourly_activity";

    /** The schema version that added {@link #HOURLY_TABLE}. */
    static final int HOURLY_VERSION = 3;

    private final Dialect dialect;
    private final String resourceDir;
    private final List<String> scripts;

    Migrations(Dialect dialect, String resourceDir) {
        this.dialect = dialect;
        this.resourceDir = resourceDir;
        this.scripts = load(resourceDir);
        if (scripts.isEmpty()) {
            throw new IllegalStateException("no migration scripts found in " + resourceDir);
        }
    }

    /** The version the newest script brings the database to. */
    int latest() {
        return scripts.size();
    }

    private static List<String> load(String dir) {
        var out = new ArrayList<String>();
        ClassLoader loader = Migrations.class.getClassLoader();
        for (int v = 1; ; v++) {
            try (InputStream in = loader.getResourceAsStream(dir + "/V" + v + ".sql")) {
                if (in == null) {
                    return out;
                }
                out.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read migration " + dir + "/V" + v + ".sql", e);
            }
        }
    }

    /** The version recorded in the database, 0 if it has none; creates the version table if missing. */
    static int currentVersion(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(VERSION_TABLE_DDL);
        }
        return recordedVersion(c);
    }

    /**
     * The version recorded in the database, 0 if it has none; writes nothing.
     *
     * @throws SQLException if the database has no version table (it is no VoiceTrack database)
     */
    static int recordedVersion(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(version), 0) FROM vt_schema_version")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /**
     * Brings the database to {@link #latest()} in one transaction on {@code c} (which must not be in
     * auto-commit mode); the caller commits.
     *
     * @return the version before
     * @throws StorageException if the database is newer than this code
     */
    int migrate(Connection c, Clock clock) throws SQLException {
        dialect.lockMigrations(c);
        int current = currentVersion(c);
        if (current > latest()) {
            throw new StorageException("database schema version " + current
                    + " is newer than this VoiceTrack supports (" + latest()
                    + "); upgrade VoiceTrack, or restore a backup made by this version");
        }
        for (int v = current + 1; v <= latest(); v++) {
            try (Statement s = c.createStatement()) {
                for (String sql : statements(scripts.get(v - 1))) {
                    s.execute(sql);
                }
            } catch (SQLException e) {
                throw new SQLException(
                        "migration " + resourceDir + "/V" + v + ".sql failed: " + e.getMessage(), e.getSQLState(), e);
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO vt_schema_version (version, description, applied_at_ms) VALUES (?, ?, ?)")) {
                ps.setInt(1, v);
                ps.setString(2, resourceDir + "/V" + v + ".sql");
                ps.setLong(3, clock.millis());
                ps.executeUpdate();
            }
        }
        return current;
    }

    /** Splits a script on semicolons that end a line, dropping {@code --} comment lines. */
    static List<String> statements(String script) {
        var out = new ArrayList<String>();
        var current = new StringBuilder();
        for (String line : script.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.startsWith("--") || trimmed.isEmpty()) {
                continue;
            }
            if (trimmed.endsWith(";")) {
                current.append(trimmed, 0, trimmed.length() - 1);
                out.add(current.toString());
                current.setLength(0);
            } else {
                current.append(trimmed).append('\n');
            }
        }
        if (!current.toString().isBlank()) {
            out.add(current.toString());
        }
        return out;
    }
}
