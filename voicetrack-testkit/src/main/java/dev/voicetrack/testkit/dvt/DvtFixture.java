package dev.voicetrack.testkit.dvt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.LevelMultiplierConfig;
import dev.voicetrack.core.MemberStats;
import dev.voicetrack.core.Metric;
import dev.voicetrack.core.Strategies;
import dev.voicetrack.core.VoiceSession;
import dev.voicetrack.core.VoiceTimeConfig;
import dev.voicetrack.core.XpConfig;
import dev.voicetrack.core.migrate.DvtJson;
import dev.voicetrack.core.migrate.ImportNote.Kind;
import dev.voicetrack.core.migrate.ImportReport;
import dev.voicetrack.core.storage.Storage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A discord-vc-tracker data set holding every quirk its stores have, written in each of its formats
 * (JSON files, SQLite statements, MongoDB documents) without its code, and the checks that an import
 * of it reads back right through VoiceTrack's own queries.
 *
 * <h2>What it holds</h2>
 *
 * <ul>
 *   <li>Guild {@link #GUILD_A} (an id beyond 2^53) with a config setting every option: a channel
 *       whitelist, {@code role-based} XP with {@code baseAmount: 0} (the original's {@code ||} makes
 *       that 5), {@code fast} levels with a stored multiplier it ignores, a legacy option VoiceTrack
 *       lacks; {@code extraData}.
 *   <li>Member {@link #USER_1} (2^53 + 1): two channels with {@code lastActivity}, metadata with a
 *       number; two closed sessions, one of duration 0 (SQLite stores NULL), one begun muted.
 *   <li>Member {@link #USER_2}: voice time beyond int32 (a double in MongoDB, as is its XP), a stored
 *       level the formula would not give and channels that do not add up to its voice time; an open
 *       session (no end).
 *   <li>A closed session of a deleted member, and sessions of a deleted guild.
 *   <li>Guild {@link #GUILD_B}: an empty config object ({@code {}}), as JSONStorage writes for a guild
 *       first seen through a member save; one member, no metadata.
 * </ul>
 */
public final class DvtFixture {
    public static final String GUILD_A = "1234567890123456789";
    public static final String GUILD_B = "300000000000000001";
    public static final String GUILD_DELETED = "400000000000000001";
    public static final String USER_1 = "9007199254740993";
    public static final String USER_2 = "987654321098765432";
    public static final String USER_B = "600000000000000001";
    public static final String USER_DELETED = "555555555555555555";
    public static final String CHANNEL_1 = "111111111111111111";
    public static final String CHANNEL_2 = "111111111111111112";
    public static final String ROLE = "222222222222222222";

    /** How a format keeps instants: the SQLite backend keeps whole seconds. */
    public enum Precision {
        MILLIS,
        SECONDS
    }

    /** The tables and indexes of the original's SQLiteStorage, as it creates them. */
    public static final List<String> SQLITE_SCHEMA = List.of(
            "CREATE TABLE guilds (guild_id TEXT PRIMARY KEY, config TEXT NOT NULL, last_updated INTEGER NOT NULL,"
                    + " extra_data TEXT DEFAULT '{}', created_at INTEGER NOT NULL DEFAULT (strftime('%s','now')))",
            "CREATE TABLE users (user_id TEXT NOT NULL, guild_id TEXT NOT NULL, total_voice_time INTEGER NOT NULL"
                    + " DEFAULT 0, xp INTEGER NOT NULL DEFAULT 0, level INTEGER NOT NULL DEFAULT 0, channels TEXT"
                    + " NOT NULL DEFAULT '[]', last_seen INTEGER NOT NULL, streak INTEGER NOT NULL DEFAULT 0,"
                    + " total_sessions INTEGER NOT NULL DEFAULT 0, metadata TEXT DEFAULT '{}', created_at INTEGER"
                    + " NOT NULL DEFAULT (strftime('%s','now')), updated_at INTEGER NOT NULL DEFAULT"
                    + " (strftime('%s','now')), PRIMARY KEY (guild_id, user_id), FOREIGN KEY (guild_id) REFERENCES"
                    + " guilds(guild_id) ON DELETE CASCADE)",
            "CREATE TABLE sessions (session_id TEXT PRIMARY KEY, user_id TEXT NOT NULL, guild_id TEXT NOT NULL,"
                    + " channel_id TEXT NOT NULL, start_time INTEGER NOT NULL, end_time INTEGER, duration INTEGER,"
                    + " xp_earned INTEGER NOT NULL DEFAULT 0, was_muted INTEGER NOT NULL DEFAULT 0, was_deafened"
                    + " INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL DEFAULT (strftime('%s','now')), FOREIGN KEY"
                    + " (guild_id, user_id) REFERENCES users(guild_id, user_id) ON DELETE CASCADE)",
            "CREATE INDEX idx_users_xp ON users(guild_id, xp DESC)",
            "CREATE INDEX idx_users_level ON users(guild_id, level DESC, xp DESC)",
            "CREATE INDEX idx_users_voice ON users(guild_id, total_voice_time DESC)",
            "CREATE INDEX idx_users_last_seen ON users(last_seen)",
            "CREATE INDEX idx_sessions_user ON sessions(guild_id, user_id, start_time DESC)",
            "CREATE INDEX idx_sessions_start ON sessions(start_time DESC)");

    static final Instant SEEN_1 = Instant.parse("2024-05-01T10:00:00.123Z");
    static final Instant SEEN_2 = Instant.parse("2024-05-02T09:30:00.456Z");
    static final Instant SEEN_B = Instant.parse("2024-04-01T12:00:00.789Z");
    static final Instant S1_START = Instant.parse("2024-05-01T09:00:00.250Z");
    static final Instant S1_END = Instant.parse("2024-05-01T10:00:00.250Z");
    static final Instant S2_AT = Instant.parse("2024-05-01T11:00:00.500Z");
    static final Instant S3_START = Instant.parse("2024-05-02T08:00:00.750Z");
    static final Instant S4_START = Instant.parse("2024-04-20T08:00:00.000Z");
    static final Instant S4_END = Instant.parse("2024-04-20T08:30:00.000Z");
    static final long BIG_VOICE = 3_000_000_000L;

    private DvtFixture() {}

    // ------------------------------------------------------------------ the data, as plain trees

    private static Map<String, Object> configA() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("guildId", GUILD_A);
        c.put("trackBots", true);
        c.put("trackAllChannels", false);
        c.put("channelIds", List.of(CHANNEL_1));
        c.put("trackMuted", false);
        c.put("trackDeafened", true);
        c.put("minUsersToTrack", 2);
        c.put("maxUsersToTrack", 0);
        c.put("exemptPermissions", List.of("Administrator"));
        c.put("xpStrategy", "role-based");
        c.put("xpConfig", map("baseAmount", 0, "roles", map(ROLE, 12)));
        c.put("voiceTimeStrategy", "fixed");
        c.put("voiceTimeConfig", map("baseAmount", 10000));
        c.put("levelMultiplierStrategy", "fast");
        c.put("levelMultiplierConfig", map("baseMultiplier", 0.3));
        c.put("enableLeveling", true);
        c.put("enableVoiceTime", true);
        c.put("legacyOption", 1);
        return c;
    }

    private static Map<String, Object> extraA() {
        return map("welcome", "hi", "since", "2024-01-01T00:00:00.000Z");
    }

    /** A member record; {@code dates} turns instants into the format's date value. */
    private static List<Map<String, Object>> users(String guild, DateForm dates, boolean mongo) {
        List<Map<String, Object>> users = new ArrayList<>();
        if (guild.equals(GUILD_A)) {
            Map<String, Object> u1 = user(USER_1, guild, 3_600_000, 400, 3, 4, dates.of(SEEN_1));
            u1.put(
                    "channels",
                    List.of(
                            channel(CHANNEL_1, 2_000_000, dates.of(SEEN_1)),
                            channel(CHANNEL_2, 1_600_000, dates.of(Instant.parse("2024-04-30T10:00:00.000Z")))));
            u1.put("metadata", map("nickname", "Ann", "score", 7));
            users.add(u1);
            Map<String, Object> u2 = user(USER_2, guild, BIG_VOICE, 100, 9, 1, dates.of(SEEN_2));
            if (mongo) {
                u2.put("totalVoiceTime", (double) BIG_VOICE);
                u2.put("xp", 100.0);
            }
            u2.put("channels", List.of(channel(CHANNEL_1, 2_999_000_000L, dates.of(SEEN_2))));
            users.add(u2);
        } else if (guild.equals(GUILD_B)) {
            Map<String, Object> ub = user(USER_B, guild, 5000, 5, 0, 1, dates.of(SEEN_B));
            ub.put("channels", List.of(channel(CHANNEL_2, 5000, dates.of(SEEN_B))));
            users.add(ub);
        }
        return users;
    }

    private static Map<String, Object> user(
            String id, String guild, long voice, long xp, long level, long sessions, Object lastSeen) {
        Map<String, Object> u = new LinkedHashMap<>();
        u.put("userId", id);
        u.put("guildId", guild);
        u.put("totalVoiceTime", voice);
        u.put("xp", xp);
        u.put("level", level);
        u.put("lastSeen", lastSeen);
        u.put("streak", 0);
        u.put("totalSessions", sessions);
        return u;
    }

    private static Map<String, Object> channel(String id, long voice, Object lastActivity) {
        return map("channelId", id, "voiceTime", voice, "sessions", 1, "lastActivity", lastActivity);
    }

    /** The session records in save order; {@code duration} null where the original writes none. */
    private static List<Map<String, Object>> sessions(DateForm dates) {
        List<Map<String, Object>> s = new ArrayList<>();
        s.add(session("s1", GUILD_A, USER_1, CHANNEL_1, dates.of(S1_START), dates.of(S1_END), 3_600_000L, 60, true));
        s.add(session("s2", GUILD_A, USER_1, CHANNEL_2, dates.of(S2_AT), dates.of(S2_AT), 0L, 0, false));
        s.add(session("s3", GUILD_A, USER_2, CHANNEL_1, dates.of(S3_START), null, null, 15, false));
        s.add(session(
                "s4", GUILD_A, USER_DELETED, CHANNEL_1, dates.of(S4_START), dates.of(S4_END), 1_800_000L, 30, false));
        s.add(session(
                "s5", GUILD_DELETED, USER_1, CHANNEL_1, dates.of(S4_START), dates.of(S4_END), 1_800_000L, 30, false));
        return s;
    }

    private static Map<String, Object> session(
            String tag,
            String guild,
            String user,
            String channel,
            Object start,
            Object end,
            Long duration,
            long xp,
            boolean muted) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("sessionId", sessionId(tag, user));
        s.put("userId", user);
        s.put("guildId", guild);
        s.put("channelId", channel);
        s.put("startTime", start);
        if (end != null) {
            s.put("endTime", end);
        }
        if (duration != null) {
            s.put("duration", duration);
        }
        s.put("xpEarned", xp);
        s.put("wasMuted", muted);
        s.put("wasDeafened", false);
        return s;
    }

    /** The stored id of a fixture session ({@code <start ms>-<user>} in the original; tagged here). */
    public static String sessionId(String tag, String user) {
        return tag + "-" + user;
    }

    @FunctionalInterface
    private interface DateForm {
        Object of(Instant instant);
    }

    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    // ------------------------------------------------------------------ JSON

    /** Writes {@code guilds.json} and {@code sessions.json} of JSONStorage into {@code dir}. */
    public static void writeJson(Path dir) {
        DateForm iso = Instant::toString;
        Map<String, Object> guilds = new LinkedHashMap<>();
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("guildId", GUILD_A);
        a.put("config", configA());
        a.put("users", users(GUILD_A, iso, false));
        a.put("lastUpdated", "2024-05-02T09:30:00.456Z");
        a.put("extraData", extraA());
        guilds.put(GUILD_A, a);
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("guildId", GUILD_B);
        b.put("config", Map.of());
        b.put("users", users(GUILD_B, iso, false));
        b.put("lastUpdated", "2024-04-01T12:00:00.789Z");
        b.put("extraData", Map.of());
        guilds.put(GUILD_B, b);
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("guilds.json"), DvtJson.write(guilds), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("sessions.json"), DvtJson.write(sessions(iso)), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------------ SQLite

    /**
     * The statements that build SQLiteStorage's database: its schema, then the rows with epoch-second
     * dates, JSON text columns, {@code '{}'} for missing metadata and NULL for a duration of 0. Run them
     * with foreign keys off (SQLite's default) so that the orphaned sessions can be inserted, as a
     * database written before a delete, or with the keys off, holds them.
     */
    public static List<String> sqliteStatements() {
        List<String> sql = new ArrayList<>(SQLITE_SCHEMA);
        sql.add(insert("guilds", GUILD_A, DvtJson.write(configA()), SEEN_2.getEpochSecond(), DvtJson.write(extraA())));
        sql.add(insert("guilds", GUILD_B, "{}", SEEN_B.getEpochSecond(), "{}"));
        DateForm iso = Instant::toString;
        for (String g : List.of(GUILD_A, GUILD_B)) {
            for (Map<String, Object> u : users(g, iso, false)) {
                Object metadata = u.get("metadata");
                sql.add(
                        "INSERT INTO users (user_id, guild_id, total_voice_time, xp, level, channels, last_seen, streak,"
                                + " total_sessions, metadata) VALUES ("
                                + String.join(
                                        ", ",
                                        List.of(
                                                text(u.get("userId")),
                                                text(g),
                                                u.get("totalVoiceTime").toString(),
                                                u.get("xp").toString(),
                                                u.get("level").toString(),
                                                text(DvtJson.write(u.get("channels"))),
                                                Long.toString(Instant.parse((String) u.get("lastSeen"))
                                                        .getEpochSecond()),
                                                "0",
                                                u.get("totalSessions").toString(),
                                                text(metadata == null ? "{}" : DvtJson.write(metadata))))
                                + ")");
            }
        }
        for (Map<String, Object> s : sessions(iso)) {
            Object end = s.get("endTime");
            Object duration = s.get("duration");
            sql.add("INSERT INTO sessions (session_id, user_id, guild_id, channel_id, start_time, end_time, duration,"
                    + " xp_earned, was_muted, was_deafened) VALUES ("
                    + String.join(
                            ", ",
                            List.of(
                                    text(s.get("sessionId")),
                                    text(s.get("userId")),
                                    text(s.get("guildId")),
                                    text(s.get("channelId")),
                                    Long.toString(Instant.parse((String) s.get("startTime"))
                                            .getEpochSecond()),
                                    end == null
                                            ? "NULL"
                                            : Long.toString(
                                                    Instant.parse((String) end).getEpochSecond()),
                                    duration == null || ((Long) duration) == 0 ? "NULL" : duration.toString(),
                                    s.get("xpEarned").toString(),
                                    Boolean.TRUE.equals(s.get("wasMuted")) ? "1" : "0",
                                    Boolean.TRUE.equals(s.get("wasDeafened")) ? "1" : "0"))
                    + ")");
        }
        return sql;
    }

    /**
     * Builds the original's SQLite database at {@code file} with {@link #sqliteStatements()} (WAL mode,
     * as the original leaves it), through the SQLite JDBC driver on the caller's class path.
     */
    public static Path writeSqlite(Path file) {
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
                    Statement st = c.createStatement()) {
                st.execute("PRAGMA journal_mode=WAL");
                for (String sql : sqliteStatements()) {
                    st.execute(sql);
                }
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot build " + file + ": " + e.getMessage(), e);
        }
    }

    private static String insert(String table, String id, String config, long updated, String extra) {
        return "INSERT INTO " + table + " (guild_id, config, last_updated, extra_data) VALUES (" + text(id) + ", "
                + text(config) + ", " + updated + ", " + text(extra) + ")";
    }

    private static String text(Object s) {
        return "'" + s.toString().replace("'", "''") + "'";
    }

    // ------------------------------------------------------------------ MongoDB

    /**
     * The documents of MongoStorage's collections {@code guilds}, {@code users} and {@code sessions}:
     * dates as {@link Date}, small numbers as {@link Integer} (int32), the large voice time and one XP
     * as {@link Double}, as the JavaScript driver stores them.
     */
    public static Map<String, List<Map<String, Object>>> mongoDocuments() {
        DateForm date = Date::from;
        Map<String, List<Map<String, Object>>> out = new LinkedHashMap<>();
        List<Map<String, Object>> guilds = new ArrayList<>();
        guilds.add(map(
                "guildId", GUILD_A, "config", int32(configA()), "lastUpdated", date.of(SEEN_2), "extraData", extraA()));
        guilds.add(map("guildId", GUILD_B, "config", Map.of(), "lastUpdated", date.of(SEEN_B), "extraData", Map.of()));
        out.put("guilds", guilds);
        List<Map<String, Object>> users = new ArrayList<>();
        users.addAll(int32(users(GUILD_A, date, true)));
        users.addAll(int32(users(GUILD_B, date, true)));
        out.put("users", users);
        out.put("sessions", int32(sessions(date)));
        return out;
    }

    /** Longs that fit in 32 bits as Integer, recursively, as the JavaScript driver writes them. */
    @SuppressWarnings("unchecked")
    private static <T> T int32(T value) {
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> copy = new LinkedHashMap<>();
            m.forEach((k, v) -> copy.put((String) k, int32(v)));
            return (T) copy;
        }
        if (value instanceof List<?> l) {
            List<Object> copy = new ArrayList<>();
            l.forEach(v -> copy.add(int32(v)));
            return (T) copy;
        }
        if (value instanceof Long n && n == n.intValue()) {
            return (T) Integer.valueOf(n.intValue());
        }
        return value;
    }

    // ------------------------------------------------------------------ checks

    /** Checks, through VoiceTrack's queries, that {@code storage} holds the fixture as imported. */
    public static void check(Storage storage, Precision precision) {
        long a = Long.parseLong(GUILD_A);
        long b = Long.parseLong(GUILD_B);
        long u1 = Long.parseLong(USER_1);
        long u2 = Long.parseLong(USER_2);
        long c1 = Long.parseLong(CHANNEL_1);
        long c2 = Long.parseLong(CHANNEL_2);
        assertThat(storage.guildIds()).contains(a, b).doesNotContain(Long.parseLong(GUILD_DELETED));

        GuildConfig ca = storage.guildConfig(a).orElseThrow();
        GuildConfig wantA = GuildConfig.builder()
                .trackBots(true)
                .trackAllChannels(false)
                .channelIds(List.of(c1))
                .trackMuted(false)
                .trackDeafened(true)
                .minUsersToTrack(2)
                .maxUsersToTrack(0)
                .exemptPermissions(List.of("Administrator"))
                .xpStrategy(Strategies.XP_ROLE_BASED)
                .xpConfig(new XpConfig(null, Map.of(Long.parseLong(ROLE), 12L), null, null, null))
                .voiceTimeStrategy(Strategies.VOICE_TIME_FIXED)
                .voiceTimeConfig(new VoiceTimeConfig(10000L, null))
                .levelMultiplierStrategy(Strategies.LEVEL_FAST)
                .levelMultiplierConfig(new LevelMultiplierConfig(0.3))
                .build();
        assertThat(ca).isEqualTo(wantA);
        assertThat(storage.guildConfig(b).orElseThrow())
                .isEqualTo(GuildConfig.builder()
                        .voiceTimeStrategy(Strategies.VOICE_TIME_FIXED)
                        .build());

        assertThat(storage.memberCount(a)).isEqualTo(2);
        assertThat(storage.memberCount(b)).isEqualTo(1);
        MemberStats m1 = storage.member(a, u1).orElseThrow();
        assertThat(m1.voiceTimeMs()).isEqualTo(3_600_000);
        assertThat(m1.xp()).isEqualTo(400);
        assertThat(m1.level()).isEqualTo(3);
        assertThat(m1.sessions()).isEqualTo(4);
        assertThat(m1.messages()).isZero();
        assertThat(m1.streak()).isZero();
        assertThat(m1.lastActiveDay()).isEqualTo(LocalDate.EPOCH);
        assertThat(m1.lastSeen()).isEqualTo(at(SEEN_1, precision));
        assertThat(m1.channels())
                .isEqualTo(Map.of(
                        c1, new MemberStats.ChannelStats(c1, 2_000_000, 1),
                        c2, new MemberStats.ChannelStats(c2, 1_600_000, 1)));
        assertThat(m1.metadata()).isEqualTo(Map.of("nickname", "Ann", "score", "7"));

        MemberStats m2 = storage.member(a, u2).orElseThrow();
        assertThat(m2.voiceTimeMs()).isEqualTo(BIG_VOICE);
        assertThat(m2.xp()).isEqualTo(100);
        assertThat(m2.level()).isEqualTo(9);
        assertThat(m2.sessions()).isEqualTo(1);
        assertThat(m2.lastSeen()).isEqualTo(at(SEEN_2, precision));
        assertThat(m2.channels()).isEqualTo(Map.of(c1, new MemberStats.ChannelStats(c1, 2_999_000_000L, 1)));
        assertThat(m2.metadata()).isEmpty();

        MemberStats mb = storage.member(b, Long.parseLong(USER_B)).orElseThrow();
        assertThat(mb.voiceTimeMs()).isEqualTo(5000);
        assertThat(mb.xp()).isEqualTo(5);
        assertThat(mb.lastSeen()).isEqualTo(at(SEEN_B, precision));

        assertThat(storage.leaderboard(a, Metric.XP, null, 10, 0))
                .extracting(e -> e.userId())
                .containsExactly(u1, u2);
        assertThat(storage.leaderboard(a, Metric.VOICE_TIME, null, 10, 0))
                .extracting(e -> e.userId())
                .containsExactly(u2, u1);
        assertThat(storage.rank(a, u2, Metric.LEVEL, null)).hasValue(1);

        List<VoiceSession> s1 = storage.sessions(a, u1, 10);
        assertThat(s1).extracting(VoiceSession::id).containsExactly(sessionId("s2", USER_1), sessionId("s1", USER_1));
        VoiceSession zero = s1.get(0);
        assertThat(zero.durationMs()).isZero();
        assertThat(zero.start()).isEqualTo(at(S2_AT, precision));
        assertThat(zero.end()).isEqualTo(at(S2_AT, precision));
        VoiceSession hour = s1.get(1);
        assertThat(hour.channelId()).isEqualTo(c1);
        assertThat(hour.start()).isEqualTo(at(S1_START, precision));
        assertThat(hour.end()).isEqualTo(at(S1_END, precision));
        assertThat(hour.durationMs()).isEqualTo(3_600_000);
        assertThat(hour.xpEarned()).isEqualTo(60);
        assertThat(hour.mutedMs()).isZero();

        List<VoiceSession> open =
                storage.openSessions().stream().filter(s -> s.guildId() == a).toList();
        assertThat(open).hasSize(1);
        VoiceSession o = open.get(0);
        assertThat(o.id()).isEqualTo(sessionId("s3", USER_2));
        assertThat(o.userId()).isEqualTo(u2);
        assertThat(o.end()).isNull();
        assertThat(o.lastAccrual()).isEqualTo(o.start()).isEqualTo(at(S3_START, precision));
        assertThat(o.durationMs()).isZero();
        assertThat(o.xpEarned()).isEqualTo(15);

        List<VoiceSession> orphan = storage.sessions(a, Long.parseLong(USER_DELETED), 10);
        assertThat(orphan).extracting(VoiceSession::durationMs).containsExactly(1_800_000L);
        assertThat(storage.member(a, Long.parseLong(USER_DELETED))).isEmpty();
    }

    /** Checks the counts and the notes of a report of the fixture's import. */
    public static void checkReport(ImportReport report) {
        assertThat(report.guilds()).isEqualTo(2);
        assertThat(report.members()).isEqualTo(3);
        assertThat(report.channels()).isEqualTo(4);
        assertThat(report.sessions()).isEqualTo(4);
        List<String> notes = report.notes().stream().map(Object::toString).toList();
        assertThat(notes)
                .anyMatch(n -> n.startsWith("CHANGED guild " + GUILD_A + " config.xpConfig.baseAmount"))
                .anyMatch(n -> n.startsWith("SKIPPED guild " + GUILD_A + " config.legacyOption"))
                .anyMatch(n ->
                        n.startsWith("INFO guild " + GUILD_A + " config.levelMultiplierConfig") && n.contains("0.15"))
                .anyMatch(n -> n.startsWith("SKIPPED guild " + GUILD_A + " guild.extraData") && n.contains("welcome"))
                .anyMatch(n -> n.startsWith("CHANGED guild " + GUILD_A + " user " + USER_1) && n.contains("score"))
                .anyMatch(
                        n -> n.startsWith("INCONSISTENT guild " + GUILD_A + " user " + USER_2) && n.contains("level 9"))
                .anyMatch(n -> n.startsWith("INCONSISTENT guild " + GUILD_A + " user " + USER_2)
                        && n.contains("sum of its channels"))
                .anyMatch(n -> n.startsWith("CHANGED guild " + GUILD_A + " sessions")
                        && n.contains("1 sessions started muted"))
                .anyMatch(n -> n.startsWith("INFO guild " + GUILD_A + " sessions") && n.contains("deleted"))
                .anyMatch(n -> n.startsWith("SKIPPED guild " + GUILD_DELETED + " guild"));
        assertThat(report.count(Kind.INCONSISTENT)).isEqualTo(2);
    }

    private static Instant at(Instant i, Precision p) {
        return p == Precision.SECONDS ? i.truncatedTo(ChronoUnit.SECONDS) : i;
    }

    /** The fixture's guild ids as longs. */
    public static Set<Long> guildIds() {
        return Set.of(Long.parseLong(GUILD_A), Long.parseLong(GUILD_B));
    }
}
