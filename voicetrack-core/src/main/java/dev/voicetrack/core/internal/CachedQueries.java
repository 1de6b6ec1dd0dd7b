package dev.voicetrack.core.internal;

import dev.voicetrack.cache.Cache;
import dev.voicetrack.cache.CacheKeys;
import dev.voicetrack.core.LeaderboardEntry;
import dev.voicetrack.core.LeaderboardPage;
import dev.voicetrack.core.MemberStats;
import dev.voicetrack.core.Metric;
import dev.voicetrack.core.UserActivity;
import dev.voicetrack.core.VoiceSession;
import dev.voicetrack.core.Window;
import dev.voicetrack.core.storage.ActivityRow;
import dev.voicetrack.core.storage.DayRange;
import dev.voicetrack.core.storage.Storage;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The tracker's read side: a member's totals, leaderboard pages, ranks and a member's activity over
 * the last days, each read from storage through the cache when there is one (never under the tracker
 * lock, so a query does not wait for a tick).
 *
 * <p>Cache keys name everything the answer depends on: a windowed query's key includes the window's
 * first day in the guild's zone, so that a page cached yesterday is not served for today's window,
 * and every key ends with its guild's generation, which ticks move once they have reloaded the hot
 * entries ({@link HotEntries}). Entries carry the tags of {@link CacheTags} and their generation's,
 * and expire after the cache TTL; sessions are never cached. Thread safe.
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
    private final @Nullable HotEntries hot;

    /** Guilds whose leaderboards hold more members than a {@link Ranking} is built for. */
    private final Set<Long> largeGuilds = ConcurrentHashMap.newKeySet();

    /** The most members of a leaderboard cached as one {@link Ranking}. */
    static final int RANKING_MAX_MEMBERS = 10_000;

    /** What a ranking entry holds for a guild too large for one (a cached marker, not a ranking). */
    private static final String TOO_LARGE = "too large";

    CachedQueries(
            Storage storage, @Nullable HotEntries hot, @Nullable Cache<Object> cache, Clock clock, Guilds guilds) {
        this.storage = storage;
        this.cache = cache;
        this.clock = clock;
        this.guilds = guilds;
        this.hot = hot;
    }

    /**
     * Reads one answer through the cache under the guild's current generation ({@link HotEntries}),
     * and marks it hot so that ticks reload it instead of dropping it.
     */
    private <T> T cached(Cache<Object> c, long guildId, String id, String[] tags, int hotTicks, Loader<T> load) {
        HotEntries h = Objects.requireNonNull(hot);
        h.read(guildId, id, () -> new HotEntries.Recipe(id, tags, load::get, hotTicks));
        long generation = h.generation(guildId);
        @SuppressWarnings("unchecked")
        T answer = (T) c.remember(HotEntries.key(id, generation), h.options(guildId, generation, tags), load::get);
        return answer;
    }

    Optional<MemberStats> member(long guildId, long userId) {
        Ids.checkMember(guildId, userId);
        Cache<Object> c = cache;
        if (c == null) {
            return storage.member(guildId, userId);
        }
        HotEntries h = Objects.requireNonNull(hot);
        String id = CacheKeys.key("user", guildId, userId);
        String[] tags = {CacheTags.guild(guildId), CacheTags.user(guildId, userId)};
        h.read(
                guildId,
                id,
                () -> new HotEntries.Recipe(
                        id, tags, () -> storage.member(guildId, userId).orElse(null), HotEntries.MEMBER_HOT_TICKS));
        long generation = h.generation(guildId);
        return c.rememberOptional(
                        HotEntries.key(id, generation),
                        h.options(guildId, generation, tags),
                        () -> storage.member(guildId, userId).map(Object.class::cast))
                .map(MemberStats.class::cast);
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
        Loader<LeaderboardPage> load = () -> new LeaderboardPage(
                guildId, metric, window, offset, limit, storage.leaderboard(guildId, metric, range, limit, offset));
        Cache<Object> c = cache;
        if (c == null) {
            return load.get();
        }
        Ranking ranking = ranking(c, guildId, window, range);
        if (ranking != null) {
            return new LeaderboardPage(guildId, metric, window, offset, limit, ranking.page(metric, limit, offset));
        }
        String id = CacheKeys.key("lb", guildId, metric.key(), windowKey(window, range), offset, limit);
        String[] tags = {CacheTags.guild(guildId), CacheTags.leaderboards(guildId)};
        return cached(c, guildId, id, tags, HotEntries.MEMBER_HOT_TICKS, load);
    }

    /**
     * The guild's whole ranking over the window, through the cache, or {@code null} for a guild with
     * more than {@value #RANKING_MAX_MEMBERS} members on a leaderboard, whose pages and ranks are
     * cached one by one instead.
     */
    private @Nullable Ranking ranking(Cache<Object> c, long guildId, Window window, @Nullable DayRange range) {
        if (largeGuilds.contains(guildId)) {
            return null;
        }
        String id = CacheKeys.key("ranking", guildId, windowKey(window, range));
        Object r = cached(
                c,
                guildId,
                id,
                new String[] {CacheTags.guild(guildId), CacheTags.leaderboards(guildId)},
                HotEntries.HOT_TICKS,
                () -> {
                    if (largeGuilds.contains(guildId)) {
                        return TOO_LARGE; // a reload after a tick: no need to read the guild again
                    }
                    List<LeaderboardEntry> all =
                            storage.leaderboard(guildId, Metric.XP, range, RANKING_MAX_MEMBERS + 1, 0);
                    if (all.size() > RANKING_MAX_MEMBERS) {
                        largeGuilds.add(guildId);
                        return TOO_LARGE;
                    }
                    return Ranking.of(all, range == null);
                });
        return r instanceof Ranking ranking ? ranking : null;
    }

    OptionalInt rank(long guildId, long userId, Metric metric, Window window) {
        Ids.checkMember(guildId, userId);
        Objects.requireNonNull(metric, "metric must not be null");
        Objects.requireNonNull(window, "window must not be null");
        checkLevelWindow(metric, window);
        DayRange range = range(guildId, window);
        Loader<CachedRank> load = () ->
                new CachedRank(storage.rank(guildId, userId, metric, range).orElse(0));
        Cache<Object> c = cache;
        CachedRank r;
        Ranking ranking = c == null ? null : ranking(c, guildId, window, range);
        if (ranking != null) {
            return ranking.rank(userId, metric);
        } else if (c == null) {
            r = load.get();
        } else {
            String id = CacheKeys.key("rank", guildId, metric.key(), windowKey(window, range), userId);
            String[] tags = {CacheTags.guild(guildId), CacheTags.leaderboards(guildId), CacheTags.user(guildId, userId)
            };
            r = cached(c, guildId, id, tags, HotEntries.MEMBER_HOT_TICKS, load);
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
        String id = CacheKeys.key("stats", guildId, userId, windowKey(w, range));
        String[] tags = {CacheTags.guild(guildId), CacheTags.user(guildId, userId)};
        return cached(c, guildId, id, tags, HotEntries.MEMBER_HOT_TICKS, load);
    }

    List<VoiceSession> sessions(long guildId, long userId, int limit) {
        Ids.checkMember(guildId, userId);
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1, was " + limit);
        }
        return storage.sessions(guildId, userId, limit);
    }

    private static void checkLevelWindow(Metric metric, Window window) {
        if (metric == Metric.LEVEL && window.kind() != Window.Kind.ALL_TIME) {
            throw new IllegalArgumentException("window must be all time for metric level, was " + window.key());
        }
    }

    /** The days a window covers, ending today in the guild's zone; null for all time. */
    private @Nullable DayRange range(long guildId, Window window) {
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
