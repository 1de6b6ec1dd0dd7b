package dev.voicetrack.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voicetrack.core.storage.Batch;
import dev.voicetrack.core.storage.MemberDelta;
import dev.voicetrack.core.storage.StorageException;
import dev.voicetrack.testkit.net.FaultProxy;
import dev.voicetrack.testkit.postgres.PostgresServer;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The PostgreSQL timeouts against a real server behind a {@link FaultProxy}: a refused or hung
 * server fails a call within its bound instead of the pool's 30 s default or forever, and a statement
 * stuck on a lock is cancelled by the server with nothing written. Bounds are generous: the point is
 * seconds instead of tens of seconds or never.
 */
class PostgresTimeoutsIT {

    private static final LocalDate DAY = LocalDate.of(2024, 6, 1);
    private static final Instant AT = Instant.parse("2024-06-01T12:00:00Z");

    PostgresServer.Database db;
    FaultProxy proxy;
    JdbcStorage storage;

    @BeforeEach
    void setUp() {
        db = PostgresServer.freshDatabase();
        proxy = FaultProxy.start(db.host(), db.port());
    }

    @AfterEach
    void tearDown() {
        if (storage != null) {
            storage.close();
        }
        proxy.close();
        db.close();
    }

    private JdbcStorage open(PostgresOptions.Builder options) {
        storage = JdbcStorage.postgres(options.host(proxy.host())
                .port(proxy.port())
                .database(db.name())
                .user(db.user())
                .password(db.password())
                .poolSize(2)
                .build());
        storage.init();
        return storage;
    }

    private static Batch xp(long user, long xp) {
        return new Batch(List.of(new MemberDelta(9, user, 0, DAY, 0, xp, 0, 0, AT)), List.of());
    }

    private static long millis(Runnable r) {
        long start = System.nanoTime();
        r.run();
        return (System.nanoTime() - start) / 1_000_000;
    }

    @Test
    void refusedConnections_failACallWithinTheConnectionTimeout_thenItWorksAgain() {
        JdbcStorage s = open(PostgresOptions.builder().connectionTimeout(Duration.ofMillis(500)));
        s.apply(xp(1, 10));
        proxy.refuse();
        proxy.cutAll();
        long took = millis(() -> assertThatThrownBy(() -> s.apply(xp(1, 5))).isInstanceOf(StorageException.class));
        assertThat(took).isLessThan(5_000);
        proxy.forward();
        dev.voicetrack.testkit.Await.until("storage answers again", () -> {
            try {
                s.apply(xp(1, 5));
                return true;
            } catch (StorageException e) {
                return false;
            }
        });
        assertThat(s.member(9, 1).orElseThrow().xp()).isEqualTo(15);
    }

    @Test
    void hungServer_failsACallWithinTheSocketTimeout() {
        JdbcStorage s = open(PostgresOptions.builder()
                .connectionTimeout(Duration.ofMillis(500))
                .connectTimeout(Duration.ofSeconds(1))
                .socketTimeout(Duration.ofSeconds(1)));
        s.apply(xp(1, 10));
        proxy.hang();
        long took = millis(() -> assertThatThrownBy(() -> s.member(9, 1)).isInstanceOf(StorageException.class));
        assertThat(took).isLessThan(8_000);
        proxy.cutAll();
        proxy.forward();
        dev.voicetrack.testkit.Await.until("storage answers again", () -> {
            try {
                return s.member(9, 1).orElseThrow().xp() == 10;
            } catch (StorageException e) {
                return false;
            }
        });
    }

    @Test
    void statementTimeout_cancelsAWriteStuckOnALock_withNothingWritten() throws Exception {
        JdbcStorage s = open(PostgresOptions.builder().statementTimeout(Duration.ofMillis(300)));
        s.apply(xp(1, 10));
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.execute("SELECT * FROM vt_guild_writes WHERE guild_id = 9 FOR UPDATE");
            }
            long took = millis(() -> assertThatThrownBy(() -> s.apply(xp(1, 5))).isInstanceOf(StorageException.class));
            assertThat(took).isLessThan(5_000);
            c.rollback();
        }
        assertThat(s.member(9, 1).orElseThrow().xp()).isEqualTo(10);
    }

    @Test
    void timeouts_areValidatedNamingTheFieldAndValue() {
        assertThatThrownBy(() -> PostgresOptions.builder().socketTimeout(Duration.ofMillis(500)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("socketTimeout must be 0 (none) or between 1 s and 1 hour, was 500 ms");
        assertThatThrownBy(() -> PostgresOptions.builder().connectTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("connectTimeout must be between 1 s and 10 minutes, was 0 ms");
        assertThatThrownBy(() -> PostgresOptions.builder().statementTimeout(Duration.ofHours(2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("statementTimeout must be 0 (none) or between 1 ms and 1 hour, was 7200000 ms");
        PostgresOptions o = PostgresOptions.builder()
                .socketTimeout(Duration.ofSeconds(30))
                .statementTimeout(Duration.ofSeconds(5))
                .build();
        assertThat(o.toBuilder().build().toString()).contains("socketTimeout=PT30S", "statementTimeout=PT5S");
        assertThat(PostgresOptions.builder().build().socketTimeout()).isZero();
    }
}
