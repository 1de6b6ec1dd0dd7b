package dev.voicetrack.storage.jdbc.internal;

import dev.voicetrack.core.storage.StorageException;
import dev.voicetrack.storage.jdbc.CorruptDatabaseException;
import dev.voicetrack.storage.jdbc.SqliteOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.ProgressHandler;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

/**
 * What VoiceTrack asks of a SQLite file before it trusts it: whether it exists, whether it is sound
 * ({@code quick_check} at open, {@code integrity_check} around backups and restores), whether it holds
 * the VoiceTrack tables, and how many rows they have. Every check runs on a connection of its own that
 * sets no journal mode, so nothing is written to a file that may be damaged. Stateless.
 */
final class SqliteChecks {

    private static final Logger LOG = LoggerFactory.getLogger(SqliteChecks.class);

    /**
     * The tables every VoiceTrack database has from schema version 1 on; a backup or a restore source
     * without them is not a VoiceTrack database (or has lost its data).
     */
    private static final List<String> REQUIRED_TABLES;

    static {
        var t = new ArrayList<String>(Migrations.GUILD_TABLES);
        t.add("vt_schema_version");
        REQUIRED_TABLES = List.copyOf(t);
    }

    private SqliteChecks() {}

    /**
     * Before any connection with pragmas opens the file: refuses a missing file when it must exist
     * (else creates its directory), and integrity-checks an existing one when {@code checkFirst}.
     */
    static void prepareFile(SqliteOptions o, Path file, boolean checkFirst) {
        if (!Files.exists(file)) {
            if (o.mustExist()) {
                throw new StorageException("the SQLite database " + file + " does not exist (nothing was created)");
            }
            try {
                Path dir = file.getParent();
                if (dir != null) {
                    Files.createDirectories(dir);
                }
            } catch (IOException e) {
                throw new StorageException("cannot create the directory of " + file + ": " + e, e);
            }
            LOG.debug("creating a new SQLite database at " + file);
            return;
        }
        if (!Files.isRegularFile(file)) {
            throw new StorageException("the SQLite database " + file + " is not a regular file");
        }
        if (checkFirst && !o.openCheckTimeout().isZero()) {
            checkIntegrity(file, o.openCheckTimeout());
        }
    }

