package dev.voicetrack.emulator;

import java.time.Duration;
import java.util.Objects;

/**
 * The rate limits the emulator enforces, as Discord does: each route has a bucket per major parameter (channel, guild,
 * webhook token, interaction), and every authenticated bot request also counts towards one global limit. A request
 * over a limit is answered 429 with {@code Retry-After} and the JSON body {@code {"message": "You are being rate
 * limited.", "retry_after": <seconds>, "global": <bool>}}; every routed response carries {@code X-RateLimit-Limit},
 * {@code -Remaining}, {@code -Reset}, {@code -Reset-After} and {@code -Bucket} headers that follow the request rate.
 * Windows are measured on the emulator's clock ({@link DiscordEmulator.Builder#clock}).
 *
 * <p>Interaction callbacks and interaction webhooks (follow-ups, {@code @original}) are not bound by the global limit,
 * as on Discord.
 *
 * @param global requests per window over all authenticated routes of the bot
 * @param messagePosts {@code POST channels/{id}/messages}, per channel
 * @param roleChanges adding and removing member roles, per guild
 * <p>Two more limits guard the connection as a whole. A gateway connection may send {@code gatewayCommands} payloads
 * (heartbeats included) per window; the next one closes it with 4008 {@code Rate limited.}. A client whose requests
 * were answered 401, 403 or 429 {@code invalidRequests} times within its window is banned, as Discord's Cloudflare
 * does: every request is answered 429 with only {@code Retry-After} and a JSON {@code message} (no {@code Via} and no
 * {@code X-RateLimit-*} headers) for {@link DiscordEmulator.Builder#invalidRequestBan the ban's duration}.
 *
 * @param otherRoutes every other route, per route and major parameter
 * @param gatewayCommands payloads a client may send on one gateway connection
 * @param invalidRequests 401, 403 and 429 answers a client may get before it is banned
 */
public record RateLimits(
        Limit global,
        Limit messagePosts,
        Limit roleChanges,
        Limit otherRoutes,
        Limit gatewayCommands,
        Limit invalidRequests) {

    /** {@code requests} per {@code window}. */
    public record Limit(int requests, Duration window) {
        /**
         * @throws IllegalArgumentException if {@code requests} is below 1 or {@code window} is not positive
         */
        public Limit {
            Objects.requireNonNull(window, "window");
            if (requests < 1) {
                throw new IllegalArgumentException("requests must be >= 1, was " + requests);
            }
            if (window.isNegative() || window.isZero()) {
                throw new IllegalArgumentException("window must be positive, was " + window);
            }
        }

        public static Limit of(int requests, Duration window) {
            return new Limit(requests, window);
        }
    }

    public RateLimits {
        Objects.requireNonNull(global, "global");
        Objects.requireNonNull(messagePosts, "messagePosts");
        Objects.requireNonNull(roleChanges, "roleChanges");
        Objects.requireNonNull(otherRoutes, "otherRoutes");
        Objects.requireNonNull(gatewayCommands, "gatewayCommands");
        Objects.requireNonNull(invalidRequests, "invalidRequests");
    }

    /**
     * Limits close to Discord's (the default): 50 requests per second globally, 5 message posts per 5 s per channel,
     * 10 role changes per 10 s per guild, 50 requests per second on any other route, 120 gateway payloads per 60 s per
     * connection, 10,000 invalid requests per 10 min per client.
     */
    public static RateLimits discordDefaults() {
        return new RateLimits(
                Limit.of(50, Duration.ofSeconds(1)),
                Limit.of(5, Duration.ofSeconds(5)),
                Limit.of(10, Duration.ofSeconds(10)),
                Limit.of(50, Duration.ofSeconds(1)),
                Limit.of(120, Duration.ofSeconds(60)),
                Limit.of(10_000, Duration.ofMinutes(10)));
    }

    public RateLimits withGlobal(Limit limit) {
        return new RateLimits(limit, messagePosts, roleChanges, otherRoutes, gatewayCommands, invalidRequests);
    }

    public RateLimits withMessagePosts(Limit limit) {
        return new RateLimits(global, limit, roleChanges, otherRoutes, gatewayCommands, invalidRequests);
    }

    public RateLimits withRoleChanges(Limit limit) {
        return new RateLimits(global, messagePosts, limit, otherRoutes, gatewayCommands, invalidRequests);
    }

    public RateLimits withOtherRoutes(Limit limit) {
        return new RateLimits(global, messagePosts, roleChanges, limit, gatewayCommands, invalidRequests);
    }

    public RateLimits withGatewayCommands(Limit limit) {
        return new RateLimits(global, messagePosts, roleChanges, otherRoutes, limit, invalidRequests);
    }

    public RateLimits withInvalidRequests(Limit limit) {
        return new RateLimits(global, messagePosts, roleChanges, otherRoutes, gatewayCommands, limit);
    }
}
