package dev.voicetrack.bot.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.voicetrack.cache.Cache;
import dev.voicetrack.cache.CacheStats;
import dev.voicetrack.cache.WarmReport;
import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.LevelReward;
import dev.voicetrack.core.VoiceTracker;
import dev.voicetrack.core.migrate.MemberExport;
import dev.voicetrack.core.migrate.MemberFormat;
import dev.voicetrack.core.storage.Storage;
import dev.voicetrack.core.storage.StorageMaintenance;
import dev.voicetrack.core.storage.StorageMaintenance.BackupResult;
import dev.voicetrack.core.storage.StorageOptimizer;
import dev.voicetrack.jda.ConfigOptions;
import dev.voicetrack.jda.RewardAdmin;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.HttpStatus;
import io.javalin.http.SameSite;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import net.dv8tion.jda.api.entities.Guild;
import net.dv8tion.jda.api.entities.Role;
import org.jspecify.annotations.Nullable;

/**
 * The dashboard's admin console behind the admin token: sign in with the token once, then a session cookie
 * ({@code HttpOnly}, {@code SameSite=Strict}) carries the session and every write also sends the session's
 * CSRF token in the {@value #CSRF_HEADER} header, which no cross-site form can set; a request whose {@code
 * Origin} is not this server is refused as well. Failed logins are limited per address ({@link
 * ConsoleSessions}).
 *
 * <p>What it offers: the cache's figures and its hit rate over time, clear, invalidate by tag and warm; the
 * storage's figures and, where the backend can, optimize, backups (list, run now, download); and per guild, private
 * ones included, the tracking options and the level rewards.
 *
 * <p>Guild options and rewards are edited through the Discord adapter's own code ({@link ConfigOptions}, {@link
 * RewardAdmin}), not a copy of it: a value {@code /config set} refuses is refused here with the same message, and a
 * reward added here is stored and synced as {@code /rewards add} does.
 */
final class Console {
    static final String COOKIE = "vt_console";
    static final String CSRF_HEADER = "X-CSRF-Token";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** How long a sync request waits for the sync before answering that it goes on in the background. */
    static final Duration SYNC_ANSWER_WAIT = Duration.ofSeconds(10);

    private final BotRuntime bot;
    private final Dashboard dashboard;
    private final ConsoleSessions sessions;
    private final @Nullable Predicate<String> tokenMatches;

    /** @param tokenMatches whether a token is the admin token; null when none is configured (console off) */
    Console(BotRuntime bot, Dashboard dashboard, ConsoleSessions sessions, @Nullable Predicate<String> tokenMatches) {
        this.bot = bot;
        this.dashboard = dashboard;
        this.sessions = sessions;
        this.tokenMatches = tokenMatches;
    }

    void routes(Javalin app) {
        app.get("/dashboard/console", ctx -> ctx.redirect("/dashboard/admin"));
        app.post("/api/console/login", this::login);
        app.before("/api/console/*", this::guard);
        app.get("/api/console/session", this::whoami);
        app.post("/api/console/logout", this::logout);
        app.get("/api/console/overview", this::overview);
        app.post("/api/console/cache/clear", this::clear);
        app.post("/api/console/cache/invalidate", this::invalidate);
        app.post("/api/console/cache/warm", this::warm);
        app.post("/api/console/storage/optimize", this::optimize);
        app.post("/api/console/backups", this::backupNow);
        app.get("/api/console/backups/{name}", this::download);
        app.get("/api/console/export", this::export);
        app.get("/api/console/guilds", this::guilds);
        app.get("/api/console/guilds/{guild}/settings", this::settings);
        app.post("/api/console/guilds/{guild}/options", this::setOption);
        app.post("/api/console/guilds/{guild}/rewards", this::addReward);
        app.post("/api/console/guilds/{guild}/rewards/remove", this::removeReward);
        app.post("/api/console/guilds/{guild}/rewards/sync", this::syncRewards);
    }

