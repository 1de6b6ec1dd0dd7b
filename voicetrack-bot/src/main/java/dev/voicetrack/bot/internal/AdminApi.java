package dev.voicetrack.bot.internal;

import dev.voicetrack.cache.Cache;
import dev.voicetrack.cache.CacheStats;
import dev.voicetrack.cache.WarmReport;
import dev.voicetrack.cache.redis.RedisCache;
import dev.voicetrack.cache.redis.RedisHealth;
import dev.voicetrack.core.LeaderboardPage;
import dev.voicetrack.core.MemberStats;
import dev.voicetrack.core.Metric;
import dev.voicetrack.core.VoiceTracker;
import dev.voicetrack.core.Window;
import dev.voicetrack.core.migrate.MemberExport;
import dev.voicetrack.core.migrate.MemberFormat;
import dev.voicetrack.core.storage.Storage;
import dev.voicetrack.core.storage.StorageException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.entities.Guild;
import net.dv8tion.jda.api.entities.Member;
import net.dv8tion.jda.api.entities.User;
import org.jspecify.annotations.Nullable;

/**
 * The admin HTTP API (Javalin), bound to 127.0.0.1 unless configured otherwise.
 *
 * <ul>
 *   <li>{@code /api/admin/**} (cache monitoring, and {@code GET /api/admin/export}: every member as
 *       CSV or JSON, the format of {@code voicetrack export}) needs {@code Authorization: Bearer <ADMIN_API_TOKEN>}; without a
 *       configured token every admin request is refused. Tokens are compared in constant time (SHA-256
 *       of both, then {@link MessageDigest#isEqual}), so neither content nor length leaks by timing.
 *   <li>{@code GET /health}, {@code GET /metrics}, and the read-only guild list, leaderboard and user
 *       JSON are open (the same data the bot shows in Discord). Ids are strings (snowflakes exceed
 *       what JavaScript numbers hold exactly); names and avatar URLs come from JDA's caches and are
 *       null when the bot does not know them.
 * </ul>
 *
 * {@code /health} never waits for a server: it reports what the runtime already knows (see {@link
 * BotRuntime}), 503 when the storage's last verdict was a failure or the gateway is not connected. The
 * leaderboard and user routes wait at most {@code STORAGE_TIMEOUT} for the storage and answer 503 with
 * the reason when it fails or does not answer.
 *
 * Clearing or invalidating the cache is always safe: the tracker writes increments to storage and the
 * cache holds derived copies only.
 */
public final class AdminApi {
    private final Javalin app;
    private final byte @Nullable [] tokenHash;
    private final BotRuntime bot;
    private final Dashboard dashboard;
    private String host = "127.0.0.1";

    private AdminApi(Javalin app, @Nullable String token, BotRuntime bot) {
        this.app = app;
        this.tokenHash = token == null ? null : sha256(token);
        this.bot = bot;
        this.dashboard = new Dashboard(bot, bot.liveUpdates());
    }

    static AdminApi start(InetSocketAddress bind, @Nullable String token, BotRuntime bot) {
        Javalin app = Javalin.create(c -> {
            c.showJavalinBanner = false;
            c.useVirtualThreads = false;
        });
        AdminApi api = new AdminApi(app, token, bot);
        api.routes();
        api.host = bind.getAddress().getHostAddress();
        app.start(api.host, bind.getPort());
        return api;
    }

    String host() {
        return host;
    }

    public int port() {
        return app.port();
    }

    void stop() {
        app.stop();
    }

