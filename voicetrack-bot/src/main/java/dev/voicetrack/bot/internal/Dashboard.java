package dev.voicetrack.bot.internal;

import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.LeaderboardPage;
import dev.voicetrack.core.LevelCalculator;
import dev.voicetrack.core.MemberStats;
import dev.voicetrack.core.Metric;
import dev.voicetrack.core.UserActivity;
import dev.voicetrack.core.VoiceSession;
import dev.voicetrack.core.VoiceTracker;
import dev.voicetrack.core.Window;
import dev.voicetrack.core.storage.Storage;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import net.dv8tion.jda.api.entities.Guild;
import net.dv8tion.jda.api.entities.Member;
import net.dv8tion.jda.api.entities.channel.middleman.GuildChannel;
import org.jspecify.annotations.Nullable;

/**
 * The web dashboard the bot serves on the admin API's server: public pages for a guild's leaderboard
 * and a member's profile, the JSON they read, and the live tick stream ({@link LiveUpdates}).
 *
 * <ul>
 *   <li>{@code GET /dashboard}, {@code /dashboard/guilds/{guild}}, {@code
 *       /dashboard/guilds/{guild}/overview}, {@code /dashboard/guilds/{guild}/members/{user}}: one page (HTML, script and style, about 30 KB in
 *       all, served from the jar: no CDN, no external request) that draws what the routes below
 *       answer.
 *   <li>{@code GET /api/guilds/{guild}/users/{user}/profile?days=30|90}: level and progress, rank per
 *       metric, voice time, XP and messages per day (every day of the range, zeros included), time
 *       per channel and the latest sessions. Never the member's metadata, which is admin data.
 *   <li>{@code GET /api/guilds/{guild}/overview?days=7|30|90}: members tracked, in voice now, and from
 *       the guild's hourly activity ({@link VoiceTracker#getHourlyActivity}) over the days: a heatmap
 *       of voice time and messages by day of week and hour of day in the guild's time zone, the
 *       busiest channels (publicly visible ones by name, the others summed into one row without a
 *       name) and the trend per day (every day of the range, zeros included). See {@link
 *       GuildOverview}.
 *   <li>{@code GET /api/guilds/{guild}/members?q=name}: members whose name contains {@code q}, with
 *       their rank, from the bot's member cache.
 *   <li>{@code GET /api/events}: server-sent events, one {@code tick} per tick written.
 * </ul>
 *
 * A guild the bot neither stores nor is in is a 404 on every guild route, and so is a guild whose dashboard is
 * private ({@link GuildConfig#publicDashboard()}); a bad id, metric, window or number a 400 naming it (through the
 * admin API's handlers).
 */
final class Dashboard {
    /** The files the page is made of, by the name under {@code /dashboard/assets/}, with their types. */
    private static final Map<String, String> ASSETS = Map.of(
            "app.js", "text/javascript; charset=utf-8",
            "app.css", "text/css; charset=utf-8",
            "favicon.svg", "image/svg+xml");

    /**
     * Rows a leaderboard page of the dashboard shows. The page's script reads it from the page (the
     * {@code voicetrack-leaderboard-rows} meta element, filled in from here), so the first page it asks
     * for is the one {@link #readFirstLeaderboardPage} warms.
     */
    static final int LEADERBOARD_PAGE_ROWS = 25;

    /** What index.html holds where the page size goes. */
    private static final String PAGE_ROWS_PLACEHOLDER = "{{LEADERBOARD_PAGE_ROWS}}";

    private static final int RECENT_SESSIONS = 10;
    private static final int SEARCH_RESULTS = 10;

    private final BotRuntime bot;
    private final LiveUpdates live;
    private final Map<String, byte[]> files = new HashMap<>();

    Dashboard(BotRuntime bot, LiveUpdates live) {
        this.bot = Objects.requireNonNull(bot, "bot");
        this.live = Objects.requireNonNull(live, "live");
        files.put("index.html", page());
        ASSETS.keySet().forEach(name -> files.put(name, read(name)));
    }

    /**
     * Reads the dashboard's first leaderboard page of {@code metric} exactly as the page's script asks
     * for it (all time, {@link #LEADERBOARD_PAGE_ROWS} rows from the first), so that a cache warmed
     * with this answers the page's first read. For the cache warmer.
     */
    static LeaderboardPage readFirstLeaderboardPage(VoiceTracker tracker, long guildId, Metric metric) {
        return tracker.getLeaderboard(guildId, metric, Window.allTime(), LEADERBOARD_PAGE_ROWS, 0);
    }

    /** The page's document, with the page size filled in. */
    private static byte[] page() {
        String html = new String(read("index.html"), StandardCharsets.UTF_8);
        if (!html.contains(PAGE_ROWS_PLACEHOLDER)) {
            throw new IllegalStateException("the jar's dashboard/index.html lacks " + PAGE_ROWS_PLACEHOLDER);
        }
        return html.replace(PAGE_ROWS_PLACEHOLDER, Integer.toString(LEADERBOARD_PAGE_ROWS))
                .getBytes(StandardCharsets.UTF_8);
    }

