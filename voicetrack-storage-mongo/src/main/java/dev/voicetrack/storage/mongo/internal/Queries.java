package dev.voicetrack.storage.mongo.internal;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.gt;
import static com.mongodb.client.model.Filters.gte;
import static com.mongodb.client.model.Filters.in;
import static com.mongodb.client.model.Filters.lt;
import static com.mongodb.client.model.Filters.lte;
import static com.mongodb.client.model.Filters.or;
import static dev.voicetrack.storage.mongo.internal.Documents.memberId;
import static dev.voicetrack.storage.mongo.internal.Documents.num;

import com.mongodb.client.model.Accumulators;
import com.mongodb.client.model.Aggregates;
import com.mongodb.client.model.Sorts;
import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.LeaderboardEntry;
import dev.voicetrack.core.MemberStats;
import dev.voicetrack.core.Metric;
import dev.voicetrack.core.VoiceSession;
import dev.voicetrack.core.storage.ActivityRow;
import dev.voicetrack.core.storage.DayRange;
import dev.voicetrack.core.storage.GuildSnapshot;
import dev.voicetrack.core.storage.StorageException;
import dev.voicetrack.core.storage.StorageMaintenance.MaintenanceStats;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeSet;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.jspecify.annotations.Nullable;

/**
 * Every read of the storage, each one query or aggregation on an index that {@link Schema} creates.
 *
 * <h2>Ranked reads</h2>
 *
 * Over all time, a leaderboard is a sorted range of {@code members} on the index (guild, metric
 * descending, user), and a rank is two counts on it: members ahead, and tied members with a smaller
 * user id. Over a window of days, the {@code activity} rows of the guild in the window are summed
 * per user by an aggregation ({@link #windowPipeline}), and users whose sums are all zero are left
 * out; ties again go to the smaller user id. Levels are only ranked over all time.
 *
 * <p>Methods throw the driver's {@code MongoException}; the caller turns it into a {@code
 * StorageException}. Arguments are checked by the kernel ({@code AbstractStorage}) before any call.
 */
public final class Queries {
    private final MongoCollections db;

    public Queries(MongoCollections db) {
        this.db = db;
    }

    // ---------------------------------------------------------------- members and guilds

    public Optional<MemberStats> member(long guildId, long userId) {
        return Optional.ofNullable(
                        db.members().find(eq("_id", memberId(guildId, userId))).first())
                .map(Documents::toStats);
    }

    /** Every member document of the guild (one query on the guild index), as stats. */
    public List<MemberStats> members(long guildId) {
        var out = new ArrayList<MemberStats>();
        for (Document d : db.members().find(eq("g", guildId))) {
            out.add(Documents.toStats(d));
        }
        return out;
    }

    public long memberCount(long guildId) {
        return db.members().countDocuments(eq("g", guildId));
    }

