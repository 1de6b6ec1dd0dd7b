package dev.voicetrack.core.internal;

import dev.voicetrack.cache.Cache;
import dev.voicetrack.cache.CacheKeys;
import dev.voicetrack.cache.WriteOptions;
import dev.voicetrack.core.LeaderboardPage;
import dev.voicetrack.core.MemberStats;
import dev.voicetrack.core.Metric;
import dev.voicetrack.core.UserActivity;
import dev.voicetrack.core.VoiceSession;
import dev.voicetrack.core.Window;
import dev.voicetrack.core.storage.ActivityRow;
import dev.voicetrack.core.storage.DayRange;
import dev.voicetrack.core.storage.HourlyActivity;
import dev.voicetrack.core.storage.Storage;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The tracker's read side: a member's totals, leaderboard pages, ranks and a member's activity over
 * the last days, each read from storage through the cache when there is one (never under the tracker
 * lock, so a query does not wait for a tick).
 *
 * <p>Cache keys name everything the answer depends on: a windowed query's key includes the window's
 * first day in the guild's zone, so that a page cached yesterday is not served for today's window.
 * Entries carry the tags of {@link CacheTags} and expire after the cache TTL; sessions are never
 * cached. Thread safe.
 */
final class CachedQueries {
    /** A cached rank; {@code rank} 0 means "not ranked". */
    private record CachedRank(int rank) {}

    @FunctionalInterface
    private interface Loader<T> {
        T get();
    }

    private final Storage storage;
    private final @Nullable Cache<Object> cache;
    private final Clock clock;
    private final Guilds guilds;
    private final Duration cacheTtl;
    private final HotEntries hot;
    private final GuildSnapshots snapshots;

    CachedQueries(
            Storage storage,
            @Nullable Cache<Object> cache,
            Clock clock,
            Guilds guilds,
            Duration cacheTtl,
            HotEntries hot,
            GuildSnapshots snapshots) {
        this.storage = storage;
        this.cache = cache;
        this.clock = clock;
        this.guilds = guilds;
        this.cacheTtl = cacheTtl;
        this.hot = hot;
        this.snapshots = snapshots;
    }

    Optional<MemberStats> member(long guildId, long userId) {
        Ids.checkMember(guildId, userId);
        Cache<Object> c = cache;
        if (c == null) {
            return storage.member(guildId, userId);
        }
        GuildSnapshots.Snapshot snapshot = snapshots.current(guildId);
        if (snapshot != null && snapshots.hit(snapshot)) {
            return snapshot.member(userId);
        }
        String key = CacheKeys.key("user", guildId, userId);
        WriteOptions tagged = options(CacheTags.guild(guildId), CacheTags.user(guildId, userId));
        Loader<Optional<Object>> load = () -> storage.member(guildId, userId).map(Object.class::cast);
        hot.read(guildId, key, () -> c.preloadOptional(key, tagged, load::get));
        return c.rememberOptional(key, tagged, load::get).map(MemberStats.class::cast);
    }

