package dev.voicetrack.testkit.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.LevelMultiplierConfig;
import dev.voicetrack.core.MemberStats;
import dev.voicetrack.core.VoiceSession;
import dev.voicetrack.core.VoiceTimeConfig;
import dev.voicetrack.core.XpConfig;
import dev.voicetrack.core.storage.Batch;
import dev.voicetrack.core.storage.LevelRaise;
import dev.voicetrack.core.storage.MemberDelta;
import dev.voicetrack.core.storage.MemberTotals;
import dev.voicetrack.core.storage.Storage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A realistic guild set for forward-migration tests: a database written by one release must open,
 * migrate and read back the same values with the next one, on every backend.
 *
 * <h2>How it works</h2>
 *
 * The data is a fixed list of operations on the public {@link Storage} SPI ({@link #history()}): 16
 * days of batches for two guilds (voice time in several channels, XP, messages, sessions open and
 * closed, a late increment), level raises, an admin {@code setXp} and {@code setLevel}, metadata
 * edits, a reset and a deleted member, and a config with a non-default value for every persisted
 * option. Ids are Discord-sized snowflakes beyond 2^53 (and 2^53 + 1 itself).
 *
 * <p>The expected values are NOT read back from a storage: a small model ({@link
 * FixtureModel}) applies the same operations by the storage contract's rules (increments add up, last seen
 * keeps the later instant, a day with activity extends the streak when it follows the last active
 * day, a late day leaves it, levels are only raised, reset keeps metadata, delete removes sessions).
 * Everything a storage answers is rendered to one canonical text ({@link FixtureView#render}); the text for the
 * fixture was written once to {@code forward-migration-v1-expected.txt} (next to this class), and a
 * test checks both that the model still renders exactly that text (the inputs did not drift from the
 * committed fixtures) and that the backend, opened on the committed fixture, renders it too.
 *
 * <h2>Fixtures</h2>
 *
 * The committed fixture files of each backend were produced at commit c6b66f4 (the release before
 * the storage kernel, issue 17) by that module's {@code ForwardMigrationFixtureGenerator} (in its
 * {@code src/test}); its Javadoc gives the command. Regenerate them only when the stored format is
 * meant to change, and then keep the old fixtures as well: the point is to open files written by an
 * earlier release.
 */
public final class ForwardMigrationFixture {

    /** The last day of the fixture's data ("today" when it was written). */
    public static final LocalDate TODAY = LocalDate.of(2026, 3, 15);

    /** The first day with data: 16 days, across the end of February and three ISO weeks. */
    public static final LocalDate FIRST_DAY = TODAY.minusDays(15);

    /** The instant the generators' clocks were fixed at. */
    public static final Instant WRITTEN_AT = Instant.parse("2026-03-15T23:30:00.250Z");

    /** A guild id well beyond 2^53, like real snowflakes. */
    public static final long GUILD_A = 1_150_000_000_000_000_007L;

    /** 2^53 + 1: the first integer a double cannot hold. */
    public static final long GUILD_B = 9_007_199_254_740_993L;

    static final int MEMBERS_A = 20;
    static final int MEMBERS_B = 10;

    /** Members of A with special roles in the history (indexes into {@link #user}). */
    static final int STREAK_ALL = 1; // active on all 16 days

    static final int STREAK_LATE = 0; // active on the last 8 days only
    static final int LATE_INCREMENT = 2; // gets an increment for an earlier day after the last batch
    static final int RAISED_TWICE = 4;
    static final int ADMIN_SET_XP = 6;
    static final int ADMIN_SET_LEVEL = 7;
    static final int RESET = 18;
    static final int DELETED = 19;

    /** The id of a member that exists in neither guild. */
    static final long NEVER_SEEN = 1_234_567_890_123_456_789L;

    /** A small id (an old account): guild B's member created by {@code setLevel} alone. */
    static final long SMALL_ID = 42;

    static final String EXPECTED_RESOURCE = "forward-migration-v1-expected.txt";

    private ForwardMigrationFixture() {}

    // ------------------------------------------------------------------ inputs

    /** The user id of member {@code i} of a guild; A's member 10 is 2^53 + 1. */
    public static long user(long guildId, int i) {
        if (guildId == GUILD_A && i == 10) {
            return 9_007_199_254_740_993L;
        }
        long base = guildId == GUILD_A ? 1_180_000_000_000_000_000L : 1_290_000_000_000_000_000L;
        return base + i * 1_000_003L;
    }

    static long[] voiceChannels(long guildId) {
        return guildId == GUILD_A
                ? new long[] {1_160_000_000_000_000_101L, 1_160_000_000_000_000_102L, 1_160_000_000_000_000_103L}
                : new long[] {1_260_000_000_000_000_201L, 9_007_199_254_740_997L};
    }

    static long textChannel(long guildId) {
        return guildId == GUILD_A ? 1_160_000_000_000_000_900L : 1_260_000_000_000_000_900L;
    }

    /** Guild A's config: every persisted option differs from its default. */
    public static GuildConfig configA() {
        var roles = new LinkedHashMap<Long, Long>();
        roles.put(1_170_000_000_000_000_003L, 20L); // insertion order is meaningful (first role wins)
        roles.put(1_170_000_000_000_000_001L, 12L);
        roles.put(9_007_199_254_740_995L, 0L);
        return GuildConfig.builder()
                .trackBots(true)
                .trackAllChannels(false)
                .channelIds(List.of(1_160_000_000_000_000_101L, 1_160_000_000_000_000_102L, 9_007_199_254_740_999L))
                .trackMuted(false)
                .trackDeafened(false)
                .minUsersToTrack(2)
                .maxUsersToTrack(25)
                .exemptPermissions(List.of("ADMINISTRATOR", "MANAGE_SERVER"))
                .xpStrategy("role-based")
                .xpConfig(new XpConfig(7L, roles, 2.5, 3L, 21L))
                .voiceTimeStrategy("scaled")
                .voiceTimeConfig(new VoiceTimeConfig(7_000L, 1.25))
                .levelMultiplierStrategy("fast")
                .levelMultiplierConfig(new LevelMultiplierConfig(0.125))
                .enableLeveling(false)
                .enableVoiceTime(false)
                .excludedChannelIds(List.of(1_160_000_000_000_000_199L))
                .noXpRoleIds(List.of(1_170_000_000_000_000_099L, 1_170_000_000_000_000_098L))
                .noXpChannelIds(List.of(1_160_000_000_000_000_103L))
                .botsCountAsCompany(false)
                .mutedCountAsCompany(false)
                .messageXp(3)
                .messageXpCooldown(Duration.ofMillis(90_250))
                .timeZone(ZoneId.of("Europe/Berlin"))
                .build();
    }

    /** Guild B's config: the "not set" forms (null components, zero cooldown) and a fixed offset zone. */
    public static GuildConfig configB() {
        return GuildConfig.builder()
                .xpStrategy("random")
                .xpConfig(XpConfig.EMPTY)
                .voiceTimeStrategy("fixed")
                .voiceTimeConfig(new VoiceTimeConfig(null, null))
                .levelMultiplierStrategy("slow")
                .levelMultiplierConfig(new LevelMultiplierConfig(null))
                .messageXpCooldown(Duration.ZERO)
                .timeZone(ZoneOffset.ofHoursMinutes(5, 30))
                .build();
    }

    static ZoneId zone(long guildId) {
        return guildId == GUILD_A ? ZoneId.of("Europe/Berlin") : ZoneOffset.ofHoursMinutes(5, 30);
    }

    /** One write through the SPI. */
    sealed interface Op {}

    record SaveConfig(long guildId, GuildConfig config) implements Op {}

    record Apply(Batch batch) implements Op {}

    record Raise(List<LevelRaise> raises) implements Op {}

    record SetXp(long guildId, long userId, long xp, int level) implements Op {}

    record SetLevel(long guildId, long userId, int level) implements Op {}

    record Metadata(long guildId, long userId, Map<String, String> set, List<String> remove) implements Op {}

    record Reset(long guildId, long userId) implements Op {}

    record Delete(long guildId, long userId) implements Op {}

    /** Everything the previous release wrote, in order. */
    static List<Op> history() {
        var ops = new ArrayList<Op>();
        ops.add(new SaveConfig(GUILD_A, configA()));
        ops.add(new SaveConfig(GUILD_B, configB()));
        ops.add(new Metadata(GUILD_A, user(GUILD_A, RESET), Map.of("keep", "yes"), List.of()));
        for (int d = 0; d < 16; d++) {
            var deltas = new ArrayList<MemberDelta>();
            var sessions = new ArrayList<VoiceSession>();
            day(GUILD_A, MEMBERS_A, d, deltas, sessions);
            day(GUILD_B, MEMBERS_B, d, deltas, sessions);
            ops.add(new Apply(new Batch(deltas, sessions)));
        }
        // The member in voice when the data was written: an open session, accounted up to lastAccrual.
        Instant openStart =
                TODAY.atTime(21, 0).atZone(zone(GUILD_A)).toInstant().plusMillis(17);
        ops.add(new Apply(new Batch(
                List.of(new MemberDelta(
                        GUILD_A,
                        user(GUILD_A, STREAK_ALL),
                        voiceChannels(GUILD_A)[1],
                        TODAY,
                        1_500_123,
                        35,
                        0,
                        1,
                        openStart.plusMillis(1_500_123))),
                List.of(openSession(false)))));
        // A late increment: a day before the member's last active day leaves its streak as it was.
        ops.add(new Apply(new Batch(
                List.of(new MemberDelta(
                        GUILD_A,
                        user(GUILD_A, LATE_INCREMENT),
                        voiceChannels(GUILD_A)[2],
                        TODAY.minusDays(9),
                        61_001,
                        6,
                        2,
                        1,
                        TODAY.minusDays(9)
                                .atTime(23, 59, 59)
                                .atZone(zone(GUILD_A))
                                .toInstant())),
                List.of())));
        var raises = new ArrayList<LevelRaise>();
        for (int i = 0; i < MEMBERS_A; i++) {
            raises.add(new LevelRaise(GUILD_A, user(GUILD_A, i), 1 + i % 7));
        }
        for (int i = 0; i < MEMBERS_B; i++) {
            raises.add(new LevelRaise(GUILD_B, user(GUILD_B, i), 2 + i % 3));
        }
        raises.add(new LevelRaise(GUILD_A, NEVER_SEEN, 9)); // no such member: nothing raised
        ops.add(new Raise(raises));
        ops.add(new Raise(List.of(
                new LevelRaise(GUILD_A, user(GUILD_A, RAISED_TWICE), 11),
                new LevelRaise(GUILD_A, user(GUILD_A, 3), 1)))); // lower: never lowers
        ops.add(new SetXp(GUILD_A, user(GUILD_A, ADMIN_SET_XP), 123_456, 35));
        ops.add(new SetLevel(GUILD_A, user(GUILD_A, ADMIN_SET_LEVEL), 50));
        ops.add(new SetLevel(GUILD_B, SMALL_ID, 3));
        ops.add(new SetXp(GUILD_B, user(GUILD_B, 20), 999, 2));
        ops.add(new Metadata(
                GUILD_A,
                user(GUILD_A, STREAK_LATE),
                Map.of("nick", "Zoë ✓ 日本", "note", "a \"quoted\", value; with\ttab and \\ backslash"),
                List.of()));
        ops.add(new Metadata(GUILD_A, user(GUILD_A, 2), Map.of("a", "1", "b", "2", "c", "3"), List.of()));
        ops.add(new Metadata(GUILD_A, user(GUILD_A, 2), Map.of("b", "two"), List.of("a", "missing")));
        ops.add(new Metadata(GUILD_B, user(GUILD_B, 9), Map.of("empty", ""), List.of()));
        ops.add(new Metadata(GUILD_A, user(GUILD_A, DELETED), Map.of("gone", "soon"), List.of()));
        // After the admin's setXp the member keeps earning: XP adds to the value set.
        ops.add(new Apply(new Batch(
                List.of(new MemberDelta(
                        GUILD_A,
                        user(GUILD_A, ADMIN_SET_XP),
                        voiceChannels(GUILD_A)[0],
                        TODAY,
                        120_000,
                        40,
                        0,
                        0,
                        TODAY.atTime(22, 0).atZone(zone(GUILD_A)).toInstant())),
                List.of())));
        ops.add(new Reset(GUILD_A, user(GUILD_A, RESET)));
        ops.add(new Delete(GUILD_A, user(GUILD_A, DELETED)));
        return ops;
    }

    /** One day of one guild: voice in one or two channels, messages, sessions for some. */
    private static void day(long guildId, int members, int d, List<MemberDelta> deltas, List<VoiceSession> sessions) {
        LocalDate day = FIRST_DAY.plusDays(d);
        ZoneId zone = zone(guildId);
        long[] voice = voiceChannels(guildId);
        for (int i = 0; i < members; i++) {
            boolean active =
                    switch (guildId == GUILD_A ? i : -1) {
                        case STREAK_ALL -> true;
                        case STREAK_LATE -> d >= 8;
                        default -> (i * 5 + d * 3) % 7 < 4;
                    };
            if (!active) {
                continue;
            }
            long u = user(guildId, i);
            Instant seen =
                    day.atTime(9 + i % 12, i * 2, 7).atZone(zone).toInstant().plusMillis(d * 13L + i);
            long voiceMs = 60_000L * (1 + (i * 11 + d * 17) % 90) + (i * 37L + d) % 1000;
            long xp = 7 * (voiceMs / 60_000) + i % 3;
            long ch = voice[(i + d) % voice.length];
            deltas.add(new MemberDelta(guildId, u, ch, day, voiceMs, xp, 0, 1, seen));
            if ((i + d) % 3 == 0) {
                Instant start = seen.minusMillis(voiceMs);
                sessions.add(new VoiceSession(
                        (guildId == GUILD_A ? "a-" : "b-") + i + "-" + d,
                        guildId,
                        u,
                        ch,
                        start,
                        seen,
                        seen,
                        voiceMs,
                        xp,
                        i % 3 == 0 ? voiceMs / 10 : 0,
                        i % 4 == 0 ? voiceMs / 20 : 0));
            }
            if ((i + d) % 4 == 0) {
                // a second stay the same day: in the same channel (adds up) or another one
                long ch2 = voice[(i + d + (i % 2)) % voice.length];
                deltas.add(new MemberDelta(guildId, u, ch2, day, 30_000 + i, 3, 0, 1, seen.plusSeconds(3600)));
            }
            if ((i * 3 + d) % 5 == 0) {
                long m = 1 + (i + d) % 6;
                deltas.add(
                        new MemberDelta(guildId, u, textChannel(guildId), day, 0, 3 * m, m, 0, seen.minusSeconds(60)));
            }
            if (guildId == GUILD_A && i == 5 && d % 2 == 0) {
                deltas.add(new MemberDelta(guildId, u, 0, day, 0, 0, 2, 0, seen.minusSeconds(30)));
            }
        }
    }

    private static VoiceSession openSession(boolean closed) {
        Instant start = TODAY.atTime(21, 0).atZone(zone(GUILD_A)).toInstant().plusMillis(17);
        Instant accrued = start.plusMillis(1_500_123);
        Instant end = accrued.plusMillis(45_000);
        return new VoiceSession(
                "a-open-1",
                GUILD_A,
                user(GUILD_A, STREAK_ALL),
                voiceChannels(GUILD_A)[1],
                start,
                closed ? end : null,
                closed ? end : accrued,
                closed ? 1_545_123 : 1_500_123,
                closed ? 36 : 35,
                250,
                0);
    }

    /** What the next release writes after opening the old data: the day after {@link #TODAY}. */
    static List<Op> continuation() {
        LocalDate next = TODAY.plusDays(1);
        Instant t = next.atTime(10, 0).atZone(zone(GUILD_A)).toInstant().plusMillis(5);
        long[] va = voiceChannels(GUILD_A);
        var deltas = List.of(
                new MemberDelta(GUILD_A, user(GUILD_A, STREAK_ALL), va[1], TODAY, 45_000, 1, 0, 0, t),
                new MemberDelta(GUILD_A, user(GUILD_A, STREAK_ALL), va[1], next, 600_000, 70, 0, 1, t),
                new MemberDelta(GUILD_A, user(GUILD_A, STREAK_LATE), va[0], next, 300_000, 35, 4, 1, t),
                new MemberDelta(GUILD_A, user(GUILD_A, 3), va[2], next, 60_000, 7, 0, 1, t),
                new MemberDelta(GUILD_A, user(GUILD_A, ADMIN_SET_XP), va[0], next, 60_000, 4, 0, 1, t),
                new MemberDelta(GUILD_A, user(GUILD_A, RESET), va[2], next, 1_000, 1, 0, 1, t),
                new MemberDelta(GUILD_A, user(GUILD_A, 30), va[0], next, 90_000, 9, 1, 1, t),
                new MemberDelta(
                        GUILD_B,
                        user(GUILD_B, 1),
                        voiceChannels(GUILD_B)[1],
                        next,
                        77_777,
                        8,
                        0,
                        1,
                        next.atStartOfDay(zone(GUILD_B)).toInstant()));
        return List.of(
                new Apply(new Batch(deltas, List.of(openSession(true)))),
                new Raise(List.of(new LevelRaise(GUILD_A, user(GUILD_A, STREAK_ALL), 12))));
    }

    // ------------------------------------------------------------------ running

    /** Writes the whole history through {@code storage} (initialised); what the generators run. */
    public static void write(Storage storage) {
        for (Op op : history()) {
            run(storage, op);
        }
    }

    private static @Nullable List<MemberTotals> run(Storage s, Op op) {
        if (op instanceof SaveConfig c) {
            s.saveGuildConfig(c.guildId(), c.config());
        } else if (op instanceof Apply a) {
            return s.apply(a.batch());
        } else if (op instanceof Raise r) {
            s.raiseLevels(r.raises());
        } else if (op instanceof SetXp x) {
            s.setXp(x.guildId(), x.userId(), x.xp(), x.level());
        } else if (op instanceof SetLevel l) {
            s.setLevel(l.guildId(), l.userId(), l.level());
        } else if (op instanceof Metadata m) {
            s.updateMetadata(m.guildId(), m.userId(), m.set(), m.remove());
        } else if (op instanceof Reset r) {
            s.resetMember(r.guildId(), r.userId());
        } else if (op instanceof Delete d) {
            s.deleteMember(d.guildId(), d.userId());
        } else {
            throw new IllegalArgumentException("unknown op " + op);
        }
        return null;
    }

    /**
     * Writes the model's rendering of the history to the file {@code args[0]}: how {@code
     * forward-migration-v1-expected.txt} was produced, at commit c6b66f4, with {@code java -cp
     * voicetrack-testkit/target/classes:<its classpath> dev.voicetrack.testkit.storage.ForwardMigrationFixture
     * voicetrack-testkit/src/main/resources/dev/voicetrack/testkit/storage/forward-migration-v1-expected.txt}.
     */
    public static void main(String[] args) throws IOException {
        java.nio.file.Files.writeString(java.nio.file.Path.of(args[0]), expected(), StandardCharsets.UTF_8);
    }

    /** The committed expected rendering of the fixture. */
    public static String committedExpected() {
        try (InputStream in = ForwardMigrationFixture.class.getResourceAsStream(EXPECTED_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + EXPECTED_RESOURCE);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The model's rendering of the history (what {@link #committedExpected()} was written from). */
    public static String expected() {
        FixtureModel m = new FixtureModel();
        history().forEach(m::run);
        return FixtureView.render(m);
    }

    /**
     * Asserts that {@code storage} (opened on a fixture and initialised) holds exactly the history:
     * every value of every member, leaderboard, rank, activity row, session and config.
     */
    public static void verify(Storage storage) {
        String committed = committedExpected();
        assertThat(expected())
                .as("the model of the fixture's history no longer renders the committed expectations: the"
                        + " inputs in ForwardMigrationFixture changed, but the committed fixtures did not")
                .isEqualTo(committed);
        assertThat(storage.schemaVersion())
                .as("migrated forward to the schema version of this code")
                .isEqualTo(Storage.SCHEMA_VERSION);
        GuildConfig a = storage.guildConfig(GUILD_A).orElseThrow();
        assertThat(a).isEqualTo(configA());
        assertThat(a.xpConfig().roles().keySet())
                .as("xpConfig.roles keeps its order")
                .containsExactlyElementsOf(configA().xpConfig().roles().keySet());
        assertThat(storage.guildConfig(GUILD_B)).contains(configB());
        assertThat(FixtureView.render(FixtureView.view(storage))).isEqualTo(committed);
    }

    /**
     * Writes {@link #continuation()} onto a storage holding the fixture and asserts the totals it
     * returns, the streaks (continued, restarted, created) and then everything, against the model.
     */
    public static void continueAndVerify(Storage storage) {
        FixtureModel m = new FixtureModel();
        history().forEach(m::run);
        var ops = continuation();
        List<MemberTotals> totals = run(storage, ops.get(0));
        List<MemberTotals> expectedTotals = m.run(ops.get(0));
        assertThat(totals).containsExactlyInAnyOrderElementsOf(Objects.requireNonNull(expectedTotals));
        run(storage, ops.get(1));
        m.run(ops.get(1));

        // Hard-written checks, independent of the model's rules.
        MemberStats all = storage.member(GUILD_A, user(GUILD_A, STREAK_ALL)).orElseThrow();
        assertThat(all.streak()).as("16 days in a row, then the next day").isEqualTo(17);
        assertThat(all.lastActiveDay()).isEqualTo(TODAY.plusDays(1));
        assertThat(all.level()).isEqualTo(12);
        MemberStats late = storage.member(GUILD_A, user(GUILD_A, STREAK_LATE)).orElseThrow();
        assertThat(late.streak()).as("8 days in a row, then the next day").isEqualTo(9);
        assertThat(late.metadata()).containsEntry("nick", "Zoë ✓ 日本");
        MemberStats admin = storage.member(GUILD_A, user(GUILD_A, ADMIN_SET_XP)).orElseThrow();
        assertThat(admin.xp()).as("setXp 123456, then +40, then +4").isEqualTo(123_500);
        assertThat(admin.level()).isEqualTo(35);
        MemberStats reset = storage.member(GUILD_A, user(GUILD_A, RESET)).orElseThrow();
        assertThat(reset.streak()).isEqualTo(1);
        assertThat(reset.voiceTimeMs()).isEqualTo(1_000);
        assertThat(reset.metadata()).isEqualTo(Map.of("keep", "yes"));
        MemberStats fresh = storage.member(GUILD_A, user(GUILD_A, 30)).orElseThrow();
        assertThat(fresh.streak()).isEqualTo(1);
        assertThat(fresh.xp()).isEqualTo(9);
        assertThat(storage.openSessions()).isEmpty();
        assertThat(storage.sessions(GUILD_A, user(GUILD_A, STREAK_ALL), 1)).containsExactly(openSession(true));

        assertThat(FixtureView.render(FixtureView.view(storage))).isEqualTo(FixtureView.render(m));
    }

    /** The model's rendering after {@link #continueAndVerify} (for a reopened storage). */
    public static String expectedAfterContinuation() {
        FixtureModel m = new FixtureModel();
        history().forEach(m::run);
        continuation().forEach(m::run);
        return FixtureView.render(m);
    }

    /** Renders what {@code storage} answers, in the canonical form of the expectations. */
    public static String observed(Storage storage) {
        return FixtureView.render(FixtureView.view(storage));
    }
}
