package dev.voicetrack.storage.jdbc.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An upsert of many rows written as multi-row {@code INSERT ... VALUES (...), (...) ...} statements
 * of up to {@link #ROWS} rows: both databases execute one such statement much faster than the same
 * rows as a JDBC batch of single-row statements, and a {@code RETURNING} clause hands back the rows as
 * written. One statement is prepared for the full chunks and one for the remainder.
 *
 * @param head {@code INSERT INTO t (columns) VALUES }
 * @param tuple one row's placeholders, such as {@code (?, ?, 0)}
 * @param tail the {@code ON CONFLICT} clause, and the {@code RETURNING} clause if any
 * @param params the number of {@code ?} in {@code tuple}
 */
record MultiRow(String head, String tuple, String tail, int params) {

    /** Rows per statement: 100 rows of up to 9 parameters stay far below either database's limit. */
    static final int ROWS = 100;

    MultiRow {
        if (params != (int) tuple.chars().filter(ch -> ch == '?').count()) {
            throw new IllegalArgumentException("tuple " + tuple + " does not have " + params + " parameters");
        }
    }

    /** The same upsert with a RETURNING clause. */
    MultiRow returning(String columns) {
        return new MultiRow(head, tuple, tail + " RETURNING " + columns, params);
    }

    /** The statement text for {@code rows} rows. */
    String sql(int rows) {
        var sb = new StringBuilder(head.length() + tail.length() + rows * (tuple.length() + 2));
        sb.append(head);
        for (int i = 0; i < rows; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(tuple);
        }
        return sb.append(tail).toString();
    }

    /** Binds one row's parameters, the first at {@code index}. */
    @FunctionalInterface
    interface Binder<T> {
        void bind(PreparedStatement ps, int index, T row) throws SQLException;
    }

    /** Reads one row of a RETURNING clause (the result set is positioned on it). */
    @FunctionalInterface
    interface RowReader {
        void read(ResultSet rs) throws SQLException;
    }

    /** Binds the parameters of row {@code row} (counted from 0), the first at {@code index}. */
    @FunctionalInterface
    interface RowBinder {
        void bind(PreparedStatement ps, int index, int row) throws SQLException;
    }

    /**
     * Writes {@code rows} in order; with a {@code reader}, the statement must return rows and each is
     * handed to it.
     */
    static <T> void write(Connection c, MultiRow upsert, List<T> rows, Binder<T> binder, @Nullable RowReader reader)
            throws SQLException {
        write(c, upsert, rows.size(), (ps, index, row) -> binder.bind(ps, index, rows.get(row)), reader);
    }

    /**
     * Writes rows {@code 0 .. rows - 1} in order, each bound by {@code binder} when its statement is
     * built, so that a caller with rows in its own arrays need not make an object per row; with a
     * {@code reader}, the statement must return rows and each is handed to it.
     */
    static void write(Connection c, MultiRow upsert, int rows, RowBinder binder, @Nullable RowReader reader)
            throws SQLException {
        int full = rows / ROWS * ROWS;
        if (full > 0) {
            try (PreparedStatement ps = c.prepareStatement(upsert.sql(ROWS))) {
                for (int from = 0; from < full; from += ROWS) {
                    run(ps, upsert.params, from, from + ROWS, binder, reader);
                }
            }
        }
        if (full < rows) {
            try (PreparedStatement ps = c.prepareStatement(upsert.sql(rows - full))) {
                run(ps, upsert.params, full, rows, binder, reader);
            }
        }
    }

    private static void run(
            PreparedStatement ps, int params, int from, int to, RowBinder binder, @Nullable RowReader reader)
            throws SQLException {
        int index = 1;
        for (int row = from; row < to; row++) {
            binder.bind(ps, index, row);
            index += params;
        }
        if (reader == null) {
            ps.executeUpdate();
            return;
        }
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                reader.read(rs);
            }
        }
    }
}
