package dev.voicetrack.emulator.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.voicetrack.emulator.GatewayStats;
import dev.voicetrack.emulator.RateLimits;
import io.javalin.websocket.WsCloseContext;
import io.javalin.websocket.WsConnectContext;
import io.javalin.websocket.WsContext;
import io.javalin.websocket.WsMessageContext;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway: sessions, their sequence numbers and replay buffers, and the websocket connections they ride on.
 *
 * <h2>Sessions and connections</h2>
 *
 * A session is created by IDENTIFY and outlives its connection: while it has none, dispatches still get sequence
 * numbers and go into the session's history, and a RESUME on a new connection replays every frame after the client's
 * last sequence number, then sends RESUMED. Dropped sessions answer RESUME with INVALID_SESSION (false).
 *
 * <h2>Concurrency</h2>
 *
 * Session state is guarded by {@link World#lock}: {@link #dispatch} runs inside the world's critical section and only
 * appends frames to a connection's pending queue. Frames reach the socket in {@link Connection#flush}, under the
 * connection's own send lock and outside the world lock; one flusher drains the whole queue, so any caller that has
 * flushed after enqueueing knows its frames were written, in order.
 *
 * <h2>What Discord enforces</h2>
 *
 * A connection may send {@link dev.voicetrack.emulator.RateLimits#gatewayCommands()} payloads per window (on the
 * emulator's clock); the next one closes it with 4008. A session identified with {@code shard: [id, count]} gets only
 * the guilds with {@code (guild_id >> 22) % count == id}, in READY, GUILD_CREATE and every guild dispatch; direct
 * messages go to shard 0 only. A VOICE_STATE_UPDATE (op 4) for the bot's own member is answered with a
 * VOICE_STATE_UPDATE dispatch and, when it joins a channel, a VOICE_SERVER_UPDATE to the requesting session.
 */
final class Gateway {
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
    private static final int HISTORY_LIMIT = 10_000;

    private static final int OP_DISPATCH = 0;
    private static final int OP_HEARTBEAT = 1;
    private static final int OP_IDENTIFY = 2;
    private static final int OP_PRESENCE_UPDATE = 3;
    private static final int OP_VOICE_STATE_UPDATE = 4;
    private static final int OP_RESUME = 6;
    private static final int OP_REQUEST_GUILD_MEMBERS = 8;
    private static final int OP_INVALID_SESSION = 9;
    private static final int OP_HELLO = 10;
    private static final int OP_HEARTBEAT_ACK = 11;

    /** The emulator runs no voice server: the endpoint is a host that never resolves. */
    static final String VOICE_ENDPOINT = "voice.emulator.invalid:443";

    private static final String CONNECTION_ATTRIBUTE = "voicetrack.emulator.connection";

    private final World world;
    private final int heartbeatIntervalMs;
    private volatile String gatewayUrl = "";

    // guarded by world.lock
    private final Map<String, Session> sessions = new LinkedHashMap<>();
    private boolean holding;
    private final List<Runnable> held = new ArrayList<>();

    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();

    private final AtomicLong connectionCount = new AtomicLong();
    private final AtomicLong identifies = new AtomicLong();
    private final AtomicLong resumes = new AtomicLong();
    private final AtomicLong invalidSessions = new AtomicLong();
    private final AtomicLong heartbeats = new AtomicLong();
    private final AtomicLong dispatches = new AtomicLong();

    Gateway(World world, int heartbeatIntervalMs) {
        this.world = world;
        this.heartbeatIntervalMs = heartbeatIntervalMs;
    }

    void setGatewayUrl(String gatewayUrl) {
        this.gatewayUrl = gatewayUrl;
    }

    GatewayStats stats() {
        return new GatewayStats(
                connectionCount.get(),
                identifies.get(),
                resumes.get(),
                invalidSessions.get(),
                heartbeats.get(),
                dispatches.get());
    }

    // ---------------------------------------------------------------- websocket callbacks

    void onConnect(WsConnectContext ctx) {
        Connection connection = new Connection(ctx);
        ctx.attribute(CONNECTION_ATTRIBUTE, connection);
        connections.add(connection);
        connectionCount.incrementAndGet();
        String encoding = ctx.queryParam("encoding");
        String compress = ctx.queryParam("compress");
        String version = ctx.queryParam("v");
        if (encoding != null && !encoding.equals("json")) {
            LOG.warn("Gateway client asked for encoding={}, the emulator speaks only json", encoding);
            connection.close(4002, "Only encoding=json is supported by the emulator");
            return;
        }
        if (compress != null) {
            LOG.warn("Gateway client asked for compress={}, use Compression.NONE with the emulator", compress);
            connection.close(4002, "Compression is not supported by the emulator; use Compression.NONE");
            return;
        }
        if (version != null && !version.equals("10")) {
            LOG.warn("Gateway client asked for v={}, the emulator speaks v10", version);
        }
        ObjectNode hello = Json.object().put("op", OP_HELLO);
        hello.putNull("s");
        hello.putNull("t");
        hello.putObject("d").put("heartbeat_interval", heartbeatIntervalMs);
        connection.enqueue(Json.write(hello));
        connection.flush();
    }

    void onClose(WsCloseContext ctx) {
        Connection connection = ctx.attribute(CONNECTION_ATTRIBUTE);
        if (connection == null) {
            return;
        }
        connection.open = false;
        connections.remove(connection);
        synchronized (world.lock) {
            Session session = connection.session;
            if (session != null && session.connection == connection) {
                session.connection = null;
            }
        }
        LOG.debug("Gateway connection closed: {} {}", ctx.status(), ctx.reason());
    }

    void onMessage(WsMessageContext ctx) {
        Connection connection = ctx.attribute(CONNECTION_ATTRIBUTE);
        if (connection == null || !connection.open) {
            return;
        }
        JsonNode payload;
        try {
            payload = Json.read(ctx.message());
        } catch (IllegalArgumentException e) {
            LOG.warn("Gateway client sent invalid JSON: {}", ctx.message());
            connection.close(4002, "Error while decoding payload.");
            return;
        }
        if (!connection.countCommand(
                world.clock.millis(), world.settings.rateLimits().gatewayCommands())) {
            LOG.warn("Gateway client sent more than its payloads per window; closing with 4008");
            connection.close(4008, "Rate limited.");
            return;
        }
        int op = payload.path("op").asInt(-1);
        JsonNode data = payload.path("d");
        switch (op) {
            case OP_HEARTBEAT -> {
                heartbeats.incrementAndGet();
                connection.enqueue("{\"op\":11,\"d\":null}");
                connection.flush();
            }
            case OP_IDENTIFY -> runOrHold(() -> identify(connection, data));
            case OP_RESUME -> runOrHold(() -> resume(connection, data));
            case OP_REQUEST_GUILD_MEMBERS -> requestGuildMembers(connection, data);
            case OP_VOICE_STATE_UPDATE -> voiceStateUpdate(connection, data);
            case OP_PRESENCE_UPDATE -> LOG.debug("Ignoring gateway op {}: {}", op, data);
            default -> {
                LOG.warn("Gateway client sent unknown op {}: {}", op, payload);
                connection.close(4001, "Unknown opcode.");
            }
        }
    }

    private void runOrHold(Runnable handshake) {
        synchronized (world.lock) {
            if (holding) {
                held.add(handshake);
                return;
            }
        }
        handshake.run();
    }

    // ---------------------------------------------------------------- handshakes

    private void identify(Connection connection, JsonNode data) {
        if (!connection.open) {
            return;
        }
        if (!world.botToken.equals(data.path("token").asText())) {
            LOG.warn("IDENTIFY with a wrong token; closing with 4004");
            connection.close(4004, "Authentication failed.");
            return;
        }
        JsonNode intents = data.get("intents");
        if (intents == null
                || !intents.canConvertToLong()
                || !intents.isIntegralNumber()
                || intents.asLong() < 0
                || (intents.asLong() & ~Intents.DEFINED) != 0) {
            LOG.warn("IDENTIFY with invalid intents {}; closing with 4013", intents);
            connection.close(4013, "Invalid intent(s).");
            return;
        }
        if (!world.settings.privilegedIntentsAllowed() && (intents.asLong() & Intents.PRIVILEGED) != 0) {
            LOG.warn("IDENTIFY with privileged intents {} the application may not use; closing with 4014", intents);
            connection.close(4014, "Disallowed intent(s).");
            return;
        }
        if (!validShard(data.get("shard"))) {
            LOG.warn("IDENTIFY with invalid shard {}; closing with 4010", data.get("shard"));
            connection.close(4010, "Invalid shard.");
            return;
        }
        int shardCount =
                data.path("shard").isArray() ? data.path("shard").get(1).asInt() : 1;
        if (shardCount < world.settings.shards()) {
            LOG.warn(
                    "IDENTIFY with {} shard(s) where {} are required; closing with 4011",
                    shardCount,
                    world.settings.shards());
            connection.close(4011, "Sharding required.");
            return;
        }
        synchronized (world.lock) {
            if (connection.session != null) {
                connection.closeLater(4005, "Already authenticated.");
            } else {
                JsonNode shard = data.path("shard");
                Session session = new Session(
                        UUID.randomUUID().toString().replace("-", ""),
                        data.path("intents").asInt(0),
                        shard.isArray() ? shard.get(0).asInt() : 0,
                        shard.isArray() ? shard.get(1).asInt() : 1);
                sessions.put(session.id, session);
                session.connection = connection;
                connection.session = session;
                dispatchTo(session, "READY", readyPayload(session, data));
                for (GuildImpl guild : world.guilds.values()) {
                    if (session.receives(guild.id())) {
                        dispatchTo(session, "GUILD_CREATE", world.guildJson(guild));
                    }
                }
                identifies.incrementAndGet();
            }
        }
        connection.runPendingClose();
        flush();
    }

    /** Absent, or {@code [shard_id, num_shards]} with {@code 0 <= shard_id < num_shards}. */
    private static boolean validShard(@Nullable JsonNode shard) {
        if (shard == null || shard.isNull()) {
            return true;
        }
        if (!shard.isArray()
                || shard.size() != 2
                || !shard.get(0).isIntegralNumber()
                || !shard.get(1).isIntegralNumber()) {
            return false;
        }
        long id = shard.get(0).asLong();
        long count = shard.get(1).asLong();
        return count >= 1 && id >= 0 && id < count;
    }

    private ObjectNode readyPayload(Session session, JsonNode identify) {
        ObjectNode ready = Json.object().put("v", 10);
        ready.set("user", world.selfUserJson());
        ArrayNode guilds = ready.putArray("guilds");
        for (GuildImpl guild : world.guilds.values()) {
            if (!session.receives(guild.id())) {
                continue;
            }
            guilds.addObject().put("id", Long.toUnsignedString(guild.id())).put("unavailable", true);
        }
        ready.put("session_id", session.id).put("session_type", "normal").put("resume_gateway_url", gatewayUrl);
        ready.putArray("private_channels");
        ready.putArray("relationships");
        ready.putArray("presences");
        ready.putArray("guild_join_requests");
        ready.putArray("geo_ordered_rtc_regions");
        ready.putObject("application")
                .put("id", Long.toUnsignedString(world.applicationId()))
                .put("flags", 0);
        if (identify.has("shard")) {
            ready.set("shard", identify.get("shard"));
        }
        ready.putArray("_trace").add("voicetrack-emulator");
        return ready;
    }

    private void resume(Connection connection, JsonNode data) {
        if (!connection.open) {
            return;
        }
        Connection replaced = null;
        synchronized (world.lock) {
            Session session = sessions.get(data.path("session_id").asText());
            long clientSeq = data.path("seq").asLong(0);
            boolean tokenOk = world.botToken.equals(data.path("token").asText());
            boolean replayable =
                    session != null && (session.history.isEmpty() || session.history.peekFirst().seq <= clientSeq + 1);
            if (!tokenOk || !replayable) {
                if (session != null) {
                    sessions.remove(session.id);
                }
                invalidSessions.incrementAndGet();
                connection.enqueue("{\"op\":9,\"d\":false}");
            } else {
                if (session.connection != null && session.connection != connection) {
                    replaced = session.connection;
                    replaced.session = null;
                }
                session.connection = connection;
                connection.session = session;
                int replayed = 0;
                for (Frame frame : session.history) {
                    if (frame.seq > clientSeq) {
                        connection.enqueue(frame.text);
                        replayed++;
                    }
                }
                dispatches.addAndGet(replayed);
                dispatchTo(
                        session,
                        "RESUMED",
                        Json.object().set("_trace", Json.array().add("voicetrack-emulator")));
                resumes.incrementAndGet();
                LOG.debug("Session {} resumed after seq {}, replayed {} dispatches", session.id, clientSeq, replayed);
            }
        }
        if (replaced != null) {
            replaced.close(4000, "Session resumed elsewhere");
        }
        flush();
    }

    private void requestGuildMembers(Connection connection, JsonNode data) {
        synchronized (world.lock) {
            Session session = connection.session;
            if (session == null) {
                connection.closeLater(4003, "Not authenticated.");
            } else {
                List<Long> guildIds = new ArrayList<>();
                JsonNode guildNode = data.path("guild_id");
                if (guildNode.isArray()) {
                    guildNode.forEach(node -> guildIds.add(Json.snowflake(node)));
                } else {
                    guildIds.add(Json.snowflake(guildNode));
                }
                Set<Long> userIds = new HashSet<>();
                JsonNode userNode = data.path("user_ids");
                if (userNode.isArray()) {
                    userNode.forEach(node -> userIds.add(Json.snowflake(node)));
                } else if (!userNode.isMissingNode() && !userNode.isNull()) {
                    userIds.add(Json.snowflake(userNode));
                }
                String query = data.path("query").asText("").toLowerCase(java.util.Locale.ROOT);
                int limit = data.path("limit").asInt(0);
                for (long guildId : guildIds) {
                    GuildImpl guild = world.guilds.get(guildId);
                    if (guild == null || !session.receives(guildId)) {
                        continue;
                    }
                    ObjectNode chunk = Json.object()
                            .put("guild_id", Long.toUnsignedString(guildId))
                            .put("chunk_index", 0)
                            .put("chunk_count", 1);
                    ArrayNode members = chunk.putArray("members");
                    ArrayNode notFound = chunk.putArray("not_found");
                    for (MemberImpl member : guild.members.values()) {
                        boolean wanted = userIds.isEmpty()
                                ? member.user
                                        .username()
                                        .toLowerCase(java.util.Locale.ROOT)
                                        .startsWith(query)
                                : userIds.contains(member.user.id());
                        if (wanted && (limit == 0 || members.size() < limit)) {
                            members.add(world.memberJson(member, true));
                        }
                    }
                    for (long userId : userIds) {
                        if (!guild.members.containsKey(userId)) {
                            notFound.add(Long.toUnsignedString(userId));
                        }
                    }
                    if (data.hasNonNull("nonce")) {
                        chunk.set("nonce", data.get("nonce"));
                    }
                    dispatchTo(session, "GUILD_MEMBERS_CHUNK", chunk);
                }
            }
        }
        connection.runPendingClose();
        flush();
    }

    /**
     * Op 4 for the bot's own member: joining or moving ({@code channel_id} set) is answered with VOICE_STATE_UPDATE
     * (the bot's voice session id is the gateway session id, as on Discord) and a VOICE_SERVER_UPDATE for this session;
     * leaving ({@code channel_id} null) with VOICE_STATE_UPDATE alone. A request for an unknown guild, a guild of
     * another shard, or a channel that is not one of the guild's voice channels is logged and ignored.
     */
    private void voiceStateUpdate(Connection connection, JsonNode data) {
        synchronized (world.lock) {
            Session session = connection.session;
            GuildImpl guild = world.guilds.get(Json.snowflake(data.get("guild_id")));
            long channelId = Json.snowflake(data.get("channel_id"));
            ChannelImpl channel = channelId == 0 ? null : world.channels.get(channelId);
            if (session == null) {
                connection.closeLater(4003, "Not authenticated.");
            } else if (guild == null
                    || !session.receives(guild.id())
                    || (channelId != 0
                            && (channel == null || channel.guild != guild || channel.kind != ChannelImpl.Kind.VOICE))) {
                LOG.warn("Ignoring VOICE_STATE_UPDATE for an unknown guild or voice channel: {}", data);
            } else {
                MemberImpl bot = guild.botMember;
                bot.voiceChannel = channel;
                bot.voiceSessionId = session.id;
                bot.selfMute = channel != null && data.path("self_mute").asBoolean(false);
                bot.selfDeaf = channel != null && data.path("self_deaf").asBoolean(false);
                dispatch("VOICE_STATE_UPDATE", world.voiceStateJson(bot, true), Intents.GUILD_VOICE_STATES, false);
                if (channel != null) {
                    ObjectNode server = Json.object()
                            .put("token", UUID.randomUUID().toString().replace("-", ""))
                            .put("guild_id", Long.toUnsignedString(guild.id()))
                            .put("endpoint", VOICE_ENDPOINT);
                    dispatchTo(session, "VOICE_SERVER_UPDATE", server);
                }
                world.lock.notifyAll();
            }
        }
        connection.runPendingClose();
        flush();
    }

    // ---------------------------------------------------------------- dispatching (world lock held)

    /**
     * Sends a dispatch to every session whose intents include {@code intent} (0: every session). With {@code
     * contentPrivileged}, sessions without MESSAGE_CONTENT get the payload with content, embeds, components and
     * attachments emptied, as Discord does. Caller holds the world lock and calls {@link #flush()} after releasing it.
     */
    void dispatch(String type, ObjectNode data, int intent, boolean contentPrivileged) {
        long guildId = guildOf(type, data);
        for (Session session : sessions.values()) {
            if (intent != 0 && (session.intents & intent) == 0) {
                continue;
            }
            if (!session.receives(guildId)) {
                continue;
            }
            if (contentPrivileged && (session.intents & Intents.MESSAGE_CONTENT) == 0) {
                ObjectNode stripped = data.deepCopy();
                stripped.put("content", "");
                stripped.putArray("embeds");
                stripped.putArray("components");
                stripped.putArray("attachments");
                dispatchTo(session, type, stripped);
            } else {
                dispatchTo(session, type, data);
            }
        }
    }

    /** The guild a dispatch belongs to: its {@code guild_id}, or the guild itself for GUILD_CREATE; 0 for none. */
    private static long guildOf(String type, ObjectNode data) {
        JsonNode guildId = type.equals("GUILD_CREATE") ? data.get("id") : data.get("guild_id");
        return guildId == null || guildId.isNull() ? 0 : Json.snowflake(guildId);
    }

    private void dispatchTo(Session session, String type, JsonNode data) {
        int seq = ++session.seq;
        ObjectNode frame = Json.object().put("op", OP_DISPATCH).put("s", seq).put("t", type);
        frame.set("d", data);
        String text = Json.write(frame);
        session.history.addLast(new Frame(seq, text));
        if (session.history.size() > HISTORY_LIMIT) {
            session.history.removeFirst();
        }
        if (session.connection != null) {
            session.connection.enqueue(text);
            dispatches.incrementAndGet();
        }
    }

    /** Writes every connection's pending frames. Call without holding the world lock. */
    void flush() {
        for (Connection connection : connections) {
            connection.flush();
        }
    }

    // ---------------------------------------------------------------- scripted outages

    void beginOutage(boolean resumable, boolean hold) {
        List<Connection> toClose;
        synchronized (world.lock) {
            holding = holding || hold;
            toClose = new ArrayList<>(connections);
            for (Session session : sessions.values()) {
                if (session.connection != null) {
                    session.connection.session = null;
                    session.connection = null;
                }
            }
            if (!resumable) {
                sessions.clear();
            }
        }
        for (Connection connection : toClose) {
            if (resumable) {
                connection.close(1001, "Emulated outage");
            } else {
                connection.close(4009, "Session timed out.");
            }
        }
    }

    void endOutage() {
        List<Runnable> toRun;
        synchronized (world.lock) {
            holding = false;
            toRun = new ArrayList<>(held);
            held.clear();
        }
        toRun.forEach(Runnable::run);
    }

    void closeAll() {
        endOutage();
        for (Connection connection : connections) {
            connection.close(1001, "Emulator stopped");
        }
    }

    // ---------------------------------------------------------------- state

    private record Frame(int seq, String text) {}

    private static final class Session {
        final String id;
        final int intents;
        final int shardId;
        final int shardCount;
        int seq;
        final ArrayDeque<Frame> history = new ArrayDeque<>();

        @Nullable
        Connection connection;

        Session(String id, int intents, int shardId, int shardCount) {
            this.id = id;
            this.intents = intents;
            this.shardId = shardId;
            this.shardCount = shardCount;
        }

        /** Whether the guild's events reach this session's shard; guild 0 (direct messages) goes to shard 0. */
        boolean receives(long guildId) {
            return (guildId >>> 22) % shardCount == shardId;
        }
    }

    private static final class Connection {
        private final WsContext ctx;
        private final Queue<String> pending = new ConcurrentLinkedQueue<>();
        private final Object sendLock = new Object();
        volatile boolean open = true;
        /** Guarded by the world lock. */
        @Nullable
        Session session;

        /** Payloads received in the current rate-limit window; only the socket's reader thread touches these. */
        private long windowEnd;

        private int received;

        private volatile int pendingCloseCode;
        private volatile String pendingCloseReason = "";

        Connection(WsContext ctx) {
            this.ctx = ctx;
        }

        /** Counts one received payload; false if it is over the limit's payloads for the current window. */
        boolean countCommand(long nowMillis, RateLimits.Limit limit) {
            if (nowMillis >= windowEnd) {
                windowEnd = nowMillis + limit.window().toMillis();
                received = 0;
            }
            return ++received <= limit.requests();
        }

        void enqueue(String text) {
            pending.add(text);
        }

        void flush() {
            synchronized (sendLock) {
                String text;
                while ((text = pending.poll()) != null) {
                    if (!open) {
                        pending.clear();
                        return;
                    }
                    try {
                        ctx.send(text);
                    } catch (RuntimeException e) {
                        LOG.debug("Gateway send failed; treating the connection as closed", e);
                        open = false;
                    }
                }
            }
        }

        /** Records a close to perform once the world lock is released. */
        void closeLater(int code, String reason) {
            pendingCloseReason = reason;
            pendingCloseCode = code;
        }

        void runPendingClose() {
            int code = pendingCloseCode;
            if (code != 0) {
                pendingCloseCode = 0;
                close(code, pendingCloseReason);
            }
        }

        void close(int code, String reason) {
            synchronized (sendLock) {
                if (!open) {
                    return;
                }
                open = false;
                pending.clear();
                try {
                    ctx.closeSession(code, reason);
                } catch (RuntimeException e) {
                    LOG.debug("Closing a gateway connection failed", e);
                }
            }
        }
    }
}