    LeaderboardPage leaderboard(long guildId, Metric metric, Window window, int limit, int offset) {
        Objects.requireNonNull(metric, "metric must not be null");
        Objects.requireNonNull(window, "window must not be null");
        Ids.checkGuild(guildId);
        if (limit < 1 || limit > 1000) {
            throw new IllegalArgumentException("limit must be in 1..1000, was " + limit);
        }
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be >= 0, was " + offset);
        }
        checkLevelWindow(metric, window);
        DayRange range = range(guildId, window);
        RankedBoard board = board(guildId, window, range);
        if (board != null) {
            return new LeaderboardPage(guildId, metric, window, offset, limit, board.page(metric, limit, offset));
        }
        Loader<LeaderboardPage> load = () -> new LeaderboardPage(
                guildId, metric, window, offset, limit, storage.leaderboard(guildId, metric, range, limit, offset));
        Cache<Object> c = cache;
        if (c == null) {
            return load.get();
        }
        String key = CacheKeys.key("lb", guildId, metric.key(), windowKey(window, range), offset, limit);
        WriteOptions tagged = options(CacheTags.guild(guildId), CacheTags.leaderboards(guildId));
        hot.read(guildId, key, () -> c.preload(key, tagged, load::get));
        return (LeaderboardPage) c.remember(key, tagged, load::get);
    }

    OptionalInt rank(long guildId, long userId, Metric metric, Window window) {
        Ids.checkMember(guildId, userId);
        Objects.requireNonNull(metric, "metric must not be null");
        Objects.requireNonNull(window, "window must not be null");
        checkLevelWindow(metric, window);
        DayRange range = range(guildId, window);
        RankedBoard board = board(guildId, window, range);
        if (board != null) {
            return board.rank(userId, metric);
        }
        Loader<CachedRank> load = () ->
                new CachedRank(storage.rank(guildId, userId, metric, range).orElse(0));
        Cache<Object> c = cache;
        CachedRank r;
        if (c == null) {
            r = load.get();
        } else {
            String key = CacheKeys.key("rank", guildId, metric.key(), windowKey(window, range), userId);
            WriteOptions tagged =
                    options(CacheTags.guild(guildId), CacheTags.leaderboards(guildId), CacheTags.user(guildId, userId));
            hot.read(guildId, key, () -> c.preload(key, tagged, load::get));
            r = (CachedRank) c.remember(key, tagged, load::get);
        }
        return r.rank == 0 ? OptionalInt.empty() : OptionalInt.of(r.rank);
    }

    UserActivity activity(long guildId, long userId, int days) {
        Ids.checkMember(guildId, userId);
        Window w = Window.lastDays(days);
        DayRange range = Objects.requireNonNull(range(guildId, w));
        Loader<UserActivity> load = () -> activity(guildId, userId, range);
        Cache<Object> c = cache;
        if (c == null) {
            return load.get();
        }
        String key = CacheKeys.key("stats", guildId, userId, windowKey(w, range));
        WriteOptions tagged = options(CacheTags.guild(guildId), CacheTags.user(guildId, userId));
        hot.read(guildId, key, () -> c.preload(key, tagged, load::get));
        return (UserActivity) c.remember(key, tagged, load::get);
    }

    /** Read through: hourly rows change with every tick, so a cached copy would be stale at once. */
    HourlyActivity hourly(long guildId, int days) {
        Ids.checkGuild(guildId);
        DayRange range = Objects.requireNonNull(range(guildId, Window.lastDays(days)));
        return storage.hourlyActivity(guildId, range);
    }

    List<VoiceSession> sessions(long guildId, long userId, int limit) {
        Ids.checkMember(guildId, userId);
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1, was " + limit);
        }
        return storage.sessions(guildId, userId, limit);
    }

    /** The guild's snapshot board for the window if the guild has a valid snapshot (counted as a hit), else null. */
    private @Nullable RankedBoard board(long guildId, Window window, @Nullable DayRange range) {
        GuildSnapshots.Snapshot snapshot = snapshots.current(guildId);
        if (snapshot == null) {
            return null;
        }
        if (range == null) {
            return snapshots.hit(snapshot) ? snapshot.allTime : null;
        }
        return snapshots.window(snapshot, window, range);
    }

    private static void checkLevelWindow(Metric metric, Window window) {
        if (metric == Metric.LEVEL && window.kind() != Window.Kind.ALL_TIME) {
            throw new IllegalArgumentException("window must be all time for metric level, was " + window.key());
        }
    }

    private WriteOptions options(String... tags) {
        return WriteOptions.ttl(cacheTtl).withTags(tags);
    }

    /** The days a window covers, ending today in the guild's zone; null for all time. */
    private @Nullable DayRange range(long guildId, Window window) {
        return range(clock, guilds, guildId, window);
    }

    /** The days a window covers, ending today in the guild's zone; null for all time. */
    static @Nullable DayRange range(Clock clock, Guilds guilds, long guildId, Window window) {
        LocalDate today =
                LocalDate.ofInstant(clock.instant(), guilds.config(guildId).timeZone());
        LocalDate first = window.firstDay(today);
        return first == null ? null : new DayRange(first, today);
    }

    private static String windowKey(Window window, @Nullable DayRange range) {
        return range == null ? window.key() : window.key() + "@" + range.from();
    }

    /** Sums a member's activity rows per day and per channel (channel 0, messages without one, only in the days). */
    private UserActivity activity(long guildId, long userId, DayRange range) {
        List<ActivityRow> rows = storage.activity(guildId, userId, range);
        var days = new TreeMap<LocalDate, long[]>();
        var channels = new TreeMap<Long, long[]>();
        long voice = 0, xp = 0, msgs = 0;
        for (ActivityRow r : rows) {
            long[] d = days.computeIfAbsent(r.day(), k -> new long[3]);
            d[0] += r.voiceMs();
            d[1] += r.xp();
            d[2] += r.messages();
            if (r.channelId() != 0) {
                long[] ch = channels.computeIfAbsent(r.channelId(), k -> new long[3]);
                ch[0] += r.voiceMs();
                ch[1] += r.xp();
                ch[2] += r.messages();
            }
            voice += r.voiceMs();
            xp += r.xp();
            msgs += r.messages();
        }
        var dayList = new ArrayList<UserActivity.Day>(days.size());
        days.forEach((d, v) -> dayList.add(new UserActivity.Day(d, v[0], v[1], v[2])));
        var chMap = new HashMap<Long, UserActivity.Totals>();
        channels.forEach((id, v) -> chMap.put(id, new UserActivity.Totals(id, v[0], v[1], v[2])));
        return new UserActivity(guildId, userId, range.from(), range.to(), voice, xp, msgs, dayList, chMap);
    }
}
