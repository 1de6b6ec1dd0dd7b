package dev.voicetrack.emulator.internal;

import static dev.voicetrack.emulator.internal.Http.abbreviate;
import static dev.voicetrack.emulator.internal.Http.error;
import static dev.voicetrack.emulator.internal.Http.json;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.voicetrack.emulator.RateLimits;
import io.javalin.http.Context;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP half of the emulator: one catch-all handler with its own small router over the v10 routes, which the route
 * groups ({@link ApplicationRoutes}, {@link InteractionRoutes}, {@link ChannelRoutes}, {@link GuildRoutes}) register.
 * Any route the emulator lacks is logged at WARN with method, path and body and answered with a Discord-style 404.
 *
 * <p>Every routed response carries rate-limit headers from the {@link RateLimiter}; requests over a limit are answered
 * 429 as Discord does, and form errors 400 with an {@code errors} object ({@link InvalidFormBody}). Responses carry
 * {@code Via}, as Discord's do behind its proxy; a client that made too many invalid requests ({@link
 * InvalidRequests}) is refused with a 429 without it, as Cloudflare refuses a banned address.
 */
final class RestApi {
    static final String PREFIX = "/api/v10/";
    static final String SNOWFLAKE = "(\\d+)";
    static final String TOKEN = "([^/]+)";
    private static final Logger LOG = LoggerFactory.getLogger(RestApi.class);

    private final World world;
    private final List<Route> routes = new ArrayList<>();
    private final RateLimiter limiter;
    private final InvalidRequests invalidRequests;
    private final ChannelRoutes channelRoutes;
    private final AtomicLong rateLimited = new AtomicLong();
    private volatile String gatewayUrl = "";

    RestApi(World world) {
        this.world = world;
        RateLimits limits = world.settings.rateLimits();
        this.limiter = new RateLimiter(world.clock, limits.global());
        this.invalidRequests =
                new InvalidRequests(world.clock, limits.invalidRequests(), world.settings.invalidRequestBan());
        new ApplicationRoutes(world).register(this);
        new InteractionRoutes(world).register(this);
        this.channelRoutes = new ChannelRoutes(world);
        channelRoutes.register(this);
        new GuildRoutes(world).register(this);
    }

    /** Serves the files stored with messages, at the {@code url} of their attachment objects. */
    void serveAttachment(Context ctx) {
        channelRoutes.serveAttachment(ctx);
    }

    String gatewayUrl() {
        return gatewayUrl;
    }

    void setGatewayUrl(String gatewayUrl) {
        this.gatewayUrl = gatewayUrl;
    }

    long rateLimitedResponses() {
        return rateLimited.get();
    }

    // ---------------------------------------------------------------- routing

    /** Answers one matched request. */
    @FunctionalInterface
    interface RouteHandler {
        void handle(Context ctx, Matcher match);
    }

    /** Which limit a route is bound by. */
    private enum Kind {
        INTERACTION,
        MESSAGE_POST,
        ROLE_CHANGE,
        OTHER
    }

    private record Route(
            String method, Pattern pattern, boolean authenticated, RouteHandler handler, String bucket, Kind kind) {

        /** The bucket key: the route's bucket plus its major parameters (channel, guild, webhook, interaction). */
        String key(Matcher match) {
            String path = match.group(0);
            if (kind == Kind.INTERACTION) {
                return bucket + ":" + match.group(1) + "/" + match.group(2);
            }
            Matcher major = MAJOR.matcher(path);
            return major.lookingAt() ? bucket + ":" + major.group() : bucket;
        }
    }

    private static final Pattern MAJOR = Pattern.compile("(channels|guilds)/\\d+");

    /** Adds a route; {@code template} is a regular expression over the path after {@link #PREFIX}. */
    void route(String method, String template, boolean authenticated, RouteHandler handler) {
        String bucket = Integer.toHexString((method + " " + template).hashCode());
        Kind kind;
        if (template.startsWith("interactions/") || template.startsWith("webhooks/")) {
            kind = Kind.INTERACTION;
        } else if (method.equals("POST") && template.equals("channels/" + SNOWFLAKE + "/messages")) {
            kind = Kind.MESSAGE_POST;
        } else if (template.contains("/roles/")) {
            kind = Kind.ROLE_CHANGE;
        } else {
            kind = Kind.OTHER;
        }
        routes.add(new Route(method, Pattern.compile(template), authenticated, handler, bucket, kind));
    }

    private RateLimits.Limit limitOf(Kind kind) {
        RateLimits limits = world.settings.rateLimits();
        return switch (kind) {
            case MESSAGE_POST -> limits.messagePosts();
            case ROLE_CHANGE -> limits.roleChanges();
            case INTERACTION, OTHER -> limits.otherRoutes();
        };
    }

