package dev.voicetrack.core.storage;

import dev.voicetrack.core.ChannelFilter;
import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.LeaderboardEntry;
import dev.voicetrack.core.MemberFilter;
import dev.voicetrack.core.MemberStats;
import dev.voicetrack.core.Metric;
import dev.voicetrack.core.VoiceSession;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.jspecify.annotations.Nullable;

/**
 * A {@link Storage} in memory, for tests, demos and bots that do not need persistence. Thread safe:
 * one read-write lock, so batches are atomic and readers never see half a batch. Leaderboards sort
 * the guild's members on every call (O(n log n)); put a cache in front for large guilds.
 */
// "try": lock scopes are try-with-resources blocks whose resource is never referenced in the body
@SuppressWarnings("try")
public final class InMemoryStorage implements Storage {

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final Map<Long, GuildConfig> configs = new HashMap<>();
    private final Map<Long, Map<Long, Row>> members = new HashMap<>();
    private final Map<String, VoiceSession> sessions = new LinkedHashMap<>();
    private boolean initialized;
    private boolean closed;

    /** A new, empty storage; call {@link #init()} before use. */
    public InMemoryStorage() {}

    private static final class Row {
        long voiceMs;
        long xp;
        int level;
        long sessions;
        long messages;
        Instant lastSeen = Instant.EPOCH;
        int streak;
        LocalDate lastActiveDay = LocalDate.EPOCH;
        final Map<Long, long[]> channels = new HashMap<>(); // voiceMs, sessions
        final Map<String, String> metadata = new HashMap<>();
        final TreeMap<LocalDate, Map<Long, long[]>> daily = new TreeMap<>(); // voiceMs, xp, messages
    }

