package dev.voicetrack.cache.jcache.internal;

import dev.voicetrack.cache.redis.RedisConnector;
import dev.voicetrack.cache.redis.RedisPubSub;
import dev.voicetrack.cache.redis.Subscription;
import dev.voicetrack.cache.redis.ValueCodec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import javax.cache.event.EventType;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link EventChannel} of one Redis cache: a Redis pub/sub channel per cache name ({@code
 * jc-ev:<redis name>}, under the connector's key prefix), on the pub/sub of the cache manager's
 * connector.
 *
 * <p>Every message carries the sending cache's origin, a random id per cache object, so a cache
 * drops its own events (its listeners had them locally) while another cache manager of the same
 * process, which is another cache as far as JCache goes, hears them. {@link #listen} subscribes and
 * then publishes probes with a fresh token until one comes back: SUBSCRIBE is answered on the pub/sub
 * connection, so its own reply is the only proof that the server delivers to this subscriber. Events
 * that arrive before that reply are dropped: this process sent them before it began listening (its
 * probe goes out on the same connection after them), or another process made its change while the
 * listener was being registered, which JCache does not order. Without that, a cache closed and
 * created again under the same name could hear the old one's last changes.
 */
final class RedisEventChannel implements EventChannel {

    private static final Logger LOG = LoggerFactory.getLogger(RedisEventChannel.class);

    /** How long {@link #listen} waits for the subscription to be live before returning anyway. */
    static final Duration SUBSCRIBE_WAIT = Duration.ofSeconds(2);

    private static final Duration PROBE_EVERY = Duration.ofMillis(50);
    private static final int VERSION = 1;
    private static final EventType[] TYPES = EventType.values();

    private final RedisPubSub pubSub;
    private final RedisConnector connector;
    private final String channel;
    private final String origin = UUID.randomUUID().toString();
    private @Nullable Subscription subscription; // guarded by this
    private volatile @Nullable Probe probe;
    // false until the subscription is confirmed: what arrives before was published before listening began
    private volatile boolean live;

    RedisEventChannel(RedisPubSub pubSub, RedisConnector connector, String channel) {
        this.pubSub = pubSub;
        this.connector = connector;
        this.channel = channel;
    }

    @Override
    public void publish(EventType type, String key, byte @Nullable [] value, byte @Nullable [] oldValue) {
        send(new Message(origin, null, type, key, value, oldValue));
    }

    private void send(Message message) {
        pubSub.publish(channel, message, CODEC).exceptionally(e -> {
            LOG.debug("publishing a JCache event on {} failed", channel, e);
            return 0L;
        });
    }

    @Override
    public void listen(Consumer<Event> handler) {
        synchronized (this) {
            if (subscription != null) {
                return;
            }
            subscription = pubSub.subscribe(channel, CODEC, m -> onMessage(m, handler));
        }
        awaitSubscribed();
    }

    private void awaitSubscribed() {
        if (!connector.health().connected()) {
            live = true; // renewed by the pub/sub once Redis is back; nothing to wait for now
            return;
        }
        var p = new Probe(UUID.randomUUID().toString(), new CompletableFuture<>());
        probe = p;
        long waited = 0;
        try {
            while (waited < SUBSCRIBE_WAIT.toMillis()) {
                send(new Message(origin, p.token, EventType.CREATED, "", null, null));
                try {
                    p.heard.get(PROBE_EVERY.toMillis(), TimeUnit.MILLISECONDS);
                    return;
                } catch (TimeoutException e) {
                    waited += PROBE_EVERY.toMillis();
                }
            }
            LOG.warn(
                    "JCache listeners on {} may miss other processes' events: subscription not confirmed in {}",
                    channel,
                    SUBSCRIBE_WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IllegalStateException("probe future failed", e); // never completed exceptionally
        } finally {
            probe = null;
            live = true;
        }
    }

    private void onMessage(Message m, Consumer<Event> handler) {
        if (m.origin.equals(origin)) {
            Probe p = probe;
            if (m.probe != null && p != null && p.token.equals(m.probe)) {
                live = true;
                p.heard.complete(null);
            }
            return;
        }
        if (m.probe == null && live) {
            handler.accept(new Event(m.type, m.key, m.value, m.oldValue));
        }
    }

    @Override
    public synchronized void close() {
        if (subscription != null) {
            subscription.close();
            subscription = null;
        }
    }

    private record Probe(String token, CompletableFuture<Void> heard) {}

    /** A message on the channel: an event, or (with a token) a probe of the sender's subscription. */
    private record Message(
            String origin,
            @Nullable String probe,
            EventType type,
            String key,
            byte @Nullable [] value,
            byte @Nullable [] oldValue) {}

    private static final ValueCodec<Message> CODEC = new ValueCodec<>() {
        @Override
        public byte[] encode(Message m) {
            int size = 64 + m.key.length() * 3 + length(m.value) + length(m.oldValue);
            var bytes = new ByteArrayOutputStream(size);
            try (var out = new DataOutputStream(bytes)) {
                out.writeByte(VERSION);
                out.writeUTF(m.origin);
                out.writeUTF(m.probe == null ? "" : m.probe);
                out.writeByte(m.type.ordinal());
                writeBytes(out, m.key.getBytes(StandardCharsets.UTF_8));
                writeBytes(out, m.value);
                writeBytes(out, m.oldValue);
            } catch (IOException e) {
                throw new IllegalArgumentException("event could not be written: " + e, e);
            }
            return bytes.toByteArray();
        }

        @Override
        public Message decode(byte[] bytes) {
            try (var in = new DataInputStream(new ByteArrayInputStream(bytes))) {
                int version = in.readByte();
                if (version != VERSION) {
                    throw new IllegalArgumentException("event format must be " + VERSION + ", was " + version);
                }
                String origin = in.readUTF();
                String probe = in.readUTF();
                int type = in.readByte();
                if (type < 0 || type >= TYPES.length) {
                    throw new IllegalArgumentException(
                            "event type must be 0 to " + (TYPES.length - 1) + ", was " + type);
                }
                byte[] key = readBytes(in);
                return new Message(
                        origin,
                        probe.isEmpty() ? null : probe,
                        TYPES[type],
                        new String(key == null ? new byte[0] : key, StandardCharsets.UTF_8),
                        readBytes(in),
                        readBytes(in));
            } catch (IOException e) {
                throw new IllegalArgumentException("bytes are not a JCache event: " + e, e);
            }
        }
    };

    private static int length(byte @Nullable [] b) {
        return b == null ? 0 : b.length;
    }

    private static void writeBytes(DataOutputStream out, byte @Nullable [] b) throws IOException {
        if (b == null) {
            out.writeInt(-1);
        } else {
            out.writeInt(b.length);
            out.write(b);
        }
    }

    private static byte @Nullable [] readBytes(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }
}