    private void routes() {
        app.before("/api/admin/*", this::authorize);
        app.get("/api/admin/monitoring/cache/stats", this::cacheStats);
        app.delete("/api/admin/monitoring/cache/clear", this::cacheClear);
        app.delete("/api/admin/monitoring/cache/invalidate/{tag}", this::cacheInvalidate);
        app.post("/api/admin/monitoring/cache/warm", this::cacheWarm);
        app.get("/api/admin/export", this::export);
        app.get("/health", this::health);
        app.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                .result(bot.registry().scrape()));
        app.get("/api/guilds", this::guilds);
        app.get("/api/guilds/{guild}/leaderboard", this::leaderboard);
        app.get("/api/guilds/{guild}/users/{user}", this::user);
        dashboard.routes(app);
        byte[] hash = tokenHash;
        new Console(
                        bot,
                        dashboard,
                        new ConsoleSessions(java.time.Clock.systemUTC()),
                        hash == null ? null : given -> MessageDigest.isEqual(hash, sha256(given)))
                .routes(app);
        app.exception(Dashboard.UnknownGuild.class, (e, ctx) -> ctx.status(HttpStatus.NOT_FOUND)
                .json(Map.of("error", e.getMessage())));
        app.exception(StorageException.class, (e, ctx) -> ctx.status(HttpStatus.SERVICE_UNAVAILABLE)
                .json(Map.of("error", "storage unavailable: " + e.getMessage())));
        app.exception(IllegalArgumentException.class, (e, ctx) -> ctx.status(HttpStatus.BAD_REQUEST)
                .json(Map.of("error", String.valueOf(e.getMessage()))));
    }

    private void authorize(Context ctx) {
        String header = ctx.header("Authorization");
        String given = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
                ? header.substring(7).strip()
                : null;
        boolean ok = tokenHash != null && given != null && MessageDigest.isEqual(tokenHash, sha256(given));
        if (!ok) {
            ctx.header("WWW-Authenticate", "Bearer");
            ctx.status(HttpStatus.UNAUTHORIZED)
                    .json(Map.of(
                            "error",
                            tokenHash == null
                                    ? "ADMIN_API_TOKEN is not set on the bot: admin routes are disabled"
                                    : "missing or wrong bearer token"));
            ctx.skipRemainingHandlers();
        }
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void cacheStats(Context ctx) {
        Cache<Object> cache = bot.cache();
        CacheStats s = cache.stats();
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("name", s.name());
        stats.put("hits", s.hits());
        stats.put("misses", s.misses());
        stats.put("hitRate", Math.round(s.hitRatePercent() * 100) / 100.0);
        stats.put("sets", s.sets());
        stats.put("deletes", s.deletes());
        stats.put("expirations", s.expirations());
        stats.put("evictions", s.sizeEvictions());
        stats.put("size", s.size());
        stats.put("estimatedBytes", s.estimatedBytes());
        ctx.json(Map.of("stats", stats, "topKeys", cache.topKeys(10)));
    }

    private void cacheClear(Context ctx) {
        Cache<Object> cache = bot.cache();
        long before = cache.stats().size();
        cache.clear();
        ctx.json(Map.of("cleared", true, "entriesBefore", before));
    }

    private void cacheInvalidate(Context ctx) {
        String tag = ctx.pathParam("tag");
        long removed = bot.cache().invalidateByTag(tag);
        ctx.json(Map.of("tag", tag, "removed", removed));
    }

    private void cacheWarm(Context ctx) {
        WarmReport r = bot.warmer().warmNow();
        ctx.json(Map.of(
                "succeeded",
                r.succeeded(),
                "durationMs",
                r.duration().toMillis(),
                "failures",
                r.failures().stream()
                        .map(f -> f.scope() + ": " + f.failure().orElse(""))
                        .toList()));
    }

    /**
     * Every member as CSV or JSON ({@code ?format=csv|json}, and {@code &guild=ID} for one guild; every
     * stored guild in id order without it): the format of {@code voicetrack export}, streamed a page at
     * a time, so a million-member guild needs no more memory than a small one; {@code voicetrack import
     * --from csv:FILE} takes it back. 400 for a bad format or id, 404 for a guild not stored here.
     */
    private void export(Context ctx) throws IOException {
        MemberFormat format = MemberFormat.of(String.valueOf(ctx.queryParam("format")));
        String guildParam = ctx.queryParam("guild");
        Storage storage = bot.storage();
        if (storage == null) {
            throw new StorageException("the storage is not open yet");
        }
        List<Long> guilds;
        String name;
        if (guildParam == null || guildParam.isEmpty()) {
            guilds = List.copyOf(new TreeSet<>(storage.guildIds()));
            name = "voicetrack-members";
        } else {
            long guild = id(guildParam, "guild");
            if (!storage.guildIds().contains(guild)) {
                ctx.status(HttpStatus.NOT_FOUND)
                        .json(Map.of("error", "no guild " + Long.toUnsignedString(guild) + " is stored here"));
                return;
            }
            guilds = List.of(guild);
            name = "voicetrack-" + Long.toUnsignedString(guild);
        }
        String ext = format == MemberFormat.CSV ? "csv" : "json";
        ctx.header("Content-Disposition", "attachment; filename=\"" + name + "." + ext + "\"");
        ctx.contentType(format == MemberFormat.CSV ? "text/csv; charset=utf-8" : "application/json; charset=utf-8");
        try (Writer out = new BufferedWriter(
                new OutputStreamWriter(ctx.res().getOutputStream(), StandardCharsets.UTF_8), 1 << 16)) {
            MemberExport.write(storage, guilds, format, out);
        }
    }

    private void health(Context ctx) {
        Map<String, Object> out = new LinkedHashMap<>();
        Storage storage = bot.storage();
        StorageHealth.State sh = bot.storageHealth();
        boolean healthy = storage != null && sh.up();
        Map<String, Object> st = new LinkedHashMap<>();
        st.put("status", healthy ? "UP" : "DOWN");
        if (storage != null) {
            st.put("backend", Storages.backendName(storage));
        }
        if (sh.probeLatency() != null) {
            st.put("latencyMs", sh.probeLatency().toNanos() / 1_000_000.0);
        }
        st.put("checkedAt", sh.checkedAt().toString());
        st.put("since", sh.since().toString());
        sh.lastError().ifPresent(e -> st.put("error", e));
        if (storage == null) {
            st.put("error", "not open");
        }
        out.put("storage", st);
        Map<String, Object> cacheHealth = new LinkedHashMap<>();
        cacheHealth.put("status", "UP");
        if (bot.cache() instanceof RedisCache<?> redis) {
            RedisHealth rh = redis.health();
            // Redis down is not fatal: the in-process tier serves meanwhile and Redis reconnects by itself.
            cacheHealth.put("status", rh.healthy() ? "UP" : "DEGRADED");
            cacheHealth.put("redisConnected", rh.connected());
            rh.lastError().ifPresent(e -> cacheHealth.put("redisError", e));
        }
        cacheHealth.put("name", bot.cache().name());
        CacheStats cs = bot.cacheStatsSnapshot();
        if (cs != null) {
            cacheHealth.put("size", cs.size());
            cacheHealth.put("hitRate", cs.hitRate());
        }
        out.put("cache", cacheHealth);
        DiscordConnection discord = bot.discord();
        Map<String, Object> gw = new LinkedHashMap<>();
        JDA.Status status = discord == null ? JDA.Status.SHUTDOWN : discord.status();
        boolean connected = status == JDA.Status.CONNECTED;
        healthy &= connected;
        gw.put("status", connected ? "UP" : "DOWN");
        gw.put("state", status.name());
        if (discord != null) {
            gw.put("pingMs", discord.gatewayPingMs());
            gw.put("guilds", discord.guilds().size());
        }
        bot.shards().describe().ifPresent(shards -> gw.put("shards", shards));
        out.put("gateway", gw);
        var tick = bot.lastTick();
        if (tick != null) {
            out.put(
                    "lastTick",
                    Map.of(
                            "at",
                            tick.at().toString(),
                            "trackedMembers",
                            tick.trackedMembers(),
                            "written",
                            tick.written(),
                            "bufferedDeltas",
                            tick.bufferedDeltas()));
        }
        out.put("status", healthy ? "UP" : "DOWN");
        ctx.status(healthy ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).json(out);
    }

    /**
     * Every guild the storage holds or the bot is in, but those whose dashboard is private: id, name (null when
     * the bot is not in it), members with stored stats, and members in a voice channel now (null when the bot is
     * not in it).
     */
    private void guilds(Context ctx) {
        Storage storage = bot.storage();
        if (storage == null) {
            ctx.status(HttpStatus.SERVICE_UNAVAILABLE).json(Map.of("error", "storage is not open"));
            return;
        }
        DiscordConnection discord = bot.discord();
        var ids = new TreeSet<Long>(storage.guildIds());
        if (discord != null) {
            discord.guilds().forEach(g -> ids.add(g.getIdLong()));
        }
        var out = new ArrayList<Map<String, Object>>(ids.size());
        VoiceTracker tracker = bot.tracker();
        for (long id : ids) {
            if (!tracker.config(id).publicDashboard()) {
                continue; // a private guild is not listed: the public learns nothing of it
            }
            Guild g = discord == null ? null : discord.guild(id);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", Long.toString(id));
            row.put("name", g == null ? null : g.getName());
            row.put("trackedMembers", storage.memberCount(id));
            row.put("membersInVoice", membersInVoice(g));
            out.add(row);
        }
        ctx.json(Map.of("guilds", out));
    }

    /** How many members of a guild are in a voice channel now, from JDA's cache; null when the bot is not in it. */
    static @Nullable Long membersInVoice(@Nullable Guild g) {
        return g == null
                ? null
                : g.getVoiceStates().stream()
                        .filter(v -> v.getChannel() != null)
                        .count();
    }

    /** The member's display name and avatar URL from JDA's member (else user) cache; nulls if unknown. */
    static Map<String, Object> who(@Nullable DiscordConnection discord, long guild, long user) {
        Guild g = discord == null ? null : discord.guild(guild);
        Member m = g == null ? null : g.getMemberById(user);
        Map<String, Object> out = new LinkedHashMap<>();
        if (m != null) {
            out.put("name", m.getEffectiveName());
            out.put("avatarUrl", m.getEffectiveAvatarUrl());
            return out;
        }
        User u = discord == null ? null : discord.user(user);
        out.put("name", u == null ? null : u.getEffectiveName());
        out.put("avatarUrl", u == null ? null : u.getEffectiveAvatarUrl());
        return out;
    }

    private void leaderboard(Context ctx) {
        long guild = dashboard.knownGuild(ctx);
        Metric metric =
                Metric.parse(ctx.queryParamAsClass("metric", String.class).getOrDefault("xp"));
        Window window = window(ctx.queryParamAsClass("window", String.class).getOrDefault("all"));
        int limit = intParam(ctx, "limit", 10);
        int offset = intParam(ctx, "offset", 0);
        VoiceTracker t = bot.tracker();
        LeaderboardPage page = t.getLeaderboard(guild, metric, window, limit, offset);
        DiscordConnection discord = bot.discord();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("guildId", Long.toString(guild));
        out.put("metric", metric.key());
        out.put("window", ctx.queryParamAsClass("window", String.class).getOrDefault("all"));
        out.put("limit", limit);
        out.put("offset", offset);
        Storage storage = bot.storage();
        if (storage != null) {
            out.put("members", storage.memberCount(guild)); // for paging: every tracked member, all time
        }
        List<Map<String, Object>> entries = new ArrayList<>();
        page.entries().forEach(e -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("rank", e.rank());
            row.put("userId", Long.toString(e.userId()));
            row.putAll(who(discord, guild, e.userId()));
            row.put("xp", e.xp());
            row.put("voiceTimeMs", e.voiceTimeMs());
            row.put("messages", e.messages());
            row.put("level", e.level());
            entries.add(row);
        });
        out.put("entries", entries);
        ctx.json(out);
    }

    private void user(Context ctx) {
        long guild = dashboard.knownGuild(ctx);
        long user = id(ctx.pathParam("user"), "user");
        VoiceTracker t = bot.tracker();
        var found = t.getUser(guild, user);
        if (found.isEmpty()) {
            ctx.status(HttpStatus.NOT_FOUND).json(Map.of("error", "no activity stored for this user"));
            return;
        }
        MemberStats m = found.get();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("guildId", Long.toString(guild));
        out.put("userId", Long.toString(user));
        out.putAll(who(bot.discord(), guild, user));
        out.put("xp", m.xp());
        out.put("level", m.level());
        out.put("voiceTimeMs", m.voiceTimeMs());
        out.put("sessions", m.sessions());
        out.put("messages", m.messages());
        out.put("lastSeen", m.lastSeen().toString());
        out.put("streak", m.streak());
        t.getRank(guild, user, Metric.XP, Window.allTime()).ifPresent(r -> out.put("rank", r));
        ctx.json(out);
    }

    static long id(String s, String name) {
        try {
            return Long.parseUnsignedLong(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a Discord id, was '" + s + "'");
        }
    }

    private static int intParam(Context ctx, String name, int def) {
        String v = ctx.queryParam(name);
        if (v == null || v.isEmpty()) {
            return def;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            boolean digits = v.matches("-?[0-9]+");
            throw new IllegalArgumentException(
                    name + (digits ? " is out of range" : " must be a whole number") + ", was '" + v + "'");
        }
    }

    /** {@code all}, {@code week}, {@code month} or {@code <n>d} (the last n days). */
    static Window window(String w) {
        String v = w.toLowerCase(Locale.ROOT);
        return switch (v) {
            case "all", "alltime", "all-time" -> Window.allTime();
            case "week" -> Window.thisWeek();
            case "month" -> Window.thisMonth();
            default -> {
                if (v.endsWith("d")) {
                    try {
                        yield Window.lastDays(Integer.parseInt(v.substring(0, v.length() - 1)));
                    } catch (NumberFormatException e) {
                        // fall through to the error below
                    }
                }
                throw new IllegalArgumentException("window must be all, week, month or <n>d, was '" + w + "'");
            }
        };
    }
}
