package dev.voicetrack.storage.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.LevelMultiplierConfig;
import dev.voicetrack.core.VoiceTimeConfig;
import dev.voicetrack.core.XpConfig;
import dev.voicetrack.core.storage.kernel.GuildConfigCodec;
import dev.voicetrack.core.storage.kernel.LastSeenRule;
import dev.voicetrack.core.storage.kernel.StreakRule;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The storage kernel against what this module stored before it used the kernel: the kernel's config
 * text is byte for byte what the module's own codec wrote (captured in a resource), and the kernel's
 * SQL streak and last-seen forms, run by SQLite (and by PostgreSQL in {@code
 * PostgresKernelCompatibilityIT}), give what the kernel's Java rule gives.
 */
class KernelCompatibilityTest {

    private static GuildConfig everyOption() {
        var roles = new LinkedHashMap<Long, Long>();
        roles.put(30L, 7L);
        roles.put(20L, 9L);
        return GuildConfig.builder()
                .trackBots(true)
                .trackAllChannels(false)
                .channelIds(List.of(6L, 5L))
                .trackMuted(false)
                .trackDeafened(false)
                .minUsersToTrack(2)
                .maxUsersToTrack(9)
                .exemptPermissions(Set.of("MANAGE_SERVER", "ADMINISTRATOR"))
                .xpStrategy("my strategy/ü=1")
                .xpConfig(new XpConfig(7L, roles, 1.5, 2L, 40L))
                .voiceTimeStrategy("fixed")
                .voiceTimeConfig(new VoiceTimeConfig(3000L, 2.5))
                .levelMultiplierStrategy("custom")
                .levelMultiplierConfig(new LevelMultiplierConfig(0.25))
                .enableLeveling(false)
                .enableVoiceTime(false)
                .excludedChannelIds(List.of(11L))
                .noXpRoleIds(List.of(13L, 12L))
                .noXpChannelIds(List.of(14L))
                .botsCountAsCompany(true)
                .mutedCountAsCompany(true)
                .messageXp(3)
                .messageXpCooldown(Duration.ofMillis(1500))
                .timeZone(ZoneId.of("Europe/Paris"))
                .build();
    }

    /**
     * What the module's own codec ({@code ConfigCodec}, replaced by the kernel's) wrote for these three
     * configs, captured before it was removed: existing databases hold exactly these texts.
     */
    private static List<String> textsWrittenBefore() throws IOException {
        try (InputStream in = KernelCompatibilityTest.class.getResourceAsStream(
                "/dev/voicetrack/storage/jdbc/config-texts-written-by-configcodec.txt")) {
            assertThat(in).isNotNull();
            String all = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return Arrays.stream(all.split("=====\n", -1)).skip(1).toList();
        }
    }

    @Test
    void configText_isByteForByteWhatThisModuleStoredBefore_andReadsBackTheSame() throws IOException {
        GuildConfig unset = everyOption().toBuilder()
                .xpConfig(XpConfig.EMPTY)
                .voiceTimeConfig(new VoiceTimeConfig(null, null))
                .levelMultiplierConfig(new LevelMultiplierConfig(null))
                .build();
        List<GuildConfig> configs = List.of(GuildConfig.defaults(), everyOption(), unset);
        List<String> stored = textsWrittenBefore();
        assertThat(stored).hasSize(configs.size());
        for (int i = 0; i < configs.size(); i++) {
            assertThat(GuildConfigCodec.toText(configs.get(i))).isEqualTo(stored.get(i));
            assertThat(GuildConfigCodec.fromText(stored.get(i))).isEqualTo(configs.get(i));
        }
        // text written before the format line existed: options it does not name keep their defaults
        String legacy = "trackBots=true\nxpStrategy=random\n";
        assertThat(GuildConfigCodec.fromText(legacy))
                .isEqualTo(GuildConfig.defaults().toBuilder()
                        .trackBots(true)
                        .xpStrategy("random")
                        .build());
    }

    @Test
    void sqlStreakAndLastSeen_matchTheJavaRule_onSqlite() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite::memory:")) {
            checkSqlFormsAgainstTheJavaRule(c, "INTEGER");
        }
    }

    /**
     * Runs the kernel's streak and last-seen SQL forms as the member upsert does, on 3000 random stored
     * states and runs, and compares each result with {@link StreakRule#apply} and {@link
     * LastSeenRule#next}. Creates a table {@code vt_members} with the column types of the real one
     * ({@code bigType}: SQLite's INTEGER or PostgreSQL's BIGINT; the streak is an INTEGER on both).
     */
    static void checkSqlFormsAgainstTheJavaRule(Connection c, String bigType) throws Exception {
        try (Statement st = c.createStatement()) {
            st.execute("CREATE TABLE vt_members (id " + bigType + " PRIMARY KEY, streak INTEGER NOT NULL,"
                    + " last_active_day " + bigType + " NOT NULL, last_seen_ms " + bigType + " NOT NULL)");
            String upsert = "INSERT INTO vt_members (id, streak, last_active_day, last_seen_ms) VALUES (?, ?, ?, ?)"
                    + " ON CONFLICT (id) DO UPDATE SET streak = " + StreakRule.SQL_STREAK + ", last_active_day = "
                    + StreakRule.SQL_LAST_ACTIVE_DAY + ", last_seen_ms = " + LastSeenRule.SQL;
            var random = new SplittableRandom(5);
            long d = 19_000;
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO vt_members VALUES (?, ?, ?, ?)");
                    PreparedStatement ps = c.prepareStatement(upsert);
                    PreparedStatement read = c.prepareStatement(
                            "SELECT streak, last_active_day, last_seen_ms FROM vt_members WHERE id = ?")) {
                for (int id = 1; id <= 3000; id++) {
                    boolean exists = random.nextInt(4) != 0;
                    var stored = exists
                            ? new StreakRule.State(random.nextInt(8), d + random.nextInt(-5, 6))
                            : StreakRule.State.NEW;
                    long storedSeen = random.nextLong(1000);
                    if (exists) {
                        insert.setLong(1, id);
                        insert.setInt(2, stored.streak());
                        insert.setLong(3, stored.lastActiveDay());
                        insert.setLong(4, storedSeen);
                        insert.executeUpdate();
                    }
                    var run = StreakRule.Run.NONE;
                    for (int k = random.nextInt(5); k > 0; k--) {
                        run = run.then(d + random.nextInt(-5, 8));
                    }
                    long seen = random.nextLong(1000);
                    ps.setLong(1, id);
                    ps.setInt(2, run.length());
                    ps.setLong(3, run.end());
                    ps.setLong(4, seen);
                    ps.executeUpdate();
                    var expected = StreakRule.apply(stored, run);
                    read.setLong(1, id);
                    try (ResultSet rs = read.executeQuery()) {
                        assertThat(rs.next()).isTrue();
                        assertThat(new StreakRule.State(rs.getInt(1), rs.getLong(2)))
                                .as("stored %s (exists %s), run %s", stored, exists, run)
                                .isEqualTo(expected);
                        assertThat(rs.getLong(3)).isEqualTo(exists ? LastSeenRule.next(storedSeen, seen) : seen);
                    }
                }
            }
        }
    }
}
