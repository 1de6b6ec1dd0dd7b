package dev.voicetrack.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.core.Metric;
import dev.voicetrack.core.storage.Batch;
import dev.voicetrack.core.storage.MemberDelta;
import dev.voicetrack.testkit.postgres.PostgresServer;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The self-started path of {@link PostgresServer}: initdb and postgres from this machine, run as an
 * unprivileged user when the JVM is root, on a free port; the store migrates and works against it.
 */
class PostgresSelfStartedIT {

    @Test
    void selfStartedServer_runsTheStore_andIsRemovedOnClose() {
        try (PostgresServer server = PostgresServer.startOwn()) {
            assertThat(server.selfStarted()).isTrue();
            assertThat(server.port()).isNotEqualTo(5432);
            try (PostgresServer.Database db = server.newDatabase();
                    JdbcStorage storage = JdbcStorage.postgres(PostgresOptions.builder()
                            .jdbcUrl(db.jdbcUrl())
                            .user(db.user())
                            .poolSize(2)
                            .build())) {
                storage.init();
                Instant t = Instant.parse("2024-03-10T12:00:00.123Z");
                storage.apply(new Batch(
                        List.of(
                                new MemberDelta(1, 7, 3, LocalDate.of(2024, 3, 10), 1500, 20, 0, 1, t),
                                new MemberDelta(1, 8, 3, LocalDate.of(2024, 3, 10), 500, 30, 0, 1, t)),
                        List.of()));
                assertThat(storage.leaderboard(1, Metric.XP, null, 10, 0))
                        .extracting(e -> e.userId())
                        .containsExactly(8L, 7L);
                assertThat(storage.member(1, 7).orElseThrow().lastSeen()).isEqualTo(t);
                assertThat(storage.stats().users()).isEqualTo(2);
            }
        }
    }
}
