package dev.voicetrack.bot.internal;

import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.LeaderboardEntry;
import dev.voicetrack.core.MemberStats;
import dev.voicetrack.core.Metric;
import dev.voicetrack.core.VoiceSession;
import dev.voicetrack.core.storage.ActivityRow;
import dev.voicetrack.core.storage.Batch;
import dev.voicetrack.core.storage.DayRange;
import dev.voicetrack.core.storage.GuildSnapshot;
import dev.voicetrack.core.storage.LevelChange;
import dev.voicetrack.core.storage.LevelRaise;
import dev.voicetrack.core.storage.MemberTotals;
import dev.voicetrack.core.storage.Storage;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Times every call to a storage as {@code voicetrack_storage_seconds{op=...,outcome=...}}, with
 * histogram buckets ({@code _bucket}, 100 µs to 30 s) so that Prometheus can compute percentiles. A plain
 * delegate otherwise: it adds no behaviour, so the storage contract holds unchanged.
 */
final class TimedStorage implements Storage {
    /** The histogram buckets' range: in-memory reads take microseconds, a slow write seconds. */
    static final Duration MIN_EXPECTED = Duration.ofNanos(100_000);

    static final Duration MAX_EXPECTED = Duration.ofSeconds(30);

    private final Storage delegate;
    private final MeterRegistry registry;
    private final String backend;
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    TimedStorage(Storage delegate, MeterRegistry registry, String backend) {
        this.delegate = delegate;
        this.registry = registry;
        this.backend = backend;
    }

    private <T> T timed(String op, Supplier<T> call) {
        long start = System.nanoTime();
        String outcome = "error";
        try {
            T result = call.get();
            outcome = "ok";
            return result;
        } finally {
            String key = op + '|' + outcome;
            timers.computeIfAbsent(key, k -> Timer.builder("voicetrack.storage")
                            .description("Storage call latency")
                            .tag("op", op)
                            .tag("outcome", k.substring(k.indexOf('|') + 1))
                            .tag("backend", backend)
                            .publishPercentileHistogram()
                            .minimumExpectedValue(MIN_EXPECTED)
                            .maximumExpectedValue(MAX_EXPECTED)
                            .register(registry))
                    .record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }

    private void timedVoid(String op, Runnable call) {
        timed(op, () -> {
            call.run();
            return null;
        });
    }

    @Override
    public void init() {
        timedVoid("init", delegate::init);
    }

    @Override
    public int schemaVersion() {
        return delegate.schemaVersion();
    }

    @Override
    public Optional<GuildConfig> guildConfig(long guildId) {
        return timed("guildConfig", () -> delegate.guildConfig(guildId));
    }

    @Override
    public void saveGuildConfig(long guildId, GuildConfig config) {
        timedVoid("saveGuildConfig", () -> delegate.saveGuildConfig(guildId, config));
    }

    @Override
    public List<Long> guildIds() {
        return timed("guildIds", delegate::guildIds);
    }

    @Override
    public List<MemberTotals> apply(Batch batch) {
        return timed("apply", () -> delegate.apply(batch));
    }

    @Override
    public List<LevelChange> raiseLevels(Collection<LevelRaise> raises) {
        return timed("raiseLevels", () -> delegate.raiseLevels(raises));
    }

    @Override
    public Optional<MemberStats> member(long guildId, long userId) {
        return timed("member", () -> delegate.member(guildId, userId));
    }

    @Override
    public List<LeaderboardEntry> leaderboard(
            long guildId, Metric metric, @Nullable DayRange range, int limit, int offset) {
        return timed("leaderboard", () -> delegate.leaderboard(guildId, metric, range, limit, offset));
    }

    @Override
    public OptionalInt rank(long guildId, long userId, Metric metric, @Nullable DayRange range) {
        return timed("rank", () -> delegate.rank(guildId, userId, metric, range));
    }

    @Override
    public long memberCount(long guildId) {
        return timed("memberCount", () -> delegate.memberCount(guildId));
    }

    @Override
    public List<ActivityRow> activity(long guildId, long userId, DayRange range) {
        return timed("activity", () -> delegate.activity(guildId, userId, range));
    }

    @Override
    public List<VoiceSession> openSessions() {
        return timed("openSessions", delegate::openSessions);
    }

    @Override
    public List<VoiceSession> sessions(long guildId, long userId, int limit) {
        return timed("sessions", () -> delegate.sessions(guildId, userId, limit));
    }

    @Override
    public MemberTotals setXp(long guildId, long userId, long xp, int level) {
        return timed("setXp", () -> delegate.setXp(guildId, userId, xp, level));
    }

    @Override
    public MemberTotals setLevel(long guildId, long userId, int level) {
        return timed("setLevel", () -> delegate.setLevel(guildId, userId, level));
    }

    @Override
    public boolean resetMember(long guildId, long userId) {
        return timed("resetMember", () -> delegate.resetMember(guildId, userId));
    }

    @Override
    public boolean deleteMember(long guildId, long userId) {
        return timed("deleteMember", () -> delegate.deleteMember(guildId, userId));
    }

    @Override
    public void deleteGuild(long guildId) {
        timedVoid("deleteGuild", () -> delegate.deleteGuild(guildId));
    }

    @Override
    public void updateMetadata(long guildId, long userId, Map<String, String> set, Collection<String> remove) {
        timedVoid("updateMetadata", () -> delegate.updateMetadata(guildId, userId, set, remove));
    }

    @Override
    public GuildSnapshot exportGuild(long guildId) {
        return timed("exportGuild", () -> delegate.exportGuild(guildId));
    }

    @Override
    public void importGuild(GuildSnapshot snapshot) {
        timedVoid("importGuild", () -> delegate.importGuild(snapshot));
    }

    @Override
    public void close() {
        delegate.close();
    }
}