    void routes(Javalin app) {
        app.get("/", ctx -> ctx.redirect("/dashboard"));
        app.get("/dashboard", this::page);
        app.get("/dashboard/admin", this::page);
        app.get("/dashboard/guilds/{guild}", this::page);
        app.get("/dashboard/guilds/{guild}/overview", this::page);
        app.get("/dashboard/guilds/{guild}/members/{user}", this::page);
        app.get("/dashboard/assets/{file}", this::asset);
        app.get("/favicon.ico", ctx -> ctx.contentType(ASSETS.get("favicon.svg"))
                .result(files.get("favicon.svg")));
        app.get("/api/guilds/{guild}/users/{user}/profile", this::profile);
        app.get("/api/guilds/{guild}/members", this::search);
        app.get("/api/guilds/{guild}/overview", this::overview);
        app.sse("/api/events", live::join);
    }

    /**
     * A page: the same document for every path (the script renders the page the path names). A path naming a guild
     * the bot does not know is answered 404, a malformed id 400, with the same document, whose script then says why.
     */
    private void page(Context ctx) {
        try {
            if (ctx.pathParamMap().containsKey("guild")) {
                knownGuild(ctx);
            }
            if (ctx.pathParamMap().containsKey("user")) {
                AdminApi.id(ctx.pathParam("user"), "user");
            }
        } catch (UnknownGuild e) {
            ctx.status(HttpStatus.NOT_FOUND);
        } catch (IllegalArgumentException e) {
            ctx.status(HttpStatus.BAD_REQUEST);
        }
        ctx.header("Cache-Control", "no-cache");
        ctx.header("Content-Security-Policy", "default-src 'self'; img-src 'self' https: data:; object-src 'none'");
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.contentType("text/html; charset=utf-8").result(files.get("index.html"));
    }

    private void asset(Context ctx) {
        String name = ctx.pathParam("file");
        String type = ASSETS.get(name);
        if (type == null) {
            ctx.status(HttpStatus.NOT_FOUND).json(Map.of("error", "no such file"));
            return;
        }
        ctx.header("Cache-Control", "public, max-age=3600");
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.contentType(type).result(files.get(name));
    }

    /**
     * The guild of the path for a public page or route: a 404 when the bot neither stores it nor is in it, and the
     * same 404, with the same message, when the guild made its dashboard private ({@link
     * GuildConfig#publicDashboard()}), so that the answer tells nobody the guild is tracked here at all.
     */
    long knownGuild(Context ctx) {
        long guild = AdminApi.id(ctx.pathParam("guild"), "guild");
        if (!storedOrJoined(guild) || !bot.tracker().config(guild).publicDashboard()) {
            throw new UnknownGuild(guild);
        }
        return guild;
    }

    /** Whether the storage holds the guild or the bot is in it: the guilds the admin console shows. */
    boolean storedOrJoined(long guild) {
        Storage storage = bot.storage();
        DiscordConnection discord = bot.discord();
        boolean joined = discord != null && discord.guild(guild) != null;
        return joined || storage != null && storage.guildIds().contains(guild);
    }