    /**
     * {@code PRAGMA quick_check} of an existing file on a read-only connection that sets no journal
     * mode, so nothing is written to a damaged file. quick_check reads every page of every table and
     * index: it finds torn or overwritten pages, bad b-tree structure, pages used twice or lost, bad
     * record formats and NOT NULL violations, but not an index whose entries differ from its table
     * (only {@code integrity_check}, run with every backup, compares those). A progress handler stops
     * the check when the budget is spent; quick_check gives its verdict only at its end, so such a file
     * is opened with a warning and only its header and schema read (a damaged schema still fails the
     * open), and the full {@code integrity_check} of each backup is what covers it.
     *
     * @throws CorruptDatabaseException if the check reports a problem or the file is not a database
     */
    static void checkIntegrity(Path file, Duration budget) {
        long started = System.nanoTime();
        boolean[] cut = {false};
        var problems = new ArrayList<String>();
        try (Connection c = readOnlyConnection(file)) {
            ProgressHandler.setHandler(c, 1_000, new ProgressHandler() {
                @Override
                protected int progress() {
                    if (System.nanoTime() - started > budget.toNanos()) {
                        cut[0] = true;
                        return 1; // interrupts the statement
                    }
                    return 0;
                }
            });
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("PRAGMA quick_check(" + MAX_REPORTED_PROBLEMS + ")")) {
                while (rs.next()) {
                    problems.add(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            if (cut[0]) {
                LOG.warn("the integrity check of " + file + " did not finish within " + budget.toMillis()
                        + " ms and was stopped; opening it without a verdict (every backup runs a full"
                        + " integrity_check)");
                return;
            }
            if (isCorruption(e)) {
                throw new CorruptDatabaseException(file, e.getMessage());
            }
            throw new StorageException("cannot check the SQLite database " + file + ": " + e.getMessage(), e);
        }
        if (!problems.equals(List.of("ok"))) {
            throw new CorruptDatabaseException(file, "PRAGMA quick_check reported " + summary(problems));
        }
        LOG.debug("integrity check of " + file + " passed in " + (System.nanoTime() - started) / 1_000_000 + " ms");
    }

    /** Problems of a damaged file asked of quick_check, at most (it stops there). */
    private static final int MAX_REPORTED_PROBLEMS = 10;

    /** The first three problems, and how many more quick_check reported. */
    private static String summary(List<String> problems) {
        List<String> real = problems.stream()
                .filter(p -> !p.startsWith("*** in database"))
                .map(p -> p.replace('\n', ' '))
                .toList();
        String shown = String.join("; ", real.subList(0, Math.min(3, real.size())));
        int more = real.size() - 3;
        return shown
                + (more <= 0
                        ? ""
                        : "; and " + (real.size() >= MAX_REPORTED_PROBLEMS ? "at least " : "") + more + " more");
    }

    static boolean isCorruption(SQLException e) {
        int code = e instanceof org.sqlite.SQLiteException se ? se.getResultCode().code : e.getErrorCode();
        int primary = code & 0xff;
        return primary == 11 /* SQLITE_CORRUPT */ || primary == 26 /* SQLITE_NOTADB */;
    }

    /** A connection that can only read and sets nothing that could write (no journal mode). */
    private static Connection readOnlyConnection(Path file) throws SQLException {
        var cfg = new SQLiteConfig();
        cfg.setReadOnly(true);
        return cfg.createConnection("jdbc:sqlite:" + file);
    }

    /** Runs {@code PRAGMA integrity_check}; returns null if the database is sound, else what is wrong. */
    static @Nullable String integrityProblem(Connection c) throws SQLException {
        var problems = new ArrayList<String>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
            while (rs.next()) {
                problems.add(rs.getString(1));
            }
        }
        return problems.equals(List.of("ok")) ? null : String.join("; ", problems);
    }

    /** A connection to an existing SQLite file that never creates one (a missing file is an error). */
    static Connection openExisting(Path file, int busyTimeoutMs) throws SQLException {
        var cfg = new SQLiteConfig();
        cfg.setBusyTimeout(busyTimeoutMs);
        cfg.resetOpenMode(SQLiteOpenMode.CREATE);
        return cfg.createConnection("jdbc:sqlite:" + file);
    }

    /** The {@code vt_} tables of a database, sorted. */
    static List<String> vtTables(Connection c) throws SQLException {
        var names = new TreeSet<String>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'vt\\_%' ESCAPE '\\'")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return List.copyOf(names);
    }

    /** Null if {@code tables} hold the VoiceTrack schema, else which tables are missing. */
    static @Nullable String missingSchema(List<String> tables) {
        var missing = new ArrayList<String>();
        for (String t : REQUIRED_TABLES) {
            if (!tables.contains(t)) {
                missing.add(t);
            }
        }
        return missing.isEmpty() ? null : "tables missing: " + String.join(", ", missing);
    }

    /**
     * Row counts of {@code tables} and the schema version, read in one statement (one snapshot); the
     * version is under the key {@code "schema version"}.
     */
    static Map<String, Long> rowCounts(Connection c, List<String> tables) throws SQLException {
        var sql = new StringBuilder("SELECT (SELECT COALESCE(MAX(version), 0) FROM vt_schema_version)");
        for (String t : tables) {
            sql.append(", (SELECT COUNT(*) FROM \"")
                    .append(t.replace("\"", "\"\""))
                    .append("\")");
        }
        var counts = new LinkedHashMap<String, Long>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql.toString())) {
            rs.next();
            counts.put("schema version", rs.getLong(1));
            for (int i = 0; i < tables.size(); i++) {
                counts.put(tables.get(i), rs.getLong(i + 2));
            }
        }
        return counts;
    }
}