    /** Every console route but login: a live session, and for writes the CSRF token and a same-origin request. */
    private void guard(Context ctx) {
        if (ctx.path().equals("/api/console/login") || ctx.path().equals("/api/console/session")) {
            return;
        }
        Optional<ConsoleSessions.Session> s = sessions.find(ctx.cookie(COOKIE));
        if (s.isEmpty()) {
            refuse(ctx, HttpStatus.UNAUTHORIZED, "sign in to the console first");
            return;
        }
        ctx.attribute("session", s.get());
        if (ctx.method().name().equals("GET")) {
            return;
        }
        String origin = ctx.header("Origin");
        String host = ctx.header("Host");
        if (origin != null && (host == null || !origin.equals("http://" + host) && !origin.equals("https://" + host))) {
            refuse(ctx, HttpStatus.FORBIDDEN, "cross-site request refused");
            return;
        }
        String sent = ctx.header(CSRF_HEADER);
        if (sent == null
                || !MessageDigest.isEqual(
                        sent.getBytes(StandardCharsets.UTF_8), s.get().csrf().getBytes(StandardCharsets.UTF_8))) {
            refuse(ctx, HttpStatus.FORBIDDEN, "missing or wrong " + CSRF_HEADER + " header");
        }
    }

    private static void refuse(Context ctx, HttpStatus status, String why) {
        ctx.status(status).json(Map.of("error", why));
        ctx.skipRemainingHandlers();
    }

    private static ConsoleSessions.Session session(Context ctx) {
        ConsoleSessions.Session s = ctx.attribute("session");
        if (s == null) {
            throw new IllegalStateException("no session: the guard did not run");
        }
        return s;
    }

    private void login(Context ctx) throws IOException {
        if (tokenMatches == null) {
            ctx.status(HttpStatus.FORBIDDEN)
                    .json(Map.of("error", "ADMIN_API_TOKEN is not set on the bot: the console is disabled"));
            return;
        }
        String address = ctx.ip();
        var wait = sessions.retryAfter(address);
        if (!wait.isZero()) {
            ctx.header("Retry-After", Long.toString(Math.max(1, wait.toSeconds())));
            ctx.status(HttpStatus.TOO_MANY_REQUESTS)
                    .json(Map.of(
                            "error", "too many failed sign-ins: try again in " + Math.max(1, wait.toSeconds()) + " s"));
            return;
        }
        String token = field(ctx, "token");
        if (token == null || !tokenMatches.test(token)) {
            sessions.failed(address);
            ctx.status(HttpStatus.UNAUTHORIZED).json(Map.of("error", "wrong admin token"));
            return;
        }
        ConsoleSessions.Session s = sessions.open();
        Cookie cookie = new Cookie(COOKIE, s.id());
        cookie.setHttpOnly(true);
        cookie.setSameSite(SameSite.STRICT);
        cookie.setPath("/");
        cookie.setMaxAge((int) ConsoleSessions.LIFETIME.toSeconds());
        cookie.setSecure("https".equalsIgnoreCase(ctx.header("X-Forwarded-Proto")));
        ctx.cookie(cookie);
        ctx.json(Map.of("csrf", s.csrf()));
    }

    /** Whether this browser is signed in, and then the CSRF token its page must send with writes. */
    private void whoami(Context ctx) {
        Optional<ConsoleSessions.Session> s = sessions.find(ctx.cookie(COOKIE));
        ctx.json(
                s.isEmpty()
                        ? Map.of("signedIn", false)
                        : Map.of("signedIn", true, "csrf", s.get().csrf()));
    }

    private void logout(Context ctx) {
        sessions.close(session(ctx).id());
        ctx.removeCookie(COOKIE, "/");
        ctx.json(Map.of("signedOut", true));
    }

    private void overview(Context ctx) throws IOException {
        Map<String, Object> out = new LinkedHashMap<>();
        Cache<Object> cache = bot.cache();
        CacheStats c = cache.stats();
        Map<String, Object> cs = new LinkedHashMap<>();
        cs.put("name", c.name());
        cs.put("hits", c.hits());
        cs.put("misses", c.misses());
        cs.put("hitRatePercent", Math.round(c.hitRatePercent() * 100) / 100.0);
        cs.put("size", c.size());
        cs.put("estimatedBytes", c.estimatedBytes());
        cs.put("evictions", c.sizeEvictions());
        out.put("cache", cs);
        out.put("hitRateHistory", bot.cacheHistory().samples());
        Storage storage = bot.storage();
        Map<String, Object> st = new LinkedHashMap<>();
        if (storage instanceof StorageMaintenance m) {
            StorageMaintenance.MaintenanceStats s = m.maintenanceStats();
            st.put("backend", s.backend());
            st.put("guilds", s.guilds());
            st.put("members", s.users());
            st.put("sessions", s.sessions());
            st.put("sizeBytes", s.sizeBytes());
        } else {
            st.put("backend", storage == null ? "not open" : Storages.backendName(storage));
        }
        st.put("canOptimize", storage instanceof StorageOptimizer);
        st.put("canBackUp", bot.backups().isPresent());
        out.put("storage", st);
        List<Map<String, Object>> backups = new ArrayList<>();
        var b = bot.backups();
        if (b.isPresent()) {
            for (Backups.Entry e : b.get().list()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("name", e.name());
                row.put("kind", e.kind());
                row.put("createdMillis", e.createdMillis());
                row.put("sizeBytes", e.size());
                backups.add(row);
            }
        }
        out.put("backups", backups);
        ctx.json(out);
    }

