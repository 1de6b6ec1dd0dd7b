package dev.voicetrack.bot.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.voicetrack.cache.Cache;
import dev.voicetrack.cache.CacheStats;
import dev.voicetrack.cache.WarmReport;
import dev.voicetrack.core.migrate.MemberExport;
import dev.voicetrack.core.migrate.MemberFormat;
import dev.voicetrack.core.storage.Storage;
import dev.voicetrack.core.storage.StorageMaintenance;
import dev.voicetrack.core.storage.StorageMaintenance.BackupResult;
import dev.voicetrack.core.storage.StorageOptimizer;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The dashboard's admin console behind the admin token: sign in with the token once, then a session cookie
 * ({@code HttpOnly}, {@code SameSite=Strict}) carries the session and every write also sends the session's
 * CSRF token in the {@value #CSRF_HEADER} header, which no cross-site form can set; a request whose {@code
 * Origin} is not this server is refused as well. Failed logins are limited per address ({@link
 * ConsoleSessions}).
 *
 * <p>What it offers: the cache's figures and its hit rate over time, clear, invalidate by tag and warm; the
 * storage's figures and, where the backend can, optimize, backups (list, run now, download).
 */
final class Console {
    static final String COOKIE = "vt_console";
    static final String CSRF_HEADER = "X-CSRF-Token";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final BotRuntime bot;
    private final ConsoleSessions sessions;
    private final @Nullable Predicate<String> tokenMatches;

    /** @param tokenMatches whether a token is the admin token; null when none is configured (console off) */
    Console(BotRuntime bot, ConsoleSessions sessions, @Nullable Predicate<String> tokenMatches) {
        this.bot = bot;
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
