package dev.voicetrack.core;

import dev.voicetrack.cache.Cache;
import dev.voicetrack.core.storage.InMemoryStorage;
import dev.voicetrack.core.storage.Storage;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;

/** A tracker over in-memory storage with a manual clock, and helpers to drive it. */
public final class Fixture implements AutoCloseable {
    public static final long G = 1001;
    public static final long C1 = 2001;
    public static final long C2 = 2002;
    public static final long TEXT = 3001;

    public final TestClock clock = TestClock.at("2024-03-10T12:00:00Z");
    public final Storage storage;
    public final VoiceTracker tracker;
    public final Recorder events = new Recorder();

    public Fixture() {
        this(GuildConfig.defaults(), null, new InMemoryStorage());
    }

    public Fixture(GuildConfig config) {
        this(config, null, new InMemoryStorage());
    }

    public Fixture(GuildConfig config, @Nullable Cache<Object> cache, Storage storage) {
        this(VoiceTracker.builder().manualTicks().defaultConfig(config), cache, storage, VoiceView.EMPTY);
    }

    public Fixture(VoiceTrackerBuilder b, @Nullable Cache<Object> cache, Storage storage, VoiceView view) {
        this.storage = storage;
        b.storage(storage).ownsStorage(false).clock(clock).view(view); // tests read it after close
        if (cache != null) {
            b.cache(cache);
        }
        this.tracker = b.build();
        tracker.addListener(events);
        tracker.start();
    }

    public void join(long user, long channel) {
        tracker.accept(new GatewayEvent.VoiceJoined(G, user, channel, MemberInfo.PLAIN, VoiceFlags.NONE));
    }

    public void join(long user, long channel, MemberInfo info) {
        tracker.accept(new GatewayEvent.VoiceJoined(G, user, channel, info, VoiceFlags.NONE));
    }

    public void leave(long user) {
        tracker.accept(new GatewayEvent.VoiceLeft(G, user));
    }

    public void move(long user, long channel) {
        tracker.accept(new GatewayEvent.VoiceMoved(G, user, channel));
    }

    public void flags(long user, VoiceFlags flags) {
        tracker.accept(new GatewayEvent.VoiceFlagsChanged(G, user, flags));
    }

    public void message(long user) {
        tracker.accept(new GatewayEvent.MessageSent(G, user, TEXT, MemberInfo.PLAIN));
    }

    public TickReport tickAfterSeconds(long seconds) {
        clock.advanceSeconds(seconds);
        return tracker.tickNow();
    }

    public MemberStats user(long user) {
        return storage.member(G, user).orElseThrow();
    }

    public List<Object> flushed() {
        tracker.flushEvents();
        return events.all;
    }

    @Override
    public void close() {
        tracker.close();
    }

    /** Records every event. */
    public static final class Recorder implements TrackerListener {
        public final List<Object> all = new CopyOnWriteArrayList<>();
        public final List<String> errors = new CopyOnWriteArrayList<>();

        @Override
        public void xpGained(XpGained event) {
            all.add(event);
        }

        @Override
        public void voiceTimeGained(VoiceTimeGained event) {
            all.add(event);
        }

        @Override
        public void levelUp(LevelUp event) {
            all.add(event);
        }

        @Override
        public void sessionStart(VoiceSession session) {
            all.add("start:" + session.userId() + ":" + session.channelId());
        }

        @Override
        public void sessionEnd(VoiceSession session) {
            all.add(session);
        }

        @Override
        public void configUpdated(long guildId, GuildConfig config) {
            all.add("config:" + guildId);
        }

        @Override
        public void userDeleted(long guildId, long userId) {
            all.add("deleted:" + userId);
        }

        @Override
        public void error(String context, @Nullable Throwable error) {
            errors.add(context);
        }

        public <T> List<T> of(Class<T> type) {
            return all.stream().filter(type::isInstance).map(type::cast).toList();
        }
    }
}