    private void clear(Context ctx) {
        Cache<Object> cache = bot.cache();
        long before = cache.stats().size();
        cache.clear();
        ctx.json(Map.of("cleared", true, "entriesBefore", before));
    }

    private void invalidate(Context ctx) throws IOException {
        String tag = field(ctx, "tag");
        if (tag == null || tag.isBlank() || tag.length() > 200) {
            throw new IllegalArgumentException("tag must be 1 to 200 characters, such as guild:<id>");
        }
        ctx.json(Map.of("tag", tag, "removed", bot.cache().invalidateByTag(tag)));
    }

    private void warm(Context ctx) {
        WarmReport r = bot.warmer().warmNow();
        ctx.json(Map.of("succeeded", r.succeeded(), "durationMs", r.duration().toMillis()));
    }

    private void optimize(Context ctx) {
        if (!(bot.storage() instanceof StorageOptimizer o)) {
            refuse(ctx, HttpStatus.CONFLICT, "this storage has no optimize");
            return;
        }
        var r = o.optimizeStorage();
        ctx.json(Map.of(
                "tookMs",
                r.took().toMillis(),
                "sizeBytesBefore",
                r.sizeBytesBefore(),
                "sizeBytesAfter",
                r.sizeBytesAfter()));
    }

    private void backupNow(Context ctx) {
        var b = bot.backups();
        if (b.isEmpty()) {
            refuse(ctx, HttpStatus.CONFLICT, "this storage has no backups here (SQLite only)");
            return;
        }
        BackupResult r = b.get().backup("manual-backup-");
        ctx.status(r.success() ? HttpStatus.OK : HttpStatus.INTERNAL_SERVER_ERROR)
                .json(Map.of("success", r.success(), "location", r.location(), "message", r.message()));
    }

    /** A backup of the manifest by its name, and only such a file: no path from the request reaches the disk. */
    private void download(Context ctx) throws IOException {
        var b = bot.backups();
        String name = ctx.pathParam("name");
        Optional<Backups.Entry> entry = b.isEmpty()
                ? Optional.empty()
                : b.get().list().stream().filter(e -> e.name().equals(name)).findFirst();
        Path file = entry.map(e -> b.get().dir().resolve(e.name())).orElse(null);
        if (file == null || !Files.isRegularFile(file)) {
            refuse(ctx, HttpStatus.NOT_FOUND, "no backup named '" + Dashboard.abbreviate(name) + "'");
            return;
        }
        ctx.header("Content-Disposition", "attachment; filename=\"" + file.getFileName() + "\"");
        ctx.contentType("application/vnd.sqlite3");
        ctx.result(Files.newInputStream(file));
    }

    /**
     * Every member of one guild as CSV or JSON ({@code ?guild=ID&format=csv|json}), the format of {@code
     * voicetrack export}, streamed a page at a time; {@code voicetrack import --from csv:FILE} takes it back.
     */
    private void export(Context ctx) throws IOException {
        long guild = AdminApi.id(String.valueOf(ctx.queryParam("guild")), "guild");
        MemberFormat format = MemberFormat.of(String.valueOf(ctx.queryParam("format")));
        Storage storage = bot.storage();
        if (storage == null || !storage.guildIds().contains(guild)) {
            refuse(ctx, HttpStatus.NOT_FOUND, "no guild " + Long.toUnsignedString(guild) + " is stored here");
            return;
        }
        String ext = format == MemberFormat.CSV ? "csv" : "json";
        ctx.header(
                "Content-Disposition",
                "attachment; filename=\"voicetrack-" + Long.toUnsignedString(guild) + "." + ext + "\"");
        ctx.contentType(format == MemberFormat.CSV ? "text/csv; charset=utf-8" : "application/json; charset=utf-8");
        try (var out = new java.io.BufferedWriter(
                new java.io.OutputStreamWriter(ctx.res().getOutputStream(), StandardCharsets.UTF_8))) {
            MemberExport.write(storage, List.of(guild), format, out);
        }
    }

