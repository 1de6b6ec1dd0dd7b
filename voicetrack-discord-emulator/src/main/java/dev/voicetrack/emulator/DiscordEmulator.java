package dev.voicetrack.emulator;

import dev.voicetrack.emulator.internal.EmulatorServer;
import dev.voicetrack.emulator.internal.Settings;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A local Discord: the part of the HTTP API (v10) and the gateway (v10, JSON, no compression) that JDA uses, plus a
 * scripting API that creates guilds and members, makes them talk, move and invoke commands, and records what the bot
 * answered.
 *
 * <p>Pointing JDA at it:
 *
 * <pre>{@code
 * try (DiscordEmulator discord = DiscordEmulator.start()) {
 *     JDA jda = JDABuilder.createLight(discord.botToken(), GatewayIntent.GUILD_VOICE_STATES)
 *             .setRestConfig(new RestConfig().setBaseUrl(discord.httpBaseUrl()))
 *             .setSessionController(new ConcurrentSessionController() {
 *                 public String getGateway() { return discord.gatewayUrl(); }
 *             })
 *             .setCompression(Compression.NONE)
 *             .build();
 * }
 * }</pre>
 *
 * <p>The server binds to 127.0.0.1 only. All methods are thread safe; scripting calls are synchronous: they return
 * after the resulting dispatch was written to every connected gateway session. The emulator accepts any bot token that
 * equals {@link #botToken()} and answers unknown HTTP routes with a 404 JSON error that it also logs at WARN, so a
 * route JDA needs but the emulator lacks is easy to spot.
 *
 * <p>Faithful on success, strict on failure: the emulator refuses what Discord refuses, with Discord's codes and
 * bodies. It enforces per-route and global rate limits (429 with {@code Retry-After} and {@code retry_after}, and
 * {@code X-RateLimit-*} headers that follow the request rate; see {@link RateLimits}), the 3 s interaction callback
 * deadline (404, code 10062) and the 15 min token lifetime (401, code 50027), form validation (400, code 50035 with an
 * {@code errors} object: message content over 2000 characters, embed limits, invalid command names, missing
 * descriptions), malformed JSON (400, code 50109), IDENTIFY checks (close 4013 for missing or undefined intents, 4014
 * for privileged intents the application may not use, 4010 for an invalid shard, 4011 for fewer shards than {@link
 * Builder#shards} requires), and Manage Roles plus the role
 * hierarchy on member role changes (403, code 50013). A callback without {@code with_response=true} is answered 204.
 * A gateway connection that sends more than 120 payloads in 60 s is closed with 4008, and a client with 10,000
 * answers 401, 403 or 429 in 10 minutes is banned as Cloudflare bans it (every request 429 without Discord's {@code
 * Via} and rate-limit headers; see {@link RateLimits} and {@link Builder#invalidRequestBan}). A reply to an unknown
 * message is refused (400, code 50035), as are unknown reaction emojis (400, code 10014).
 *
 * <p>Messages keep what Discord keeps: multipart {@code files[n]} become {@code attachments} (with {@code id}, {@code
 * filename}, {@code size} and a {@code url} the emulator serves), a {@code message_reference} makes a reply (type 19
 * with {@code referenced_message}), {@code mentions} are filled from {@code <@id>} in the content as {@code
 * allowed_mentions} permits, and the bot's reactions are stored and dispatched (MESSAGE_REACTION_ADD/REMOVE). A
 * session identified with {@code shard: [i, n]} gets only the guilds with {@code (guild_id >> 22) % n == i} and their
 * events. The bot's own voice join (gateway op 4) is answered with VOICE_STATE_UPDATE and VOICE_SERVER_UPDATE.
 *
 * <p>Deadlines and rate-limit windows run on the builder's {@link Builder#clock clock}. The module README lists every
 * rule and option.
 */
public interface DiscordEmulator extends AutoCloseable {

    /** Starts an emulator on a free loopback port with default settings. */
    static DiscordEmulator start() {
        return builder().start();
    }

    static Builder builder() {
        return new Builder();
    }

    /** The REST base URL to pass to JDA's {@code RestConfig#setBaseUrl}, for example {@code http://127.0.0.1:4711/api/v10/}. */
    String httpBaseUrl();

    /** The gateway URL for JDA's {@code SessionController#getGateway}, for example {@code ws://127.0.0.1:4711/gateway}. */
    String gatewayUrl();

    int port();

    /** The token the bot must log in with. */
    String botToken();

    /** The bot's user. */
    EmulatedUser botUser();

    /** The application id (equal to the bot's user id, as for most Discord bots). */
    long applicationId();

    /** Creates a guild with the bot as a member; a connected session receives its {@code GUILD_CREATE}. */
    EmulatedGuild createGuild(String name);

    /**
     * Creates a guild on {@code shard}: its id is the next one whose {@code (id >> 22) % shards} is the
     * shard, taken from a later millisecond when needed (as on Discord, a guild's shard follows from its
     * id). With {@link Builder#idsFrom} the id stays reproducible. Lets a script spread its guilds over
     * the shards without creating guilds it does not want.
     *
     * @throws IllegalArgumentException if {@code shard} is not in {@code 0..shards-1}
     */
    EmulatedGuild createGuild(String name, int shard);

    List<EmulatedGuild> guilds();

    /** Creates a user that is in no guild yet. */
    EmulatedUser createUser(String username, boolean bot);

    /** Global commands the bot registered, in registration order. */
    List<RegisteredCommand> registeredCommands();

    /**
     * Waits until a command of that name is registered (globally or in any guild) and returns it.
     *
     * @throws EmulatorException if none was registered in time (the timeout is a hang guard)
     */
    RegisteredCommand awaitRegisteredCommand(String name, Duration timeout);

    /**
     * Closes every gateway socket. With {@code resumable} the sockets close with code 1001 and the sessions stay
     * resumable; without, they close with 4009 and the sessions are dropped, so the client's RESUME is answered with
     * INVALID_SESSION and it must IDENTIFY again.
     */
    void disconnect(boolean resumable);

    /**
     * Like {@link #disconnect(boolean)}, but holds the clients' IDENTIFY/RESUME until the returned outage ends, so a
     * test can script events that happen while the bot is away.
     */
    Outage beginOutage(boolean resumable);

    GatewayStats gatewayStats();

    /**
     * How many requests were answered 429 so far (per-route and global). A client that honours the {@code
     * X-RateLimit-*} headers, as JDA does, keeps this at or near zero.
     */
    long rateLimitedResponses();

    /** Stops the server and closes every socket. Idempotent. */
    @Override
    void close();

    /** Builder for {@link DiscordEmulator}; validates each value at once. */
    final class Builder {
        private int port;
        private String botName = "VoiceTrack";
        private String botToken = "emulator-bot-token";
        private Duration heartbeatInterval = Duration.ofMillis(41_250);
        private Clock clock = Clock.systemUTC();
        private java.time.@org.jspecify.annotations.Nullable Instant idsFrom;
        private RateLimits rateLimits = RateLimits.discordDefaults();
        private Duration interactionAckDeadline = Duration.ofSeconds(3);
        private Duration interactionTokenLifetime = Duration.ofMinutes(15);
        private boolean privilegedIntentsAllowed = true;
        private long botPermissions = 1L << 3;
        private Duration invalidRequestBan = Duration.ofHours(1);
        private int shards = 1;

        private Builder() {}

        /**
         * Loopback port to bind; 0 (the default) picks a free one.
         *
         * @throws IllegalArgumentException if not in 0..65535
         */
        public Builder port(int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port must be in 0..65535, was " + port);
            }
            this.port = port;
            return this;
        }

        /** The bot's username (default {@code VoiceTrack}). */
        public Builder botName(String botName) {
            Objects.requireNonNull(botName, "botName");
            if (botName.isBlank()) {
                throw new IllegalArgumentException("botName must not be blank, was '" + botName + "'");
            }
            this.botName = botName;
            return this;
        }

        /** The token the bot must present (default {@code emulator-bot-token}). */
        public Builder botToken(String botToken) {
            Objects.requireNonNull(botToken, "botToken");
            if (botToken.isBlank() || botToken.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException(
                        "botToken must be non-blank without whitespace, was '" + botToken + "'");
            }
            this.botToken = botToken;
            return this;
        }

        /**
         * The heartbeat interval announced in HELLO (default 41250 ms, as Discord).
         *
         * @throws IllegalArgumentException if below 100 ms
         */
        public Builder heartbeatInterval(Duration heartbeatInterval) {
            Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
            if (heartbeatInterval.toMillis() < 100) {
                throw new IllegalArgumentException(
                        "heartbeatInterval must be >= 100 ms, was " + heartbeatInterval.toMillis() + " ms");
            }
            this.heartbeatInterval = heartbeatInterval;
            return this;
        }

        /**
         * The clock for snowflake timestamps, join and boost dates, rate-limit windows and interaction deadlines
         * (default the system UTC clock). A test that advances a manual clock can expire interactions and rate-limit
         * windows without sleeping.
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The rate limits to enforce (default {@link RateLimits#discordDefaults()}). */
        public Builder rateLimits(RateLimits rateLimits) {
            this.rateLimits = Objects.requireNonNull(rateLimits, "rateLimits");
            return this;
        }

        /**
         * How long after an interaction was created its callback is accepted (default 3 s, as Discord); a later
         * callback is answered 404 with code 10062 {@code Unknown interaction}.
         *
         * @throws IllegalArgumentException if not positive
         */
        public Builder interactionAckDeadline(Duration deadline) {
            this.interactionAckDeadline = positive("interactionAckDeadline", deadline);
            return this;
        }

        /**
         * How long after an interaction was created its token works for follow-ups and {@code @original} (default 15
         * min, as Discord); later calls are answered 401 with code 50027 {@code Invalid Webhook Token}.
         *
         * @throws IllegalArgumentException if not positive
         */
        public Builder interactionTokenLifetime(Duration lifetime) {
            this.interactionTokenLifetime = positive("interactionTokenLifetime", lifetime);
            return this;
        }

        /**
         * Whether the application may use the privileged intents GUILD_MEMBERS, GUILD_PRESENCES and MESSAGE_CONTENT
         * (the Developer Portal toggles; default true). When false, an IDENTIFY asking for one is closed with 4014
         * ({@code Disallowed intent(s)}).
         */
        public Builder privilegedIntentsAllowed(boolean allowed) {
            this.privilegedIntentsAllowed = allowed;
            return this;
        }

        /**
         * The permission bits of the bot's managed role in every guild created afterwards (default ADMINISTRATOR, bit
         * 3): the permissions the bot was invited with.
         */
        public Builder botPermissions(long permissions) {
            if (permissions < 0) {
                throw new IllegalArgumentException("botPermissions must not be negative, was " + permissions);
            }
            this.botPermissions = permissions;
            return this;
        }

        /**
         * How long a client that reached {@link RateLimits#invalidRequests()} stays banned (default 1 h): every request
         * is answered 429 with {@code Retry-After} until then.
         *
         * @throws IllegalArgumentException if not positive
         */
        public Builder invalidRequestBan(Duration ban) {
            this.invalidRequestBan = positive("invalidRequestBan", ban);
            return this;
        }

        /**
         * The shard count Discord requires of this bot (default 1: no sharding needed). {@code GET /gateway/bot}
         * recommends it as {@code shards}, and an IDENTIFY without {@code shard}, or with fewer shards than this, is
         * closed with 4011 ({@code Sharding required}), as Discord closes a session that would handle too many
         * guilds. More shards than required are accepted, as Discord accepts them.
         *
         * @throws IllegalArgumentException if not in 1..1024
         */
        public Builder shards(int shards) {
            if (shards < 1 || shards > 1024) {
                throw new IllegalArgumentException("shards must be in 1..1024, was " + shards);
            }
            this.shards = shards;
            return this;
        }

        private static Duration positive(String name, Duration value) {
            Objects.requireNonNull(value, name);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, was " + value);
            }
            return value;
        }

        /**
         * Makes ids reproducible: every id (users, guilds, channels, roles, messages, ...) is the snowflake
         * of {@code instant}, plus one for each id handed out before it, instead of a snowflake of the
         * clock's time. A script that creates the same entities in the same order then gets the same ids at
         * every start, so a bot that keeps data across restarts sees the same guilds and members (default:
         * ids from the clock, different at every start).
         *
         * @throws IllegalArgumentException if {@code instant} is before the Discord epoch (2015-01-01) or
         *     after 2100-01-01
         */
        public Builder idsFrom(java.time.Instant instant) {
            Objects.requireNonNull(instant, "instant");
            if (instant.toEpochMilli() < 1_420_070_400_000L
                    || instant.isAfter(java.time.Instant.parse("2100-01-01T00:00:00Z"))) {
                throw new IllegalArgumentException("idsFrom must be between 2015-01-01 and 2100-01-01, was " + instant);
            }
            this.idsFrom = instant;
            return this;
        }

        /**
         * Starts the server.
         *
         * @throws EmulatorException if the port cannot be bound
         */
        public DiscordEmulator start() {
            return EmulatorServer.start(new Settings(
                    port,
                    botName,
                    botToken,
                    heartbeatInterval,
                    clock,
                    rateLimits,
                    interactionAckDeadline,
                    interactionTokenLifetime,
                    privilegedIntentsAllowed,
                    botPermissions,
                    invalidRequestBan,
                    idsFrom,
                    shards));
        }
    }
}
