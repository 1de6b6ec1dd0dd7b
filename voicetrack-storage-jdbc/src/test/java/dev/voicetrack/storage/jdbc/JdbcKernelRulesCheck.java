package dev.voicetrack.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.MemberStats;
import dev.voicetrack.core.storage.Batch;
import dev.voicetrack.core.storage.MemberDelta;
import dev.voicetrack.core.storage.StorageException;
import dev.voicetrack.core.storage.kernel.GuildConfigCodec;
import dev.voicetrack.core.storage.kernel.LastSeenRule;
import dev.voicetrack.core.storage.kernel.StorageArgs;
import dev.voicetrack.core.storage.kernel.StreakRule;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The kernel's rules as the JDBC store applies them through SQL, against a real database: batches
 * whose members are active on several days (a tick across midnight, a late increment) give the
 * streak and last-seen the kernel's Java rule gives day by day; a sum past a stored total fails with
 * the kernel's one wording; a config is stored as the kernel's text, byte for byte.
 */
abstract class JdbcKernelRulesCheck {

    static final long G = 42;
    static final LocalDate DAY = LocalDate.of(2024, 6, 1);

    JdbcStorage storage;

    /** A new, empty store (not initialised). */
    abstract JdbcStorage newStorage();

    /** A plain connection to the store's database. */
    abstract Connection connect() throws SQLException;

    @BeforeEach
    void open() {
        storage = newStorage();
        storage.init();
    }

    /** Drops what {@link #newStorage()} made beside the store, after the store is closed. */
    void dispose() {}

    @AfterEach
    void close() {
        storage.close();
        dispose();
    }

    @Test
    void batchesOverSeveralDays_giveTheStreakAndLastSeenOfTheRuleAppliedDayByDay() {
        var random = new SplittableRandom(17);
        var expected = new HashMap<Long, long[]>(); // user -> {streak, lastActiveDay, lastSeenMs}
        for (int round = 0; round < 40; round++) {
            var deltas = new ArrayList<MemberDelta>();
            for (int k = random.nextInt(1, 30); k > 0; k--) {
                long user = random.nextLong(1, 25);
                LocalDate day = DAY.plusDays(round / 3 + random.nextInt(-2, 3));
                boolean active = random.nextInt(5) != 0;
                long seen = random.nextLong(1_000_000, 2_000_000);
                deltas.add(new MemberDelta(
                        G, user, 7, day, active ? random.nextLong(1, 100) : 0, 0, 0, 0, Instant.ofEpochMilli(seen)));
                long[] e = expected.computeIfAbsent(user, u -> new long[3]);
                if (active) {
                    var s = StreakRule.step(new StreakRule.State((int) e[0], e[1]), day.toEpochDay());
                    e[0] = s.streak();
                    e[1] = s.lastActiveDay();
                }
                e[2] = LastSeenRule.next(e[2], seen);
            }
            storage.apply(new Batch(deltas, List.of()));
        }
        for (Map.Entry<Long, long[]> e : expected.entrySet()) {
            MemberStats m = storage.member(G, e.getKey()).orElseThrow();
            long[] want = e.getValue();
            assertThat(new long[] {
                        m.streak(), m.lastActiveDay().toEpochDay(), m.lastSeen().toEpochMilli()
                    })
                    .as("member %d", e.getKey())
                    .containsExactly(want);
        }
    }

    @Test
    void aBatchOverflowingAStoredTotal_failsWithTheKernelsWording_andWritesNothing() {
        storage.setXp(G, 3, Long.MAX_VALUE - 1, 0);
        var bad = new Batch(
                List.of(
                        new MemberDelta(G, 4, 7, DAY, 7, 7, 0, 0, Instant.EPOCH),
                        new MemberDelta(G, 3, 7, DAY, 5, 2, 0, 0, Instant.EPOCH)),
                List.of());
        assertThatThrownBy(() -> storage.apply(bad))
                .isInstanceOf(StorageException.class)
                .hasMessage(StorageArgs.overflow(G, 3).getMessage());
        assertThat(storage.member(G, 4)).isEmpty();
        assertThat(storage.member(G, 3).orElseThrow().xp()).isEqualTo(Long.MAX_VALUE - 1);
    }

    @Test
    void aConfigIsStoredAsTheKernelsText_andReadsBack() throws SQLException {
        GuildConfig config = GuildConfig.defaults().toBuilder()
                .xpStrategy("a b/ü")
                .channelIds(List.of(9L, 3L))
                .timeZone(ZoneId.of("Asia/Tokyo"))
                .build();
        storage.saveGuildConfig(G, config);
        try (Connection c = connect();
                PreparedStatement ps = c.prepareStatement("SELECT config FROM vt_guilds WHERE guild_id = ?")) {
            ps.setLong(1, G);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo(GuildConfigCodec.toText(config));
            }
        }
        assertThat(storage.guildConfig(G)).contains(config);
    }
}