    // ---- guilds: options and rewards ----

    /** Every guild stored or joined, private ones too (the console shows everything), with whether it is public. */
    private void guilds(Context ctx) {
        Storage storage = bot.storage();
        DiscordConnection discord = bot.discord();
        var ids = new TreeSet<Long>(storage == null ? Set.of() : storage.guildIds());
        if (discord != null) {
            discord.guilds().forEach(g -> ids.add(g.getIdLong()));
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (long id : ids) {
            Guild g = discord == null ? null : discord.guild(id);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", Long.toString(id));
            row.put("name", g == null ? null : g.getName());
            row.put("trackedMembers", storage == null ? 0 : storage.memberCount(id));
            row.put("publicDashboard", bot.tracker().config(id).publicDashboard());
            out.add(row);
        }
        ctx.json(Map.of("guilds", out));
    }

    /** The guild of the path, private or not; 404 when the bot neither stores it nor is in it. */
    private long guild(Context ctx) {
        long guild = AdminApi.id(ctx.pathParam("guild"), "guild");
        if (!dashboard.storedOrJoined(guild)) {
            throw new Dashboard.UnknownGuild(guild);
        }
        return guild;
    }

    /**
     * The guild's options, each as the text {@code /config set} takes, its level rewards with the roles VoiceTrack
     * cannot give marked broken, and the roles a reward may give (when the bot is in the guild).
     */
    private void settings(Context ctx) {
        long guild = guild(ctx);
        GuildConfig config = bot.tracker().config(guild);
        Guild g = joined(guild);
        Map<String, String> broken =
                bot.rewardAdmin().map(r -> stringKeys(r.brokenRoles(guild))).orElse(Map.of());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("guildId", Long.toString(guild));
        out.put("name", g == null ? null : g.getName());
        out.put("options", ConfigOptions.values(config));
        List<Map<String, Object>> rewards = new ArrayList<>();
        for (LevelReward r : config.levelRewards().rewards()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("trigger", r.trigger().key());
            row.put("threshold", r.threshold());
            row.put("stacks", r.stacks());
            List<Map<String, Object>> roles = new ArrayList<>();
            r.roleIds().stream().sorted().forEach(id -> {
                Map<String, Object> role = new LinkedHashMap<>();
                role.put("id", Long.toString(id));
                Role known = g == null ? null : g.getRoleById(id);
                role.put("name", known == null ? null : known.getName());
                role.put("broken", broken.get(Long.toString(id)));
                roles.add(role);
            });
            row.put("roles", roles);
            rewards.add(row);
        }
        out.put("rewards", rewards);
        out.put("broken", broken);
        List<Map<String, Object>> roles = new ArrayList<>();
        if (g != null) {
            for (Role role : g.getRoles()) {
                if (!role.isPublicRole() && !role.isManaged()) {
                    roles.add(Map.of("id", role.getId(), "name", role.getName()));
                }
            }
        }
        out.put("roles", roles);
        out.put("rewardsEditable", g != null && bot.rewardAdmin().isPresent());
        ctx.json(out);
    }

    /** {@code {"option": "...", "value": "..."}}: sets one option exactly as {@code /config set} does. */
    private void setOption(Context ctx) throws IOException {
        long guild = guild(ctx);
        String option = required(ctx, "option");
        String value = required(ctx, "value");
        VoiceTracker tracker = bot.tracker();
        GuildConfig next = ConfigOptions.set(tracker.config(guild), option, value);
        tracker.updateConfig(guild, next);
        ctx.json(Map.of("option", option, "value", ConfigOptions.values(next).getOrDefault(option, value.strip())));
    }

    /**
     * {@code {"trigger": "level|voiceHours", "threshold": "5", "roleId": "...", "mode": "stack|replace"}} ({@code
     * stack} when not given): adds the role to the reward at that threshold, as {@code /rewards add} does, and
     * syncs the guild's members.
     */
    private void addReward(Context ctx) throws IOException {
        long guild = guild(ctx);
        RewardAdmin rewards = rewardAdmin(ctx, guild);
        if (rewards == null) {
            return;
        }
        LevelReward.Trigger trigger = LevelReward.Trigger.parse(required(ctx, "trigger"));
        long threshold = threshold(required(ctx, "threshold"));
        long role = role(guild, required(ctx, "roleId"));
        String given = field(ctx, "mode");
        String mode = given == null ? "stack" : given; // /rewards add's default
        if (!mode.equals("stack") && !mode.equals("replace")) {
            throw new IllegalArgumentException(
                    "mode must be stack or replace, was '" + Dashboard.abbreviate(mode) + "'");
        }
        LevelReward added = rewards.add(guild, trigger, threshold, role, mode.equals("stack"));
        ctx.json(Map.of(
                "trigger", added.trigger().key(),
                "threshold", added.threshold(),
                "roleIds",
                        added.roleIds().stream().sorted().map(String::valueOf).toList(),
                "stacks", added.stacks()));
    }

    /**
     * {@code {"trigger": "...", "threshold": "5", "roleId": "..."}}: removes that role from the reward (the whole
     * reward without {@code roleId}), as {@code /rewards remove} does. Members keep the roles already given.
     */
    private void removeReward(Context ctx) throws IOException {
        long guild = guild(ctx);
        RewardAdmin rewards = rewardAdmin(ctx, guild);
        if (rewards == null) {
            return;
        }
        LevelReward.Trigger trigger = LevelReward.Trigger.parse(required(ctx, "trigger"));
        long threshold = threshold(required(ctx, "threshold"));
        String roleText = field(ctx, "roleId");
        long role = roleText == null || roleText.isEmpty() ? 0 : AdminApi.id(roleText, "roleId");
        LevelReward before = rewards.remove(guild, trigger, threshold, role);
        ctx.json(Map.of("trigger", before.trigger().key(), "threshold", before.threshold(), "removed", true));
    }

    /** Gives and takes roles so members match the rewards; answers when done, or that it goes on after a while. */
    private void syncRewards(Context ctx) {
        long guild = guild(ctx);
        RewardAdmin rewards = rewardAdmin(ctx, guild);
        if (rewards == null) {
            return;
        }
        RewardAdmin.SyncReport r;
        try {
            r = rewards.sync(guild).get(SYNC_ANSWER_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            ctx.status(HttpStatus.ACCEPTED).json(Map.of("done", false));
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the sync", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the reward sync failed: " + e.getCause(), e.getCause());
        }
        ctx.json(Map.of(
                "done", true,
                "members", r.members(),
                "added", r.added(),
                "removed", r.removed(),
                "broken", stringKeys(r.broken())));
    }

    /** The adapter's rewards for a guild the bot is in; else a 409 saying why, and null. */
    private @Nullable RewardAdmin rewardAdmin(Context ctx, long guild) {
        var rewards = bot.rewardAdmin();
        if (rewards.isEmpty() || joined(guild) == null) {
            refuse(
                    ctx,
                    HttpStatus.CONFLICT,
                    "the bot is not in guild " + Long.toUnsignedString(guild) + ": rewards are roles it gives there");
            return null;
        }
        return rewards.get();
    }

    private @Nullable Guild joined(long guild) {
        DiscordConnection discord = bot.discord();
        return discord == null ? null : discord.guild(guild);
    }

    /** A role of the guild a reward may give: not {@code @everyone}, not a bot's or integration's own role. */
    private long role(long guild, String text) {
        long id = AdminApi.id(text, "roleId");
        Guild g = joined(guild);
        Role role = g == null ? null : g.getRoleById(id);
        if (role == null || role.isPublicRole() || role.isManaged()) {
            throw new IllegalArgumentException("roleId must be a role of this guild a member can be given, was '"
                    + Dashboard.abbreviate(text) + "'");
        }
        return id;
    }

    private static long threshold(String text) {
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "threshold must be a whole number, was '" + Dashboard.abbreviate(text) + "'", e);
        }
    }

    private static Map<String, String> stringKeys(Map<Long, String> byId) {
        Map<String, String> out = new LinkedHashMap<>();
        byId.forEach((id, why) -> out.put(Long.toString(id), why));
        return out;
    }

    private static String required(Context ctx, String name) throws IOException {
        String v = field(ctx, name);
        if (v == null) {
            throw new IllegalArgumentException(name + " is required, was not given");
        }
        return v;
    }

    /** A string field of the JSON body, or of the form body. */
    private static @Nullable String field(Context ctx, String name) throws IOException {
        String type = ctx.contentType();
        if (type != null && type.startsWith("application/json")) {
            JsonNode body;
            try {
                body = JSON.readTree(ctx.body());
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalArgumentException("the request body must be a JSON object");
            }
            JsonNode v = body == null ? null : body.get(name);
            return v == null || !v.isTextual() ? null : v.asText();
        }
        return ctx.formParam(name);
    }
}
