package dev.voicetrack.bot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.voicetrack.core.GatewayEvent;
import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.LevelCalculator;
import dev.voicetrack.core.MemberInfo;
import dev.voicetrack.core.MemberStats;
import dev.voicetrack.core.VoiceFlags;
import dev.voicetrack.core.VoiceTracker;
import dev.voicetrack.core.XpConfig;
import dev.voicetrack.core.storage.InMemoryStorage;
import dev.voicetrack.core.storage.Storage;
import dev.voicetrack.emulator.DiscordEmulator;
import dev.voicetrack.emulator.EmulatedChannel;
import dev.voicetrack.emulator.EmulatedGuild;
import dev.voicetrack.emulator.EmulatedMember;
import dev.voicetrack.storage.jdbc.JdbcStorage;
import dev.voicetrack.storage.jdbc.PostgresOptions;
import dev.voicetrack.testkit.ManualClock;
import dev.voicetrack.testkit.postgres.PostgresServer;
import dev.voicetrack.testkit.redis.RedisCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three packaged bots in three JVMs split the six shards of one emulator (0-1, 2-3, 4,5), on one
 * 3-master Redis Cluster and one PostgreSQL database, and one in-memory reference tracker is fed the
 * same event script at the same instants: every member's stored totals (voice time, XP, level,
 * sessions) equal the reference's, exactly; {@code kill -9} of the second process and its restart cost
 * the members of its guilds exactly one step and nothing else.
 *
 * <h2>One clock</h2>
 * The test, the bots' trackers and the reference read one {@link SharedClock} (the bots through {@link
 * SharedClockBot}; the reference a {@link ManualClock} moved with it). Each step: the time stands still
 * while {@value #ACTIONS_PER_STEP} members, each at most once, join, move or leave in the emulator and
 * the same events go to the reference; the test waits until every live process has handed its
 * shards' events to its tracker (its {@code voicetrack.gateway.events} counter), so they are stamped
 * with the still time; then the time moves by {@link #STEP} and every live process and the reference
 * tick once at the new time (the bots' {@code /health} {@code lastTick.at}, with the tick written).
 * XP is per tick ({@code fixed}, {@value #XP_PER_CHECK} a check, set in every guild's stored config
 * and the reference's, so that levels move), which is why the bots tick when the clock moves and never
 * on their own schedule.
 *
 * <h2>The kill</h2>
 * After {@value #STEPS_BEFORE_KILL} steps all totals are compared; then the second process is killed
 * right after a tick at T. One step runs without it: members of every guild act at T (its own too),
 * the time moves to T + step, the others and the reference tick. It is restarted at T + step once its
 * shard leases have lapsed, claims its shards at its start and reconciles then: a member still in the
 * channel of its stored open session resumes it (the same row), one elsewhere has its stored session
 * closed at its last written accrual (T) and a new one opened, one gone has it closed at T. By these
 * rules (README: a crash loses at most one check interval; the bot README, "Moving a shard": the time
 * between the dead process's last tick and the takeover is not credited), a member of its guilds in
 * voice during [T, T + step] lacks exactly that step's voice time and the one check's XP the dead
 * process did not tick, has the level that XP gives and the same session count; every other member
 * equals the reference. The members who stayed in their channel across the kill (and the next step)
 * have the same open session rows as before it. At the end everybody leaves; every member's session
 * rows are as many as their stored sessions (none opened twice, none lost), none is left open, and each
 * guild's leaderboard reads the stored totals through every process's admin API.
 *
 * <p>The waits are bounded hang guards and none asserts a duration; the only sleeps wait out a dead
 * process's leases before a start. A process that did not claim its shards at its start (the Redis
 * Cluster handshake timing out on a loaded machine) is started again before any tick.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ThreeProcessesReferenceIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SHARDS = 6;
    private static final int GUILDS_PER_SHARD = 2;
    private static final int MEMBERS_PER_GUILD = 25;
    private static final int CHANNELS_PER_GUILD = 3;
    private static final List<List<Integer>> SHARDS_OF = List.of(List.of(0, 1), List.of(2, 3), List.of(4, 5));
    private static final int KILLED = 1;

    private static final Duration STEP = Duration.ofSeconds(5);
    private static final long XP_PER_CHECK = 40;
    private static final int ACTIONS_PER_STEP = 60;
    private static final int STEPS_BEFORE_KILL = 6;
    private static final int STEPS_AFTER_RESTART = 4;

    /**
     * Short, so that the restart waits little for the dead process's leases; long enough that a renewal
     * (every third of it) starved on a loaded machine does not let a live process's lease lapse.
     */
    private static final Duration LEASE_TIME = Duration.ofSeconds(5);

    /** See {@link ThreeProcessesIT}: three JVMs starting at once on a loaded machine may take a minute. */
    private static final Duration START_WAIT = Duration.ofMinutes(2);

    /** Starts of one process before it must have claimed its shards at its start. */
    private static final int START_ATTEMPTS = 3;

    private static final GuildConfig CONFIG = GuildConfig.builder()
            .xpConfig(new XpConfig(XP_PER_CHECK, Map.of(), null, null, null))
            .build();

    /** One member of the script: which process's shards hold its guild. */
    private record Member(EmulatedMember emulated, long guild, long user, int process) {
        String key() {
            return guild + "/" + user;
        }
    }

    @TempDir
    Path tmp;

    private final Random random = new Random(23);
    private final List<Member> members = new ArrayList<>();
    private final Map<Long, List<EmulatedChannel>> channels = new HashMap<>();
    private final List<BotProcess> bots = new ArrayList<>(Collections.nCopies(3, null));
    private SharedClock clock;
    private ManualClock referenceClock;
    private VoiceTracker reference;

    @Test
    void threeJvmsOnOneClock_equalTheReference_andKill9CostsExactlyOneStep() throws Exception {
        long began = System.nanoTime();
        try (DiscordEmulator discord = DiscordEmulator.builder().shards(SHARDS).start();
                PostgresServer.Database db = PostgresServer.freshDatabase();
                RedisCluster cluster = RedisCluster.start()) {
            clock = SharedClock.create(tmp.resolve("clock"), Instant.now().truncatedTo(ChronoUnit.SECONDS));
            referenceClock = new ManualClock(clock.instant());
            reference = VoiceTracker.builder()
                    .storage(new InMemoryStorage())
                    .clock(referenceClock)
                    .manualTicks()
                    .defaultConfig(CONFIG)
                    .build();
            Map<Integer, List<EmulatedGuild>> guildsOfShard = guilds(discord);
            storeConfigs(db, guildsOfShard);
            reference.start();
            createMembers(guildsOfShard);
            try {
                for (int p = 0; p < 3; p++) {
                    bots.set(p, start(discord, db, cluster, p));
                }
                for (int p = 0; p < 3; p++) {
                    if (!claimedItsShardsAtStart(p, false)) {
                        bots.get(p).kill9();
                        startClaimingItsShards(discord, db, cluster, p, System.nanoTime());
                    }
                }
                for (int s = 0; s < STEPS_BEFORE_KILL; s++) {
                    step(ACTIONS_PER_STEP);
                }
                assertTotalsEqualReference(db, Set.of());

                // kill -9 right after a tick at T; one step (members act at T, time moves to T + step) without it.
                Set<Long> killedGuilds = guildIds(guildsOfShard, SHARDS_OF.get(KILLED));
                Map<String, String> openBefore = openSessions(db, killedGuilds);
                assertThat(openBefore).isNotEmpty();
                bots.get(KILLED).kill9();
                long killedAt = System.nanoTime();
                bots.set(KILLED, null);
                Map<Long, Long> channelBefore = voiceChannels();
                step(ACTIONS_PER_STEP);
                Map<Long, Long> channelAfter = voiceChannels();
                Set<String> lostOneStep = new TreeSet<>();
                Set<String> stayed = new TreeSet<>();
                for (Member m : members) {
                    if (m.process() == KILLED && channelAfter.containsKey(m.user())) {
                        lostOneStep.add(m.key());
                        if (channelAfter.get(m.user()).equals(channelBefore.get(m.user()))) {
                            stayed.add(m.key());
                        }
                    }
                }
                assertThat(stayed)
                        .as("members who stayed in their channel across the kill")
                        .isNotEmpty();

                startClaimingItsShards(discord, db, cluster, KILLED, killedAt);
                List<Member> actedAfter = step(ACTIONS_PER_STEP);
                assertSessionsResumed(db, killedGuilds, openBefore, stayed, actedAfter);
                for (int s = 1; s < STEPS_AFTER_RESTART; s++) {
                    step(ACTIONS_PER_STEP);
                }

                // Everybody leaves: every session closes, and the totals freeze.
                List<Member> inVoice = members.stream()
                        .filter(m -> m.emulated().voiceChannel().isPresent())
                        .toList();
                step(inVoice, true);
                Set<Long> all = guildIds(guildsOfShard, List.of(0, 1, 2, 3, 4, 5));
                assertThat(openSessions(db, all))
                        .as("open sessions after everybody left")
                        .isEmpty();
                assertTotalsEqualReference(db, lostOneStep);
                assertSessionRowsAreTheSessions(db);
                for (long guild : all) {
                    Map<String, Long> stored = voiceMs(db, guild);
                    for (int p = 0; p < 3; p++) {
                        BotProcess bot = bots.get(p);
                        BotProcess.await(
                                "guild " + guild + "'s leaderboard through process " + p + " to match the storage",
                                () -> leaderboard(bot, guild).equals(stored));
                    }
                }
                System.out.printf(
                        "ThreeProcessesReferenceIT: %d members in %d guilds, %d steps of %d s with %d actions and"
                                + " one where everybody left, %d members one step short across kill -9 (%d stayed in"
                                + " their channel), %d s of wall time%n",
                        members.size(),
                        all.size(),
                        STEPS_BEFORE_KILL + 1 + STEPS_AFTER_RESTART,
                        STEP.toSeconds(),
                        ACTIONS_PER_STEP,
                        lostOneStep.size(),
                        stayed.size(),
                        TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - began));
            } finally {
                bots.forEach(b -> {
                    if (b != null) {
                        b.close();
                    }
                });
                reference.close();
            }
        }
    }

    // ---- the script ----

    /** Guilds created until each shard has {@value #GUILDS_PER_SHARD} ({@code (id >> 22) % 6}). */
    private static Map<Integer, List<EmulatedGuild>> guilds(DiscordEmulator discord) throws InterruptedException {
        Map<Integer, List<EmulatedGuild>> of = new TreeMap<>();
        for (int s = 0; s < SHARDS; s++) {
            of.put(s, new ArrayList<>());
        }
        for (int i = 0; i < 2000 && of.values().stream().anyMatch(l -> l.size() < GUILDS_PER_SHARD); i++) {
            EmulatedGuild g = discord.createGuild("guild " + i);
            List<EmulatedGuild> ofShard = of.get(shardOf(g.id()));
            if (ofShard.size() < GUILDS_PER_SHARD) {
                ofShard.add(g); // a guild of a shard that has enough stays empty
            }
            Thread.sleep(1); // ids take the creation millisecond: the next guild may fall on another shard
        }
        assertThat(of.values()).allSatisfy(l -> assertThat(l).hasSizeGreaterThanOrEqualTo(GUILDS_PER_SHARD));
        return of;
    }

    private static int shardOf(long guildId) {
        return (int) ((guildId >> 22) % SHARDS);
    }

    private static int processOf(long guildId) {
        for (int p = 0; p < 3; p++) {
            if (SHARDS_OF.get(p).contains(shardOf(guildId))) {
                return p;
            }
        }
        throw new AssertionError("no process for guild " + guildId);
    }

    /** The guilds' config in the shared storage before any bot starts, as the reference's default. */
    private static void storeConfigs(PostgresServer.Database db, Map<Integer, List<EmulatedGuild>> guildsOfShard) {
        try (Storage storage = JdbcStorage.postgres(PostgresOptions.builder()
                .jdbcUrl(db.jdbcUrl())
                .user(db.user())
                .password(db.password())
                .build())) {
            storage.init();
            guildsOfShard.values().forEach(l -> l.forEach(g -> storage.saveGuildConfig(g.id(), CONFIG)));
        }
    }

    /** The members; two of three are in voice before the bots start (each bot reconciles them at its start). */
    private void createMembers(Map<Integer, List<EmulatedGuild>> guildsOfShard) {
        for (List<EmulatedGuild> ofShard : guildsOfShard.values()) {
            for (EmulatedGuild g : ofShard) {
                List<EmulatedChannel> cs = new ArrayList<>();
                for (int c = 0; c < CHANNELS_PER_GUILD; c++) {
                    cs.add(g.createVoiceChannel("Voice " + c));
                }
                channels.put(g.id(), cs);
                for (int i = 0; i < MEMBERS_PER_GUILD; i++) {
                    EmulatedMember em = g.addMember("m" + g.id() % 1000 + "-" + i, false);
                    Member m = new Member(em, g.id(), em.user().id(), processOf(g.id()));
                    members.add(m);
                    if (i % 3 != 0) {
                        EmulatedChannel c = cs.get(i % CHANNELS_PER_GUILD);
                        em.joinVoice(c);
                        reference.accept(joined(m, c));
                    }
                }
            }
        }
    }

    /**
     * {@code actions} members, each at most once, join, move or leave; then one tick everywhere. Returns
     * who acted.
     */
    private List<Member> step(int actions) throws Exception {
        List<Member> shuffled = new ArrayList<>(members);
        Collections.shuffle(shuffled, random);
        List<Member> actors = List.copyOf(shuffled.subList(0, actions));
        step(actors, false);
        return actors;
    }

    /**
     * One step of the script: {@code actors} act at the time standing still (all leave if {@code leave}),
     * every live process takes its events in, the time moves by {@link #STEP}, and every live process and
     * the reference tick once at the new time. Each live process's tick then counted exactly the members
     * in voice in its guilds (no guild of another's, none lost to a lapsed lease) and was written.
     */
    private void step(List<Member> actors, boolean leave) throws Exception {
        long[] before = new long[3];
        long[] sent = new long[3];
        for (int p = 0; p < 3; p++) {
            before[p] = bots.get(p) == null ? 0 : eventsHandled(bots.get(p));
        }
        for (Member m : actors) {
            act(m, leave);
            sent[m.process()]++;
        }
        for (int p = 0; p < 3; p++) {
            BotProcess bot = bots.get(p);
            if (bot == null) {
                continue;
            }
            long expected = before[p] + sent[p];
            BotProcess.await(
                    "process " + p + " to hand its " + sent[p] + " gateway events to its tracker",
                    () -> eventsHandled(bot) >= expected);
            assertThat(eventsHandled(bot))
                    .as("gateway events handed over by process %d", p)
                    .isEqualTo(expected);
        }
        clock.advance(STEP);
        referenceClock.advance(STEP);
        reference.tickNow();
        String at = clock.instant().toString();
        for (int p = 0; p < 3; p++) {
            BotProcess bot = bots.get(p);
            if (bot == null) {
                continue;
            }
            BotProcess.await(
                    "process " + p + " to tick at " + at,
                    () -> health(bot).path("lastTick").path("at").asText().equals(at));
            JsonNode tick = health(bot).path("lastTick");
            int process = p;
            long inVoice = members.stream()
                    .filter(m -> m.process() == process)
                    .filter(m -> m.emulated().voiceChannel().isPresent())
                    .count();
            assertThat(tick.path("trackedMembers").asLong())
                    .as("members in voice counted by process %d's tick at %s", p, at)
                    .isEqualTo(inVoice);
            assertThat(tick.path("bufferedDeltas").asLong())
                    .as("increments process %d could not write", p)
                    .isZero();
        }
    }

    private void act(Member m, boolean leave) {
        EmulatedMember em = m.emulated();
        Optional<EmulatedChannel> now = em.voiceChannel();
        List<EmulatedChannel> cs = channels.get(m.guild());
        if (leave || (now.isPresent() && random.nextInt(3) == 0)) {
            if (now.isPresent()) {
                em.leaveVoice();
                reference.accept(new GatewayEvent.VoiceLeft(m.guild(), m.user()));
            }
        } else if (now.isEmpty()) {
            EmulatedChannel c = cs.get(random.nextInt(cs.size()));
            em.joinVoice(c);
            reference.accept(joined(m, c));
        } else {
            List<EmulatedChannel> others =
                    cs.stream().filter(c -> c.id() != now.get().id()).toList();
            EmulatedChannel c = others.get(random.nextInt(others.size()));
            em.moveTo(c);
            reference.accept(new GatewayEvent.VoiceMoved(m.guild(), m.user(), c.id()));
        }
    }

    private static GatewayEvent joined(Member m, EmulatedChannel c) {
        return new GatewayEvent.VoiceJoined(m.guild(), m.user(), c.id(), MemberInfo.PLAIN, VoiceFlags.NONE);
    }

    /**
     * The members who stayed in their channel across the kill, and did not act in the step after the
     * restart either, have the open session rows they had before the kill (resumed, not opened again);
     * no member has two open sessions.
     */
    private static void assertSessionsResumed(
            PostgresServer.Database db,
            Set<Long> guilds,
            Map<String, String> openBefore,
            Set<String> stayed,
            List<Member> actedAfter)
            throws SQLException {
        Set<String> acted = actedAfter.stream().map(Member::key).collect(Collectors.toSet());
        Map<String, String> expected = new TreeMap<>();
        openBefore.forEach((id, member) -> {
            if (stayed.contains(member) && !acted.contains(member)) {
                expected.put(id, member);
            }
        });
        assertThat(expected).isNotEmpty();
        Map<String, String> open = openSessions(db, guilds);
        assertThat(open)
                .as("open sessions of the members who stayed in their channel across the kill and since")
                .containsAllEntriesOf(expected);
        assertThat(Set.copyOf(open.values()))
                .as("members with an open session, one each")
                .hasSameSizeAs(open.keySet());
    }

    /** User id to the voice channel they are in, for the members in voice. */
    private Map<Long, Long> voiceChannels() {
        Map<Long, Long> out = new HashMap<>();
        members.forEach(m -> m.emulated().voiceChannel().ifPresent(c -> out.put(m.user(), c.id())));
        return out;
    }

    // ---- the processes ----

    private BotProcess start(DiscordEmulator discord, PostgresServer.Database db, RedisCluster cluster, int p)
            throws Exception {
        Map<String, String> env = new HashMap<>(BotProcess.emulatorEnv(discord, "24h"));
        env.put("VOICETRACK_JDBC_URL", db.jdbcUrl());
        env.put("POSTGRES_USER", db.user());
        env.put("POSTGRES_PASSWORD", db.password());
        env.put(
                "REDIS_URL",
                "redis://"
                        + cluster.nodes().stream()
                                .map(n -> n.host() + ":" + n.port())
                                .collect(Collectors.joining(",")));
        env.put("SHARD_COUNT", Integer.toString(SHARDS));
        env.put("SHARD_IDS", SHARDS_OF.get(p).stream().map(String::valueOf).collect(Collectors.joining(",")));
        env.put("SHARD_LEASE_TIME", LEASE_TIME.toMillis() + "ms");
        env.put("SESSION_WRITE_INTERVAL", "0");
        env.put("STORAGE_TIMEOUT", "30s"); // a slow write on a loaded machine is waited for, not carried
        Path dir = Files.createDirectories(tmp.resolve("p" + p));
        return BotProcess.startSharedClock(dir, env, tmp.resolve("clock"));
    }

    /**
     * Starts process {@code p} (once the leases of the shards' last holder have lapsed) and, if it did not
     * claim its shards at its start (a shard still claimed, or the Redis Cluster handshake timing out on a
     * loaded machine), kills it and starts it again, {@value #START_ATTEMPTS} starts at most: only a process that claimed its shards before its
     * tracker reconciled followed its members from the time standing still; one that takes a shard over at
     * a later renewal reconciles at a moment the test does not control. A process killed before its first
     * tick has written nothing (the clock has not moved), but may hold the leases: the next start waits
     * them out.
     *
     * @param killedAt when the shards' last holder died ({@link System#nanoTime}), or 0
     */
    private void startClaimingItsShards(
            DiscordEmulator discord, PostgresServer.Database db, RedisCluster cluster, int p, long killedAt)
            throws Exception {
        long lastHolderDied = killedAt;
        for (int attempt = 1; ; attempt++) {
            if (lastHolderDied != 0) {
                waitOutLeases(lastHolderDied);
            }
            bots.set(p, start(discord, db, cluster, p));
            if (claimedItsShardsAtStart(p, attempt == START_ATTEMPTS)) {
                return;
            }
            bots.get(p).kill9();
            lastHolderDied = System.nanoTime();
        }
    }

    /**
     * Waits for process {@code p}'s ready line; whether its log shows its shards claimed at its start (no
     * shard claimed by another, Redis answering), and then it tracks exactly its shards. If {@code
     * mustHave}, fails instead of answering false.
     */
    private boolean claimedItsShardsAtStart(int p, boolean mustHave) throws Exception {
        BotProcess bot = bots.get(p);
        bot.awaitLine("voicetrack: ready", START_WAIT);
        String log = bot.stderr();
        boolean claimed = !log.contains("is claimed by another process") && !log.contains("cannot renew its lease");
        if (!claimed && !mustHave) {
            System.out.println(
                    "ThreeProcessesReferenceIT: process " + p + " did not claim its shards at its start; again");
            return false;
        }
        assertThat(claimed)
                .as("process %d claimed its shards at its start; its log:%n%s", p, log)
                .isTrue();
        assertThat(health(bot).path("gateway").path("shards").path("tracked").toString())
                .as("shards tracked by process %d", p)
                .isEqualTo(SHARDS_OF.get(p).toString().replace(" ", ""));
        return true;
    }

    /** Waits until leases renewed at most at {@code holderDied} ({@link System#nanoTime}) have lapsed. */
    private static void waitOutLeases(long holderDied) throws InterruptedException {
        long lapsed = holderDied + LEASE_TIME.plusMillis(500).toNanos();
        while (System.nanoTime() < lapsed) {
            Thread.sleep(Math.max(1, TimeUnit.NANOSECONDS.toMillis(lapsed - System.nanoTime())));
        }
    }

    private static long eventsHandled(BotProcess bot) throws Exception {
        for (String line : bot.get("/metrics").body().split("\n")) {
            if (line.startsWith("voicetrack_gateway_events_total")) {
                return (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError("no voicetrack_gateway_events_total in the bot's /metrics");
    }

    private static JsonNode health(BotProcess bot) throws Exception {
        return JSON.readTree(bot.get("/health").body());
    }

    /** A guild's voice-time leaderboard through one process's admin API: user id to voice time. */
    private static Map<String, Long> leaderboard(BotProcess bot, long guild) throws Exception {
        JsonNode page = JSON.readTree(bot.get("/api/guilds/" + guild + "/leaderboard?metric=voiceTime&limit=100")
                .body());
        Map<String, Long> out = new TreeMap<>();
        page.path("entries").forEach(e -> {
            if (e.path("voiceTimeMs").asLong() > 0) {
                out.put(e.path("userId").asText(), e.path("voiceTimeMs").asLong());
            }
        });
        return out;
    }

    // ---- the storage ----

    private static Set<Long> guildIds(Map<Integer, List<EmulatedGuild>> guildsOfShard, List<Integer> shards) {
        return shards.stream()
                .flatMap(s -> guildsOfShard.get(s).stream())
                .map(EmulatedGuild::id)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /**
     * Every member's stored voice time, XP, level and sessions equal the reference's, but for the members
     * in {@code lostOneStep}: they lack exactly one step of voice time and one check's XP, have the level
     * that XP gives, and the same sessions.
     */
    private void assertTotalsEqualReference(PostgresServer.Database db, Set<String> lostOneStep) throws SQLException {
        Map<String, long[]> stored = new TreeMap<>();
        try (Connection c = db.connect();
                Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery("SELECT guild_id, user_id, voice_ms, xp, level, sessions FROM vt_members")) {
            while (rs.next()) {
                stored.put(
                        rs.getLong(1) + "/" + rs.getLong(2),
                        new long[] {rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6)});
            }
        }
        List<String> wrong = new ArrayList<>();
        int leveled = 0;
        for (Member m : members) {
            MemberStats r = reference.getUser(m.guild(), m.user()).orElse(MemberStats.empty(m.guild(), m.user()));
            long[] want = {r.voiceTimeMs(), r.xp(), r.level(), r.sessions()};
            if (lostOneStep.contains(m.key())) {
                want[0] -= STEP.toMillis();
                want[1] -= XP_PER_CHECK;
                want[2] = LevelCalculator.level(want[1], reference.levelMultiplier(m.guild()));
            }
            long[] got = stored.getOrDefault(m.key(), new long[4]);
            if (!java.util.Arrays.equals(got, want)) {
                wrong.add(m.key() + " (process " + m.process() + "): stored " + java.util.Arrays.toString(got)
                        + ", expected " + java.util.Arrays.toString(want) + " [voice ms, xp, level, sessions]");
            }
            if (r.level() > 0) {
                leveled++;
            }
        }
        assertThat(wrong)
                .as("members whose stored totals differ from the reference's")
                .isEmpty();
        assertThat(leveled).as("members past level 0 in the reference").isPositive();
    }

    /** Every member's session rows are as many as their stored session count. */
    private void assertSessionRowsAreTheSessions(PostgresServer.Database db) throws SQLException {
        Map<String, Long> rows = new TreeMap<>();
        Map<String, Long> sessions = new TreeMap<>();
        try (Connection c = db.connect();
                Statement s = c.createStatement()) {
            try (ResultSet rs =
                    s.executeQuery("SELECT guild_id, user_id, count(*) FROM vt_sessions GROUP BY guild_id, user_id")) {
                while (rs.next()) {
                    rows.put(rs.getLong(1) + "/" + rs.getLong(2), rs.getLong(3));
                }
            }
            try (ResultSet rs =
                    s.executeQuery("SELECT guild_id, user_id, sessions FROM vt_members WHERE sessions > 0")) {
                while (rs.next()) {
                    sessions.put(rs.getLong(1) + "/" + rs.getLong(2), rs.getLong(3));
                }
            }
        }
        assertThat(rows)
                .as("session rows per member against stored session counts")
                .isEqualTo(sessions);
    }

    /** The open sessions of the guilds, session id to {@code guild/user}, from the database. */
    private static Map<String, String> openSessions(PostgresServer.Database db, Set<Long> guilds) throws SQLException {
        Map<String, String> open = new TreeMap<>();
        try (Connection c = db.connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT id, guild_id, user_id FROM vt_sessions WHERE end_ms IS NULL")) {
            while (rs.next()) {
                if (guilds.contains(rs.getLong(2))) {
                    open.put(rs.getString(1), rs.getLong(2) + "/" + rs.getLong(3));
                }
            }
        }
        return open;
    }

    /** The stored voice time of a guild's members, user id to milliseconds. */
    private static Map<String, Long> voiceMs(PostgresServer.Database db, long guild) throws SQLException {
        Map<String, Long> out = new TreeMap<>();
        try (Connection c = db.connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT guild_id, user_id, voice_ms FROM vt_members")) {
            while (rs.next()) {
                if (rs.getLong(1) == guild && rs.getLong(3) > 0) {
                    out.put(Long.toString(rs.getLong(2)), rs.getLong(3));
                }
            }
        }
        return out;
    }
}
