package dev.voicetrack.storage.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.core.Metric;
import dev.voicetrack.storage.jdbc.SqliteOptions;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every leaderboard, rank and member query is served by an index: SQLite never scans a table. */
class QueryPlanTest {

    @TempDir
    Path dir;

    private static List<String> plan(Connection c, String sql) throws Exception {
        int params = (int) sql.chars().filter(ch -> ch == '?').count();
        try (PreparedStatement ps = c.prepareStatement("EXPLAIN QUERY PLAN " + sql)) {
            for (int i = 1; i <= params; i++) {
                ps.setLong(i, 1);
            }
            var out = new ArrayList<String>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString("detail"));
                }
            }
            return out;
        }
    }

    @Test
    void everyQuery_usesAnIndex() throws Exception {
        Path file = dir.resolve("plan.db");
        try (JdbcStore store =
                JdbcStore.sqlite(SqliteOptions.builder().file(file).build())) {
            store.init();
        }
        var queries = new LinkedHashMap<String, String>();
        for (Metric m : Metric.values()) {
            queries.put("board " + m, Ranks.BOARD.get(m));
            queries.put("rank " + m, Ranks.RANK.get(m));
            if (m != Metric.LEVEL) {
                queries.put("window board " + m, Ranks.WINDOW_BOARD.get(m));
                queries.put("window rank " + m, Ranks.WINDOW_RANK.get(m));
            }
        }
        queries.put("open sessions", "SELECT id FROM vt_sessions WHERE end_ms IS NULL ORDER BY start_ms, id");
        queries.put(
                "member sessions",
                "SELECT id FROM vt_sessions WHERE guild_id = ? AND user_id = ? ORDER BY start_ms DESC, id LIMIT ?");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            for (Map.Entry<String, String> q : queries.entrySet()) {
                List<String> plan = plan(c, q.getValue());
                assertThat(plan)
                        .as(q.getKey() + ": " + plan)
                        // windowed queries scan their materialised aggregate (aliases me and o), never a table
                        .noneMatch(line -> line.matches(
                                        q.getKey().startsWith("window")
                                                ? "SCAN vt_\\w+( .*)?"
                                                : "SCAN (vt_\\w+|me|o|m)( .*)?")
                                && !line.contains("USING"))
                        .noneMatch(line -> line.contains("USE TEMP B-TREE FOR ORDER BY")
                                && q.getKey().startsWith("board"));
            }
        }
    }
}
