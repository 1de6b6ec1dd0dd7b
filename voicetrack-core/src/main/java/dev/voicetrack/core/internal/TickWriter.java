package dev.voicetrack.core.internal;

import dev.voicetrack.core.AsyncXpStrategy;
import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.GuildOwnership;
import dev.voicetrack.core.Strategies;
import dev.voicetrack.core.TickReport;
import dev.voicetrack.core.VoiceTimeStrategy;
import dev.voicetrack.core.XpStrategy;
import dev.voicetrack.core.storage.Batch;
import dev.voicetrack.core.storage.LevelChange;
import dev.voicetrack.core.storage.MemberDelta;
import dev.voicetrack.core.storage.MemberTotals;
import dev.voicetrack.core.storage.SessionColumns;
import dev.voicetrack.core.storage.Storage;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * One tick: accounts every member in voice up to now, credits the per-check strategies, turns what is
 * pending into one {@link Batch} and writes it.
 *
 * <h2>Steps</h2>
 *
 * <ol>
 *   <li>Apply the queued gateway events ({@link VoiceLedger#drain}).
 *   <li>For each member in voice: account its time up to now, give the per-check voice time and XP
 *       of its guild's strategies if it is tracked, and collect its increments and (when due, see
 *       {@link OpenRowSchedule}) its open session row into the batch, while the member is in cache.
 *       Members of a guild with an async XP strategy are collected once every future has answered
 *       or the strategy timeout has passed (a late answer counts as 0, reported).
 *   <li>Add the other pending increments and the closed session rows, and write the batch.
 *   <li>On success: clear what was written, {@linkplain LevelUps raise levels} from the returned
 *       totals, invalidate the cache tags of every guild touched (once each), then emit the events
 *       that waited for the write, {@code xpGained} and {@code voiceTimeGained} per member, and the
 *       level-ups. On failure: keep everything for the next tick's batch (reported), unless it grew
 *       beyond {@code maxBufferedIncrements}, in which case the increments are dropped, loudly.
 * </ol>
 *
 * A strategy that throws or returns a negative amount counts as 0 for that member (reported). A tick
 * that takes longer than the check interval is reported. Confined to the tracker lock.
 */
final class TickWriter {
    private record AsyncXp(MemberState member, LocalDate day, int hour, CompletableFuture<Long> xp) {}

    private record WriteOutcome(boolean ok, int written, int buffered) {}

    @FunctionalInterface
    private interface LongCall {
        long call();
    }

    private final Guilds guilds;
    private final VoiceLedger ledger;
    private final PendingWrites pending;
    private final TrackingRules rules;
    private final OpenRowSchedule openRows;
    private final LevelUps levelUps;
    private final CacheTags tags;
    private final StrategyRegistry strategies;
    private final Storage storage;
    private final Dispatcher dispatcher;
    private final GuildOwnership ownership;
    private final LongSupplier nanoTime;
    private final Duration checkInterval;
    private final Duration strategyTimeout;
    private final int maxBufferedIncrements;

    /** Deltas written by the last tick, to size the next tick's lists without regrowing them. */
    private int lastBatchSize = 16;

    TickWriter(
            TrackerEngine.Settings s,
            Guilds guilds,
            VoiceLedger ledger,
            PendingWrites pending,
            TrackingRules rules,
            LevelUps levelUps,
            CacheTags tags,
            Dispatcher dispatcher) {
        this.guilds = guilds;
        this.ledger = ledger;
        this.pending = pending;
        this.rules = rules;
        this.openRows = new OpenRowSchedule(s.openSessionWriteInterval());
        this.levelUps = levelUps;
        this.tags = tags;
        this.strategies = s.strategies();
        this.storage = s.storage();
        this.dispatcher = dispatcher;
        this.ownership = s.ownership();
        this.nanoTime = s.nanoTime();
        this.checkInterval = s.checkInterval();
        this.strategyTimeout = s.strategyTimeout();
        this.maxBufferedIncrements = s.maxBufferedIncrements();
    }

    /**
     * Runs one tick. Lock held.
     *
     * @param allOpenRows write every open session row, due or not (the last tick at close)
     */
    TickReport tick(boolean allOpenRows) {
        long t0 = nanoTime.getAsLong();
        openRows.beginBatch();
        Instant now = ledger.now();
        int applied = ledger.drain(now);
        int guildCount = 0;
        int inVoice = 0;
        int trackedCount = 0;
        List<AsyncXp> asyncs = List.of();
        var deltas = new ArrayList<MemberDelta>(lastBatchSize + 16);
        var rows = SessionColumns.builder();
        List<MemberState> deferred = List.of();
        Set<Long> touched = new HashSet<>();
        for (GuildState g : guilds.all()) {
            if (g.members.isEmpty() || !ownership.owns(g.guildId)) {
                continue; // a guild lost is not credited; the next reconcile lets its members go
            }
            guildCount++;
            touched.add(g.guildId);
            GuildConfig cfg = g.config;
            boolean elapsed = Strategies.VOICE_TIME_ELAPSED.equals(cfg.voiceTimeStrategy());
            VoiceTimeStrategy vts = elapsed ? null : strategies.voiceTimeOrNull(cfg.voiceTimeStrategy());
            XpStrategy xs = strategies.xp(cfg.xpStrategy());
            AsyncXpStrategy axs = xs == null ? strategies.asyncXp(cfg.xpStrategy()) : null;
            if (cfg.enableLeveling() && xs == null && axs == null) {
                dispatcher.emit(l -> l.error(
                        "guild " + g.guildId + ": xpStrategy '" + cfg.xpStrategy() + "' is not registered; no XP given",
                        null));
            }
            if (cfg.enableVoiceTime() && !elapsed && vts == null) {
                dispatcher.emit(l -> l.error(
                        "guild " + g.guildId + ": voiceTimeStrategy '" + cfg.voiceTimeStrategy()
                                + "' is not registered; no voice time given",
                        null));
            }
            LocalDate day = g.dayOf(now);
            int hour = g.hourOf(now);
            for (ChannelState c : g.channels.values()) {
                // Nothing changes a channel during the tick, so the filters are evaluated once per
                // member: the same answer serves the accounting up to now and the per-check credit.
                for (MemberState m : c.members) {
                    inVoice++;
                    boolean tracked = rules.tracked(m);
                    ledger.accrue(m, now, tracked && cfg.enableVoiceTime());
                    if (tracked) {
                        trackedCount++;
                        if (cfg.enableVoiceTime() && vts != null) {
                            long v = safe(() -> vts.voiceTimeMs(m, m.measuredMs), m, "voiceTimeStrategy");
                            if (v > 0) {
                                pending.of(m, day, hour, now).voiceMs += v;
                            }
                        }
                        if (cfg.enableLeveling() && TrackingRules.xpAllowed(m)) {
                            if (xs != null) {
                                long x = safe(() -> xs.xp(m), m, "xpStrategy");
                                if (x > 0) {
                                    pending.of(m, day, hour, now).xp += x;
                                    m.sessionXp += x;
                                }
                            } else if (axs != null) {
                                if (asyncs.isEmpty()) {
                                    asyncs = new ArrayList<>();
                                }
                                asyncs.add(new AsyncXp(m, day, hour, startAsync(axs, m)));
                            }
                        }
                    }
                    m.measuredMs = 0;
                    if (axs == null) {
                        collect(m, now, allOpenRows, deltas, rows);
                    } else {
                        if (deferred.isEmpty()) {
                            deferred = new ArrayList<>();
                        }
                        deferred.add(m);
                    }
                }
            }
        }
        if (!asyncs.isEmpty()) {
            resolveAsync(asyncs, now);
        }
        for (MemberState m : deferred) {
            collect(m, now, allOpenRows, deltas, rows);
        }
        ledger.ticked(now);
        long computeNanos = nanoTime.getAsLong() - t0;
        WriteOutcome out = write(deltas, rows, touched);
        long totalNanos = nanoTime.getAsLong() - t0;
        boolean overran = totalNanos > checkInterval.toNanos();
        if (overran) {
            Duration took = Duration.ofNanos(totalNanos);
            dispatcher.emit(l -> l.error(
                    "tick overran: took " + took.toMillis() + " ms, check interval is " + checkInterval.toMillis()
                            + " ms",
                    null));
        }
        return new TickReport(
                now,
                guildCount,
                inVoice,
                trackedCount,
                applied,
                out.written,
                out.ok,
                out.buffered,
                Duration.ofNanos(computeNanos),
                Duration.ofNanos(totalNanos),
                overran,
                out.ok ? touched : Set.of());
    }

    // ---- per-check strategies ----

    private CompletableFuture<Long> startAsync(AsyncXpStrategy axs, MemberState m) {
        try {
            return Objects.requireNonNull(axs.xp(m), "async xp strategy returned null")
                    .toCompletableFuture();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private void resolveAsync(List<AsyncXp> asyncs, Instant now) {
        long deadline = nanoTime.getAsLong() + strategyTimeout.toNanos();
        for (AsyncXp a : asyncs) {
            long x;
            try {
                long wait = Math.max(0, deadline - nanoTime.getAsLong());
                Long v = a.xp.get(wait, TimeUnit.NANOSECONDS);
                x = v == null ? 0 : v;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                x = 0;
            } catch (Exception e) {
                long uid = a.member.userId;
                dispatcher.error("async xpStrategy failed or timed out for user " + uid, e);
                x = 0;
            }
            if (x < 0) {
                long bad = x;
                dispatcher.emit(l -> l.error("xpStrategy returned " + bad + " (< 0); counted as 0", null));
                x = 0;
            }
            if (x > 0) {
                pending.of(a.member, a.day, a.hour, now).xp += x;
                a.member.sessionXp += x;
            }
        }
    }

    private long safe(LongCall call, MemberState m, String what) {
        try {
            long v = call.call();
            if (v < 0) {
                dispatcher.emit(
                        l -> l.error(what + " returned " + v + " (< 0) for user " + m.userId + "; counted as 0", null));
                return 0;
            }
            return v;
        } catch (RuntimeException e) {
            dispatcher.error(what + " threw for user " + m.userId + " in guild " + m.guild.guildId, e);
            return 0;
        }
    }

    // ---- the batch ----

    /** Adds a member's increments (if any) to the batch, and its open session row as of {@code now} if due. */
    private void collect(
            MemberState m, Instant now, boolean allOpenRows, List<MemberDelta> deltas, SessionColumns.Builder rows) {
        pending.collect(m, deltas);
        if (openRows.take(m, now.toEpochMilli(), allOpenRows)) {
            VoiceLedger.addOpenRow(m, now, rows);
        }
    }

    /**
     * Writes the members' increments and open rows the tick collected, plus the other pending
     * increments and the closed session rows, as one batch.
     */
    private WriteOutcome write(List<MemberDelta> deltas, SessionColumns.Builder rows, Set<Long> touched) {
        pending.collectOthers(deltas, rows, touched);
        if (deltas.isEmpty() && rows.size() == 0) {
            emitWritten(List.of(), List.of());
            return new WriteOutcome(true, 0, 0);
        }
        lastBatchSize = Math.max(deltas.size(), rows.size());
        List<MemberTotals> totals;
        try {
            totals = storage.apply(new Batch(deltas, rows.build()));
        } catch (RuntimeException e) {
            dispatcher.error(
                    "storage write failed; " + deltas.size() + " increments and " + pending.closedRowCount()
                            + " closed session rows kept for the next tick",
                    e);
            openRows.batchFailed();
            if (deltas.size() > maxBufferedIncrements) {
                int lost = deltas.size();
                pending.dropIncrements();
                dispatcher.emit(l -> l.error(
                        "buffered increments exceeded maxBufferedIncrements (" + maxBufferedIncrements + "): " + lost
                                + " increments DROPPED",
                        null));
                return new WriteOutcome(false, 0, 0);
            }
            return new WriteOutcome(false, 0, deltas.size());
        }
        pending.written();
        openRows.batchWritten();
        List<LevelChange> raised = levelUps.raise(totals);
        tags.invalidateGuilds(touched);
        emitWritten(deltas, totals);
        levelUps.announce(raised);
        return new WriteOutcome(true, deltas.size(), 0);
    }

    /**
     * Emits the events that waited for the write, then {@code xpGained} and {@code voiceTimeGained}
     * once per member with what the batch added and the member's new total ({@link GainEvents}).
     */
    private void emitWritten(List<MemberDelta> deltas, List<MemberTotals> totals) {
        if (!dispatcher.hasListeners()) {
            pending.dropEvents();
            return;
        }
        dispatcher.emit(pending.takeEvents());
        if (!deltas.isEmpty()) {
            GainEvents gains = GainEvents.of(deltas, totals);
            dispatcher.emit(gains.size(), gains::event);
        }
    }
}
