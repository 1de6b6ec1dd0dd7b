package dev.voicetrack.core.internal;

import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.TestClock;
import dev.voicetrack.core.TrackerListener;
import dev.voicetrack.core.VoiceSession;
import dev.voicetrack.core.storage.InMemoryStorage;
import dev.voicetrack.core.storage.MemberDelta;
import dev.voicetrack.core.storage.SessionColumns;
import dev.voicetrack.core.storage.Storage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The ledger and what it writes to, wired as the engine wires them but without ticks, storage writes
 * or threads: listeners run on the calling thread and the test reads the pending batch directly.
 */
final class LedgerHarness {
    final TestClock clock = TestClock.at("2024-03-10T12:00:00Z");
    final Storage storage;
    final ReentrantLock lock = new ReentrantLock();
    final Dispatcher dispatcher = new Dispatcher(Runnable::run);
    final List<String> errors = new ArrayList<>();
    final Guilds guilds;
    final PendingWrites pending = new PendingWrites();
    final VoiceLedger ledger;

    LedgerHarness(GuildConfig config) {
        this(config, new InMemoryStorage());
    }

    LedgerHarness(GuildConfig config, Storage storage) {
        this.storage = storage;
        storage.init();
        dispatcher.add(new TrackerListener() {
            @Override
            public void error(String context, @Nullable Throwable error) {
                errors.add(context);
            }
        });
        guilds = new Guilds(storage, config, new StrategyRegistry(), dispatcher, lock);
        ledger = new VoiceLedger(
                clock,
                guilds,
                pending,
                new TrackingRules(dispatcher),
                dispatcher,
                dev.voicetrack.core.GuildOwnership.ALL);
    }

    /** Applies the queued events at the clock's instant. */
    int drain() {
        return ledger.drain(ledger.now());
    }

    /** Accounts every member of a guild up to the clock's instant. */
    void accrueAll(long guildId) {
        ledger.accrueGuild(guilds.get(guildId), ledger.now());
    }

    /** The increments pending, as a tick would put them in its batch (members in voice first). */
    List<MemberDelta> deltas() {
        var deltas = new ArrayList<MemberDelta>();
        for (GuildState g : guilds.all()) {
            for (MemberState m : g.members.values()) {
                pending.collect(m, deltas);
            }
        }
        pending.collectOthers(deltas, SessionColumns.builder(), new HashSet<>());
        return deltas;
    }

    /** The closed session rows pending. */
    List<VoiceSession> closedRows() {
        var rows = SessionColumns.builder();
        pending.collectOthers(new ArrayList<>(), rows, new HashSet<>());
        return rows.build();
    }

    /** The events waiting for the write, as "sessionStart:<channel>" / "sessionEnd:<channel>". */
    List<String> events() {
        var seen = new ArrayList<String>();
        TrackerListener recorder = new TrackerListener() {
            @Override
            public void sessionStart(VoiceSession s) {
                seen.add("sessionStart:" + s.channelId());
            }

            @Override
            public void sessionEnd(VoiceSession s) {
                seen.add("sessionEnd:" + s.channelId());
            }
        };
        for (Consumer<TrackerListener> e : pending.takeEvents()) {
            e.accept(recorder);
        }
        return seen;
    }

    @Nullable
    MemberState member(long guildId, long userId) {
        return ledger.member(guildId, userId);
    }

    Instant now() {
        return clock.instant();
    }
}