    /** @throws StorageException if the stored config holds an invalid option (named with its value) */
    public Optional<GuildConfig> guildConfig(long guildId) {
        try {
            return Documents.configOf(db.guilds().find(eq("_id", guildId)).first());
        } catch (IllegalArgumentException e) {
            throw new StorageException(
                    "the stored config of guild " + guildId + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** Guilds with a config or a member, ascending. */
    public List<Long> guildIds() {
        var ids = new TreeSet<Long>();
        db.guilds().distinct("_id", Long.class).forEach(ids::add);
        db.members().distinct("g", Long.class).forEach(ids::add);
        return List.copyOf(ids);
    }

    // ---------------------------------------------------------------- leaderboard and rank

    public List<LeaderboardEntry> leaderboard(
            long guildId, Metric metric, @Nullable DayRange range, int limit, int offset) {
        return range == null
                ? allTimeLeaderboard(guildId, metric, limit, offset)
                : windowLeaderboard(guildId, metric, range, limit, offset);
    }

    private List<LeaderboardEntry> allTimeLeaderboard(long guildId, Metric metric, int limit, int offset) {
        var out = new ArrayList<LeaderboardEntry>();
        int rank = offset;
        for (Document d : db.members()
                .find(eq("g", guildId))
                .sort(Sorts.orderBy(Sorts.descending(field(metric)), Sorts.ascending("u")))
                .skip(offset)
                .limit(limit)) {
            out.add(new LeaderboardEntry(
                    ++rank, d.getLong("u"), num(d, "xp"), num(d, "voiceMs"), num(d, "messages"), (int)
                            num(d, "level")));
        }
        return out;
    }

    /** The window's page of summed rows, then the levels of those members (one {@code $in}). */
    private List<LeaderboardEntry> windowLeaderboard(
            long guildId, Metric metric, DayRange range, int limit, int offset) {
        var pipeline = new ArrayList<>(windowPipeline(guildId, range));
        pipeline.add(Aggregates.sort(Sorts.orderBy(Sorts.descending(windowField(metric)), Sorts.ascending("_id"))));
        pipeline.add(Aggregates.skip(offset));
        pipeline.add(Aggregates.limit(limit));
        var rows = new ArrayList<Document>();
        db.activity().aggregate(pipeline).forEach(rows::add);
        var levels = new HashMap<Long, Integer>();
        var ids = rows.stream().map(r -> memberId(guildId, r.getLong("_id"))).toList();
        if (!ids.isEmpty()) {
            db.members().find(in("_id", ids)).forEach(d -> levels.put(d.getLong("u"), (int) num(d, "level")));
        }
        var out = new ArrayList<LeaderboardEntry>();
        int rank = offset;
        for (Document r : rows) {
            long u = r.getLong("_id");
            out.add(new LeaderboardEntry(++rank, u, num(r, "x"), num(r, "v"), num(r, "m"), levels.getOrDefault(u, 0)));
        }
        return out;
    }

    /** Empty if the member is not stored (all time) or has nothing in the window. */
    public OptionalInt rank(long guildId, long userId, Metric metric, @Nullable DayRange range) {
        return range == null ? allTimeRank(guildId, userId, metric) : windowRank(guildId, userId, metric, range);
    }

    /** Two counts on the metric index (members ahead, and tied members with a smaller id). */
    private OptionalInt allTimeRank(long guildId, long userId, Metric metric) {
        Document d = db.members().find(eq("_id", memberId(guildId, userId))).first();
        if (d == null) {
            return OptionalInt.empty();
        }
        String f = field(metric);
        long v = num(d, f);
        long ahead = db.members().countDocuments(and(eq("g", guildId), gt(f, v)));
        long tiedBefore = db.members().countDocuments(and(eq("g", guildId), eq(f, v), lt("u", userId)));
        return OptionalInt.of(Math.toIntExact(ahead + tiedBefore + 1));
    }

    /** The member's own window sums, then a count of the users ahead of them. */
    private OptionalInt windowRank(long guildId, long userId, Metric metric, DayRange range) {
        String f = windowField(metric);
        var mine = new ArrayList<Bson>(windowPipeline(guildId, range));
        mine.set(
                0,
                Aggregates.match(and(
                        eq("g", guildId),
                        eq("u", userId),
                        gte("d", range.from().toString()),
                        lte("d", range.to().toString()))));
        Document own = db.activity().aggregate(mine).first();
        if (own == null) {
            return OptionalInt.empty();
        }
        long v = num(own, f);
        var pipeline = new ArrayList<>(windowPipeline(guildId, range));
        pipeline.add(Aggregates.match(or(gt(f, v), and(eq(f, v), lt("_id", userId)))));
        pipeline.add(Aggregates.count("n"));
        Document n = db.activity().aggregate(pipeline).first();
        return OptionalInt.of(Math.toIntExact((n == null ? 0 : num(n, "n")) + 1));
    }

    /**
     * The guild's activity in the window summed per user ({@code _id} the user, {@code v}, {@code x},
     * {@code m}), without users whose sums are all zero. The first stage is the match.
     */
    private static List<Bson> windowPipeline(long guildId, DayRange range) {
        return List.of(
                Aggregates.match(and(
                        eq("g", guildId),
                        gte("d", range.from().toString()),
                        lte("d", range.to().toString()))),
                Aggregates.group(
                        "$u", Accumulators.sum("v", "$v"), Accumulators.sum("x", "$x"), Accumulators.sum("m", "$m")),
                Aggregates.match(or(gt("v", 0), gt("x", 0), gt("m", 0))));
    }

    /** The member document's field of a metric. */
    private static String field(Metric metric) {
        return switch (metric) {
            case XP -> "xp";
            case VOICE_TIME -> "voiceMs";
            case MESSAGES -> "messages";
            case LEVEL -> "level";
        };
    }

    /** The activity document's field of a metric. */
    private static String windowField(Metric metric) {
        return switch (metric) {
            case XP -> "x";
            case VOICE_TIME -> "v";
            case MESSAGES -> "m";
            case LEVEL -> throw new IllegalArgumentException("metric level is only ranked over all time");
        };
    }

    // ---------------------------------------------------------------- activity and sessions

    /** The member's activity rows in the window, by day then channel. */
    public List<ActivityRow> activity(long guildId, long userId, DayRange range) {
        var out = new ArrayList<ActivityRow>();
        db.activity()
                .find(and(
                        eq("g", guildId),
                        eq("u", userId),
                        gte("d", range.from().toString()),
                        lte("d", range.to().toString())))
                .sort(Sorts.ascending("d", "c"))
                .forEach(a -> out.add(Documents.toActivity(a)));
        return out;
    }

    /** A guild's hourly rows of slots {@code from} to {@code end} (excluded): {slot, channel, voiceMs, messages}. */
    public List<long[]> hourly(long guildId, long from, long end) {
        var out = new ArrayList<long[]>();
        db.hourly()
                .find(and(eq("g", guildId), gte("h", from), lt("h", end)))
                .sort(Sorts.ascending("h", "c"))
                .forEach(d -> out.add(new long[] {
                    Documents.num(d, "h"), Documents.num(d, "c"), Documents.num(d, "v"), Documents.num(d, "m")
                }));
        return out;
    }

    /** Every open session, by guild then id. */
    public List<VoiceSession> openSessions() {
        var out = new ArrayList<VoiceSession>();
        db.sessions()
                .find(eq("open", true))
                .sort(Sorts.ascending("g", "_id"))
                .forEach(d -> out.add(Documents.toSession(d)));
        return out;
    }

    /** The member's latest sessions, newest first. */
    public List<VoiceSession> sessions(long guildId, long userId, int limit) {
        var out = new ArrayList<VoiceSession>();
        db.sessions()
                .find(and(eq("g", guildId), eq("u", userId)))
                .sort(Sorts.orderBy(Sorts.descending("start"), Sorts.ascending("_id")))
                .limit(limit)
                .forEach(d -> out.add(Documents.toSession(d)));
        return out;
    }

    // ---------------------------------------------------------------- whole guilds and statistics

    /** Three range queries (members, activity, sessions of the guild) instead of calls per member. */
    public GuildSnapshot exportGuild(long guildId) {
        GuildConfig config = guildConfig(guildId).orElse(null);
        var acts = new HashMap<Long, List<ActivityRow>>();
        for (Document a : db.activity().find(eq("g", guildId))) {
            acts.computeIfAbsent(a.getLong("u"), u -> new ArrayList<>()).add(Documents.toActivity(a));
        }
        var list = new ArrayList<GuildSnapshot.Member>();
        for (Document m : db.members().find(eq("g", guildId))) {
            list.add(new GuildSnapshot.Member(Documents.toStats(m), acts.getOrDefault(m.getLong("u"), List.of())));
        }
        var ss = new ArrayList<VoiceSession>();
        db.sessions().find(eq("g", guildId)).forEach(d -> ss.add(Documents.toSession(d)));
        return new GuildSnapshot(guildId, config, list, ss);
    }

    /**
     * Counts of guilds, members and sessions and the database's {@code dbStats} size (data plus
     * indexes; -1 if the server does not report it).
     */
    public MaintenanceStats maintenanceStats() {
        int guilds = guildIds().size();
        long size = -1;
        try {
            Document st = db.database().runCommand(new Document("dbStats", 1));
            Object data = st.get("dataSize");
            Object index = st.get("indexSize");
            if (data instanceof Number d) {
                size = d.longValue() + (index instanceof Number i ? i.longValue() : 0);
            }
        } catch (RuntimeException e) {
            size = -1; // not every server (or user) may run dbStats
        }
        return new MaintenanceStats(
                "MongoDB", guilds, db.members().countDocuments(), db.sessions().countDocuments(), size, db.name());
    }
}