    void handle(Context ctx) {
        String client = ctx.ip();
        long banned = invalidRequests.banRemainingMillis(client);
        if (banned > 0) {
            cloudflareBan(ctx, banned);
            return;
        }
        ctx.header("Via", "1.1 google");
        route(ctx);
        String scope = ctx.res().getHeader("X-RateLimit-Scope");
        invalidRequests.record(client, ctx.statusCode(), "shared".equals(scope));
    }

    private void route(Context ctx) {
        String method = ctx.method().name();
        // JDA percent-encodes route segments such as "@original"
        String path = URLDecoder.decode(ctx.path().replace("+", "%2B"), StandardCharsets.UTF_8);
        if (path.startsWith(PREFIX)) {
            String routePath = path.substring(PREFIX.length());
            for (Route route : routes) {
                if (!route.method.equals(method)) {
                    continue;
                }
                Matcher match = route.pattern.matcher(routePath);
                if (!match.matches()) {
                    continue;
                }
                if (route.authenticated && !("Bot " + world.botToken).equals(ctx.header("Authorization"))) {
                    error(ctx, 401, 0, "401: Unauthorized");
                    return;
                }
                RateLimiter.Outcome outcome = limiter.acquire(
                        route.key(match), limitOf(route.kind), route.authenticated && route.kind != Kind.INTERACTION);
                if (outcome.refused()) {
                    rateLimited.incrementAndGet();
                    rateLimited(ctx, route.bucket, outcome);
                    return;
                }
                rateLimitHeaders(ctx, route.bucket, outcome);
                try {
                    route.handler.handle(ctx, match);
                } catch (Http.MalformedJson e) {
                    LOG.warn("Malformed JSON in {} {}: {}", method, path, e.getMessage());
                    error(ctx, 400, 50109, "The request body contains invalid JSON.");
                } catch (InvalidFormBody e) {
                    LOG.warn("Invalid form body in {} {}: {}", method, path, e.errors);
                    ObjectNode body = Json.object().put("code", 50035);
                    body.set("errors", e.errors);
                    body.put("message", "Invalid Form Body");
                    json(ctx, 400, body);
                } catch (IllegalArgumentException e) {
                    LOG.warn("Bad request {} {}: {}", method, path, e.getMessage());
                    error(ctx, 400, 50035, "Invalid Form Body: " + e.getMessage());
                }
                return;
            }
        }
        LOG.warn(
                "Discord emulator has no route for {} {} (body: {}); answering 404. Add it to {} if the bot needs it.",
                method,
                path,
                abbreviate(ctx.body()),
                RestApi.class.getName());
        error(ctx, 404, 0, "404: Not Found (emulator has no route for " + method + " " + path + ")");
    }

    private static void rateLimitHeaders(Context ctx, String bucket, RateLimiter.Outcome outcome) {
        ctx.header("X-RateLimit-Bucket", bucket);
        ctx.header("X-RateLimit-Limit", Integer.toString(outcome.limit()));
        ctx.header("X-RateLimit-Remaining", Integer.toString(outcome.remaining()));
        ctx.header("X-RateLimit-Reset", String.format(Locale.ROOT, "%.3f", outcome.resetAtMillis() / 1000.0));
        ctx.header("X-RateLimit-Reset-After", String.format(Locale.ROOT, "%.3f", outcome.resetAfterSeconds()));
    }

    /** A 429 as Discord sends it: {@code Retry-After} in whole seconds, {@code retry_after} as a float. */
    private static void rateLimited(Context ctx, String bucket, RateLimiter.Outcome outcome) {
        double retryAfter = outcome.resetAfterSeconds();
        if (outcome.globalRefusal()) {
            ctx.header("X-RateLimit-Global", "true");
            ctx.header("X-RateLimit-Scope", "global");
        } else {
            rateLimitHeaders(ctx, bucket, outcome);
            ctx.header("X-RateLimit-Scope", "user");
        }
        ctx.header("Retry-After", Long.toString((long) Math.ceil(retryAfter)));
        LOG.debug(
                "429 for {} {} (global {}), retry after {} s",
                ctx.method(),
                ctx.path(),
                outcome.globalRefusal(),
                retryAfter);
        json(
                ctx,
                429,
                Json.object()
                        .put("message", "You are being rate limited.")
                        .put("retry_after", retryAfter)
                        .put("global", outcome.globalRefusal()));
    }

    /** A banned client: 429 with {@code Retry-After} and a JSON body, without Discord's {@code Via} or rate-limit headers. */
    private static void cloudflareBan(Context ctx, long remainingMillis) {
        LOG.warn("Refusing {} {}: the client is banned for too many invalid requests", ctx.method(), ctx.path());
        ctx.header("Retry-After", Long.toString((remainingMillis + 999) / 1000));
        json(
                ctx,
                429,
                Json.object()
                        .put(
                                "message",
                                "You are being blocked from accessing our API temporarily due to exceeding our rate"
                                        + " limits frequently.")
                        .put("code", 0));
    }
}