    /** A guild id that names no guild the bot knows, or a private guild's; answered 404. */
    static final class UnknownGuild extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnknownGuild(long guild) {
            super("no guild " + Long.toUnsignedString(guild) + " is tracked here");
        }
    }

    private void profile(Context ctx) {
        long guild = knownGuild(ctx);
        long user = AdminApi.id(ctx.pathParam("user"), "user");
        int days = days(ctx.queryParam("days"));
        VoiceTracker t = bot.tracker();
        MemberStats m = t.getUser(guild, user).orElse(null);
        if (m == null) {
            ctx.status(HttpStatus.NOT_FOUND).json(Map.of("error", "no activity stored for this member"));
            return;
        }
        GuildConfig config = t.config(guild);
        double multiplier = t.levelMultiplier(guild);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("guildId", Long.toString(guild));
        out.put("userId", Long.toString(user));
        out.putAll(AdminApi.who(bot.discord(), guild, user));
        out.put("level", m.level());
        out.put("xp", m.xp());
        out.put("levelXp", LevelCalculator.xpForLevel(m.level(), multiplier));
        out.put("nextLevelXp", LevelCalculator.xpForLevel(m.level() + 1, multiplier));
        out.put("progressPercent", LevelCalculator.progressPercent(m.xp(), multiplier));
        out.put("voiceTimeMs", m.voiceTimeMs());
        out.put("messages", m.messages());
        out.put("sessions", m.sessions());
        out.put("streak", m.streak());
        out.put("lastSeen", m.lastSeen().toString());
        Map<String, Object> ranks = new LinkedHashMap<>();
        for (Metric metric : Metric.values()) {
            t.getRank(guild, user, metric, Window.allTime()).ifPresent(r -> ranks.put(metric.key(), r));
        }
        out.put("ranks", ranks);
        out.put("timeZone", config.timeZone().getId());
        UserActivity activity = t.getUserStats(guild, user, days);
        out.put("days", everyDay(activity));
        out.put("channels", channels(guild, m));
        out.put("recentSessions", sessions(guild, t.getSessions(guild, user, RECENT_SESSIONS)));
        ctx.json(out);
    }

    /** One row per day of the range, oldest first, with zeros on days without activity (charts need them). */
    private static List<Map<String, Object>> everyDay(UserActivity a) {
        Map<LocalDate, UserActivity.Day> byDay = new HashMap<>();
        a.days().forEach(d -> byDay.put(d.day(), d));
        List<Map<String, Object>> out = new ArrayList<>();
        for (LocalDate d = a.from(); !d.isAfter(a.to()); d = d.plusDays(1)) {
            UserActivity.Day day = byDay.get(d);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("day", d.toString());
            row.put("voiceTimeMs", day == null ? 0 : day.voiceTimeMs());
            row.put("xp", day == null ? 0 : day.xp());
            row.put("messages", day == null ? 0 : day.messages());
            out.add(row);
        }
        return out;
    }

    private List<Map<String, Object>> channels(long guild, MemberStats m) {
        List<Map<String, Object>> out = new ArrayList<>();
        m.channels().values().stream()
                .sorted(Comparator.comparingLong(MemberStats.ChannelStats::voiceTimeMs)
                        .reversed())
                .forEach(c -> {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("channelId", Long.toString(c.channelId()));
                    row.put("name", visibleChannelName(guild, c.channelId()));
                    row.put("voiceTimeMs", c.voiceTimeMs());
                    row.put("sessions", c.sessions());
                    out.add(row);
                });
        return out;
    }

    private List<Map<String, Object>> sessions(long guild, List<VoiceSession> sessions) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (VoiceSession s : sessions) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("channelId", Long.toString(s.channelId()));
            row.put("channel", visibleChannelName(guild, s.channelId()));
            row.put("start", s.start().toString());
            row.put("end", s.end() == null ? null : s.end().toString());
            row.put("durationMs", s.durationMs());
            row.put("xp", s.xpEarned());
            out.add(row);
        }
        return out;
    }

    /**
     * A channel's name when everyone in the guild may see it; null for a hidden channel (its name is
     * not the public's business) or one the bot does not know.
     */
    private @Nullable String visibleChannelName(long guild, long channelId) {
        DiscordConnection discord = bot.discord();
        Guild g = discord == null ? null : discord.guild(guild);
        GuildChannel c = g == null ? null : g.getGuildChannelById(channelId);
        if (c == null || !g.getPublicRole().hasAccess(c)) {
            return null;
        }
        return c.getName();
    }

    private void overview(Context ctx) {
        long guild = knownGuild(ctx);
        int days = days(ctx.queryParam("days"));
        VoiceTracker t = bot.tracker();
        Storage storage = bot.storage();
        DiscordConnection discord = bot.discord();
        Guild g = discord == null ? null : discord.guild(guild);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("guildId", Long.toString(guild));
        out.put("name", g == null ? null : g.getName());
        out.put("timeZone", t.config(guild).timeZone().getId());
        out.put("days", days);
        out.put("trackedMembers", storage == null ? 0 : storage.memberCount(guild));
        out.put("membersInVoice", AdminApi.membersInVoice(g));
        out.putAll(GuildOverview.of(t.getHourlyActivity(guild, days), id -> visibleChannelName(guild, id)));
        ctx.json(out);
    }

    private void search(Context ctx) {
        long guild = knownGuild(ctx);
        String q = ctx.queryParam("q");
        if (q == null || q.isBlank() || q.length() > 100) {
            throw new IllegalArgumentException("q must be 1 to 100 characters of a member's name");
        }
        String needle = q.strip().toLowerCase(Locale.ROOT);
        DiscordConnection discord = bot.discord();
        Guild g = discord == null ? null : discord.guild(guild);
        List<Map<String, Object>> out = new ArrayList<>();
        if (g != null) {
            VoiceTracker t = bot.tracker();
            for (Member m : g.getMembers()) {
                if (out.size() == SEARCH_RESULTS) {
                    break;
                }
                if (!m.getEffectiveName().toLowerCase(Locale.ROOT).contains(needle)) {
                    continue;
                }
                var rank = t.getRank(guild, m.getIdLong(), Metric.XP, Window.allTime());
                if (rank.isEmpty()) {
                    continue; // nothing stored: nothing to show
                }
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("userId", m.getId());
                row.put("name", m.getEffectiveName());
                row.put("rank", rank.getAsInt());
                out.add(row);
            }
        }
        ctx.json(Map.of("members", out));
    }

    private static int days(@Nullable String v) {
        if (v == null || v.isEmpty()) {
            return 30;
        }
        return switch (v) {
            case "7" -> 7;
            case "30" -> 30;
            case "90" -> 90;
            default -> throw new IllegalArgumentException("days must be 7, 30 or 90, was '" + abbreviate(v) + "'");
        };
    }

    static String abbreviate(String v) {
        return v.length() <= 40 ? v : v.substring(0, 40) + "...";
    }

    private static byte[] read(String name) {
        try (InputStream in = Dashboard.class.getResourceAsStream("/dashboard/" + name)) {
            if (in == null) {
                throw new IllegalStateException("the jar lacks dashboard/" + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