    @Override
    public void init() {
        lock.writeLock().lock();
        try {
            ensureOpen();
            initialized = true;
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public int schemaVersion() {
        return SCHEMA_VERSION;
    }

    private void ensureOpen() {
        if (closed) {
            throw new StorageException("storage is closed");
        }
    }

    private void ensureReady() {
        ensureOpen();
        if (!initialized) {
            throw new StorageException("storage is not initialized: call init() first");
        }
    }

    private Lockd read() {
        lock.readLock().lock();
        try {
            ensureReady();
        } catch (RuntimeException e) {
            lock.readLock().unlock();
            throw e;
        }
        return () -> lock.readLock().unlock();
    }

    private Lockd write() {
        lock.writeLock().lock();
        try {
            ensureReady();
        } catch (RuntimeException e) {
            lock.writeLock().unlock();
            throw e;
        }
        return () -> lock.writeLock().unlock();
    }

    @FunctionalInterface
    private interface Lockd extends AutoCloseable {
        @Override
        void close();
    }

    @Override
    public Optional<GuildConfig> guildConfig(long guildId) {
        try (var l = read()) {
            return Optional.ofNullable(configs.get(guildId));
        }
    }

    @Override
    public void saveGuildConfig(long guildId, GuildConfig config) {
        Objects.requireNonNull(config, "config must not be null");
        GuildConfig stored = config.toBuilder()
                .memberFilter(MemberFilter.ALL)
                .channelFilter(ChannelFilter.ALL)
                .build();
        try (var l = write()) {
            configs.put(guildId, stored);
        }
    }

    @Override
    public List<Long> guildIds() {
        try (var l = read()) {
            var ids = new TreeSet<Long>(configs.keySet());
            members.forEach((g, m) -> {
                if (!m.isEmpty()) {
                    ids.add(g);
                }
            });
            return List.copyOf(ids);
        }
    }

    @Override
    public List<MemberTotals> apply(Batch batch) {
        Objects.requireNonNull(batch, "batch must not be null");
        try (var l = write()) {
            // Pass 1: check that no total overflows, so that pass 2 cannot fail half-way.
            var sums = new LinkedHashMap<Key, long[]>();
            for (MemberDelta d : batch.deltas()) {
                long[] s = sums.computeIfAbsent(new Key(d.guildId(), d.userId()), k -> new long[4]);
                s[0] = add(s[0], d.voiceMs(), d);
                s[1] = add(s[1], d.xp(), d);
                s[2] = add(s[2], d.messages(), d);
                s[3] = add(s[3], d.sessions(), d);
            }
            for (var e : sums.entrySet()) {
                Row r = row(e.getKey().guildId, e.getKey().userId, false);
                long[] s = e.getValue();
                if (r != null) {
                    try {
                        Math.addExact(r.voiceMs, s[0]);
                        Math.addExact(r.xp, s[1]);
                        Math.addExact(r.messages, s[2]);
                        Math.addExact(r.sessions, s[3]);
                    } catch (ArithmeticException ex) {
                        throw new StorageException("batch rejected: a total of member " + e.getKey().userId
                                + " in guild " + e.getKey().guildId + " would overflow");
                    }
                }
            }
            // Pass 2: apply.
            for (MemberDelta d : batch.deltas()) {
                Row r = Objects.requireNonNull(row(d.guildId(), d.userId(), true));
                r.voiceMs += d.voiceMs();
                r.xp += d.xp();
                r.messages += d.messages();
                r.sessions += d.sessions();
                if (d.lastSeen().isAfter(r.lastSeen)) {
                    r.lastSeen = d.lastSeen();
                }
                if (d.channelId() != 0 && (d.voiceMs() > 0 || d.sessions() > 0)) {
                    long[] c = r.channels.computeIfAbsent(d.channelId(), k -> new long[2]);
                    c[0] += d.voiceMs();
                    c[1] += d.sessions();
                }
                if (d.voiceMs() > 0 || d.xp() > 0 || d.messages() > 0) {
                    long[] day = r.daily
                            .computeIfAbsent(d.day(), k -> new HashMap<>())
                            .computeIfAbsent(d.channelId(), k -> new long[3]);
                    day[0] += d.voiceMs();
                    day[1] += d.xp();
                    day[2] += d.messages();
                    touchStreak(r, d.day());
                }
            }
            for (VoiceSession s : batch.sessions()) {
                sessions.put(s.id(), s);
            }
            var out = new ArrayList<MemberTotals>(sums.size());
            for (Key k : sums.keySet()) {
                Row r = Objects.requireNonNull(row(k.guildId, k.userId, false));
                out.add(new MemberTotals(k.guildId, k.userId, r.xp, r.level, r.voiceMs));
            }
            return out;
        }
    }

    private static long add(long a, long b, MemberDelta d) {
        try {
            return Math.addExact(a, b);
        } catch (ArithmeticException e) {
            throw new StorageException("batch rejected: increments overflow for " + d);
        }
    }

    private static void touchStreak(Row r, LocalDate day) {
        if (day.equals(r.lastActiveDay)) {
            return;
        }
        if (day.isBefore(r.lastActiveDay)) {
            return; // late increment for an older day: the streak ending at lastActiveDay stands
        }
        r.streak = day.minusDays(1).equals(r.lastActiveDay) ? r.streak + 1 : 1;
        r.lastActiveDay = day;
    }

    private record Key(long guildId, long userId) {}

    private @Nullable Row row(long guildId, long userId, boolean create) {
        Map<Long, Row> guild = create ? members.computeIfAbsent(guildId, g -> new HashMap<>()) : members.get(guildId);
        if (guild == null) {
            return null;
        }
        return create ? guild.computeIfAbsent(userId, u -> new Row()) : guild.get(userId);
    }

    @Override
    public List<LevelChange> raiseLevels(Collection<LevelRaise> raises) {
        Objects.requireNonNull(raises, "raises must not be null");
        try (var l = write()) {
            var out = new ArrayList<LevelChange>();
            for (LevelRaise raise : raises) {
                Row r = row(raise.guildId(), raise.userId(), false);
                if (r != null && raise.level() > r.level) {
                    out.add(new LevelChange(raise.guildId(), raise.userId(), r.level, raise.level(), r.xp));
                    r.level = raise.level();
                }
            }
            return out;
        }
    }

    @Override
    public Optional<MemberStats> member(long guildId, long userId) {
        try (var l = read()) {
            Row r = row(guildId, userId, false);
            return r == null ? Optional.empty() : Optional.of(toStats(guildId, userId, r));
        }
    }

    private static MemberStats toStats(long guildId, long userId, Row r) {
        var channels = new HashMap<Long, MemberStats.ChannelStats>();
        r.channels.forEach((c, v) -> channels.put(c, new MemberStats.ChannelStats(c, v[0], v[1])));
        return new MemberStats(
                guildId,
                userId,
                r.voiceMs,
                r.xp,
                r.level,
                r.sessions,
                r.messages,
                r.lastSeen,
                r.streak,
                r.lastActiveDay,
                channels,
                r.metadata);
    }

    private List<LeaderboardEntry> ranked(long guildId, Metric metric, @Nullable DayRange range) {
        Objects.requireNonNull(metric, "metric must not be null");
        if (metric == Metric.LEVEL && range != null) {
            throw new IllegalArgumentException("metric level is only ranked over all time, was windowed " + range);
        }
        Map<Long, Row> guild = members.getOrDefault(guildId, Map.of());
        var rows = new ArrayList<LeaderboardEntry>(guild.size());
        for (var e : guild.entrySet()) {
            Row r = e.getValue();
            if (range == null) {
                rows.add(new LeaderboardEntry(0, e.getKey(), r.xp, r.voiceMs, r.messages, r.level));
            } else {
                long voice = 0, xp = 0, msgs = 0;
                for (var day :
                        r.daily.subMap(range.from(), true, range.to(), true).values()) {
                    for (long[] v : day.values()) {
                        voice += v[0];
                        xp += v[1];
                        msgs += v[2];
                    }
                }
                if (voice > 0 || xp > 0 || msgs > 0) {
                    rows.add(new LeaderboardEntry(0, e.getKey(), xp, voice, msgs, r.level));
                }
            }
        }
        rows.sort(Comparator.comparingLong((LeaderboardEntry en) -> en.value(metric))
                .reversed()
                .thenComparingLong(LeaderboardEntry::userId));
        return rows;
    }

    @Override
    public List<LeaderboardEntry> leaderboard(
            long guildId, Metric metric, @Nullable DayRange range, int limit, int offset) {
        if (limit < 1 || offset < 0) {
            throw new IllegalArgumentException(
                    "limit must be >= 1 and offset >= 0, was limit=" + limit + ", offset=" + offset);
        }
        try (var l = read()) {
            List<LeaderboardEntry> all = ranked(guildId, metric, range);
            var out = new ArrayList<LeaderboardEntry>();
            for (int i = offset; i < all.size() && i < (long) offset + limit; i++) {
                LeaderboardEntry e = all.get(i);
                out.add(new LeaderboardEntry(i + 1, e.userId(), e.xp(), e.voiceTimeMs(), e.messages(), e.level()));
            }
            return out;
        }
    }

    @Override
    public OptionalInt rank(long guildId, long userId, Metric metric, @Nullable DayRange range) {
        try (var l = read()) {
            List<LeaderboardEntry> all = ranked(guildId, metric, range);
            for (int i = 0; i < all.size(); i++) {
                if (all.get(i).userId() == userId) {
                    return OptionalInt.of(i + 1);
                }
            }
            return OptionalInt.empty();
        }
    }

    @Override
    public long memberCount(long guildId) {
        try (var l = read()) {
            return members.getOrDefault(guildId, Map.of()).size();
        }
    }

    @Override
    public List<ActivityRow> activity(long guildId, long userId, DayRange range) {
        Objects.requireNonNull(range, "range must not be null");
        try (var l = read()) {
            Row r = row(guildId, userId, false);
            if (r == null) {
                return List.of();
            }
            var out = new ArrayList<ActivityRow>();
            for (var day : r.daily.subMap(range.from(), true, range.to(), true).entrySet()) {
                new TreeMap<>(day.getValue())
                        .forEach((c, v) -> out.add(new ActivityRow(day.getKey(), c, v[0], v[1], v[2])));
            }
            return out;
        }
    }

    @Override
    public List<VoiceSession> openSessions() {
        try (var l = read()) {
            return sessions.values().stream().filter(VoiceSession::open).toList();
        }
    }

    @Override
    public List<VoiceSession> sessions(long guildId, long userId, int limit) {
        try (var l = read()) {
            return sessions.values().stream()
                    .filter(s -> s.guildId() == guildId && s.userId() == userId)
                    .sorted(Comparator.comparing(VoiceSession::start).reversed().thenComparing(VoiceSession::id))
                    .limit(limit)
                    .toList();
        }
    }

    @Override
    public MemberTotals setXp(long guildId, long userId, long xp, int level) {
        if (xp < 0 || level < 0) {
            throw new IllegalArgumentException("xp and level must be >= 0, was xp=" + xp + ", level=" + level);
        }
        try (var l = write()) {
            Row r = Objects.requireNonNull(row(guildId, userId, true));
            r.xp = xp;
            r.level = level;
            return new MemberTotals(guildId, userId, r.xp, r.level, r.voiceMs);
        }
    }

    @Override
    public MemberTotals setLevel(long guildId, long userId, int level) {
        if (level < 0) {
            throw new IllegalArgumentException("level must be >= 0, was " + level);
        }
        try (var l = write()) {
            Row r = Objects.requireNonNull(row(guildId, userId, true));
            r.level = level;
            return new MemberTotals(guildId, userId, r.xp, r.level, r.voiceMs);
        }
    }

    @Override
    public boolean resetMember(long guildId, long userId) {
        try (var l = write()) {
            Row r = row(guildId, userId, false);
            if (r == null) {
                return false;
            }
            Row fresh = new Row();
            fresh.metadata.putAll(r.metadata);
            members.get(guildId).put(userId, fresh);
            sessions.values().removeIf(s -> s.guildId() == guildId && s.userId() == userId);
            return true;
        }
    }

    @Override
    public boolean deleteMember(long guildId, long userId) {
        try (var l = write()) {
            Map<Long, Row> guild = members.get(guildId);
            boolean existed = guild != null && guild.remove(userId) != null;
            boolean hadSessions = sessions.values().removeIf(s -> s.guildId() == guildId && s.userId() == userId);
            return existed || hadSessions;
        }
    }

    @Override
    public void deleteGuild(long guildId) {
        try (var l = write()) {
            configs.remove(guildId);
            members.remove(guildId);
            sessions.values().removeIf(s -> s.guildId() == guildId);
        }
    }

    @Override
    public void updateMetadata(long guildId, long userId, Map<String, String> set, Collection<String> remove) {
        Objects.requireNonNull(set, "set must not be null");
        Objects.requireNonNull(remove, "remove must not be null");
        var keys = new LinkedHashSet<>(remove);
        try (var l = write()) {
            Row r = Objects.requireNonNull(row(guildId, userId, true));
            r.metadata.putAll(Map.copyOf(set));
            r.metadata.keySet().removeAll(keys);
        }
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            closed = true;
        } finally {
            lock.writeLock().unlock();
        }
    }
}
