package dev.voicetrack.bot.internal;

import dev.voicetrack.cache.redis.JacksonCodec;
import dev.voicetrack.cache.redis.RedisPubSub;
import dev.voicetrack.cache.redis.Subscription;
import dev.voicetrack.cache.redis.ValueCodec;
import dev.voicetrack.core.TickReport;
import dev.voicetrack.core.TrackerListener;
import io.javalin.http.sse.SseClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the dashboard's open pages that a tick landed, over server-sent events: one {@code tick} event
 * per completed tick, after the tick's write has committed (the tracker calls its listeners then). A
 * page reloads its figures when it gets one, so what it shows is never older than the last tick.
 *
 * <h2>Several processes</h2>
 * With {@code REDIS_URL} each process ticks only the guilds of its shards, but any process serves any
 * guild's page. So every written tick is also published on the Redis channel {@value #CHANNEL} (under
 * {@code REDIS_KEY_PREFIX}, through {@link RedisPubSub}, which works on a Redis Cluster too), and every
 * tick received there is sent to this process's pages as well. A message carries the id of the
 * process that sent it; a process hears its own messages too and drops them, since it already told
 * its pages. Redis is only a second path: the local pages get a local tick before it is published and
 * whatever Redis does, so while Redis is down they still follow this process's guilds (ticks of other
 * processes' guilds are lost then, as Redis pub/sub loses any message a subscriber was not there for;
 * the next one brings the page up to date, since it reloads everything it shows).
 *
 * <h2>Event data</h2>
 * {@code {"at": <tick time>, "tick": <n>, "guilds": ["<id>", ...]}}: {@code tick} counts the events
 * this process sent; {@code guilds} the guilds whose stored figures the tick may have changed ({@link
 * TickReport#guildsWritten}), so a leaderboard or profile of another guild may skip its reload. It is
 * absent (meaning "any guild") when more than {@value #MAX_GUILDS} guilds
 * changed, which keeps an event small on a process with many guilds. Events carry no member data: a
 * page fetches what it shows through the same routes that check its input.
 *
 * <p>A client that has gone is dropped at its next event. Thread safe: ticks arrive on the tracker's
 * listener thread and remote ones on the pub/sub delivery thread; each stream has one writer at a time.
 */
final class LiveUpdates implements TrackerListener {
    private static final Logger LOG = LoggerFactory.getLogger(LiveUpdates.class);

    /** The Redis channel of the ticks, under {@code REDIS_KEY_PREFIX}. */
    static final String CHANNEL = "dashboard:ticks";

    /** Above this many changed guilds an event names none (any guild may have changed). */
    static final int MAX_GUILDS = 200;

    /**
     * What travels between processes.
     *
     * @param origin the sending process's id, so that it can drop its own messages
     * @param at the tick's time
     * @param guilds the guilds changed by the tick, as text (ids exceed JavaScript's exact integers);
     *     null for "any"
     */
    record TickMessage(String origin, String at, @Nullable List<String> guilds) {}

    private static final ValueCodec<TickMessage> CODEC = JacksonCodec.of(TickMessage.class);

    private final String origin = UUID.randomUUID().toString();
    private final Set<SseClient> clients = ConcurrentHashMap.newKeySet();
    private final AtomicLong ticks = new AtomicLong();
    private final AtomicBoolean publishFailing = new AtomicBoolean();
    private volatile @Nullable RedisPubSub pubSub;
    private volatile @Nullable Subscription subscription;

    /** Keeps {@code client} open and sends it every tick from now on. */
    void join(SseClient client) {
        client.keepAlive();
        client.onClose(() -> clients.remove(client));
        clients.add(client);
        client.sendComment("connected");
    }

    /** Pages listening now. */
    int listeners() {
        return clients.size();
    }

    /**
     * Shares ticks with the other processes on {@code pubSub}'s Redis from now on: this process's are
     * published, theirs forwarded to the local pages. The caller keeps the connector open until {@link
     * #disconnect}.
     */
    void connect(RedisPubSub pubSub) {
        Objects.requireNonNull(pubSub, "pubSub");
        this.pubSub = pubSub;
        subscription = pubSub.subscribe(CHANNEL, CODEC, this::received);
    }

    /** Stops sharing ticks and closes the pub/sub given to {@link #connect}; local pages go on. */
    void disconnect() {
        RedisPubSub ps = pubSub;
        pubSub = null;
        Subscription s = subscription;
        subscription = null;
        if (s != null) {
            s.close();
        }
        if (ps != null) {
            ps.close();
        }
    }

    @Override
    public void tickCompleted(TickReport report) {
        if (!report.written()) {
            return; // nothing new is readable: the increments wait for the next tick
        }
        List<String> guilds = named(report.guildsWritten());
        String at = report.at().toString();
        send(at, guilds);
        publish(new TickMessage(origin, at, guilds));
    }

    private void received(TickMessage message) {
        if (origin.equals(message.origin())) {
            return; // this process told its pages when the tick completed
        }
        send(message.at(), message.guilds());
    }

    private void send(String at, @Nullable List<String> guilds) {
        long n = ticks.incrementAndGet();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("at", at);
        data.put("tick", n);
        if (guilds != null) {
            data.put("guilds", guilds);
        }
        for (SseClient c : clients) {
            if (c.terminated()) {
                clients.remove(c);
                continue;
            }
            synchronized (c) { // one writer per stream: local ticks, remote ticks and joins race
                c.sendEvent("tick", data, Long.toString(n));
            }
        }
    }

    private void publish(TickMessage message) {
        RedisPubSub ps = pubSub;
        if (ps == null) {
            return;
        }
        ps.publish(CHANNEL, message, CODEC).whenComplete((receivers, error) -> {
            if (error == null) {
                if (publishFailing.compareAndSet(true, false)) {
                    LOG.info("Live updates reach the other processes through Redis again");
                }
            } else if (publishFailing.compareAndSet(false, true)) {
                LOG.warn(
                        "Live updates cannot reach the other processes while Redis is unreachable ({});"
                                + " this process's pages still follow its own ticks",
                        error.toString());
            }
        });
    }

    /** The guilds a page may look for, as text (ids exceed JavaScript's exact integers); null for "any". */
    private static @Nullable List<String> named(Set<Long> guilds) {
        if (guilds.size() > MAX_GUILDS) {
            return null;
        }
        List<String> ids = new ArrayList<>(guilds.size());
        for (long id : new TreeSet<>(guilds)) {
            ids.add(Long.toString(id));
        }
        return ids;
    }
}
