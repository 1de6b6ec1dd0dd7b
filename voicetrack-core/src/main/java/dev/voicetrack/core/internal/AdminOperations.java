package dev.voicetrack.core.internal;

import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.LevelCalculator;
import dev.voicetrack.core.TrackerListener;
import dev.voicetrack.core.storage.Batch;
import dev.voicetrack.core.storage.LevelChange;
import dev.voicetrack.core.storage.MemberDelta;
import dev.voicetrack.core.storage.MemberTotals;
import dev.voicetrack.core.storage.Storage;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * The admin operations: XP and level changes, member and guild resets and deletions, metadata and
 * config changes.
 *
 * <p>Each takes the tracker lock (so it never interleaves with a tick), writes to storage at once, and
 * drops the increments not yet written that it would otherwise be undone by: a set XP drops the
 * member's pending XP, a reset or delete everything pending of the member (after accounting its time
 * up to now), a guild deletion everything pending of the guild. A member in voice whose totals were
 * reset or deleted starts a new session at once, so its time from now on counts. The cache entries
 * the operation changed are invalidated after the write.
 */
final class AdminOperations {
    private final ReentrantLock lock;
    private final Storage storage;
    private final StrategyRegistry strategies;
    private final Guilds guilds;
    private final VoiceLedger ledger;
    private final PendingWrites pending;
    private final LevelUps levelUps;
    private final CacheTags tags;
    private final Dispatcher dispatcher;

    AdminOperations(
            ReentrantLock lock,
            Storage storage,
            StrategyRegistry strategies,
            Guilds guilds,
            VoiceLedger ledger,
            PendingWrites pending,
            LevelUps levelUps,
            CacheTags tags,
            Dispatcher dispatcher) {
        this.lock = lock;
        this.storage = storage;
        this.strategies = strategies;
        this.guilds = guilds;
        this.ledger = ledger;
        this.pending = pending;
        this.levelUps = levelUps;
        this.tags = tags;
        this.dispatcher = dispatcher;
    }

    /** Adds XP as an increment of its own (today, channel 0), then raises the level if a threshold is crossed. */
    MemberTotals addXp(long guildId, long userId, long xp) {
        Ids.checkMember(guildId, userId);
        checkXp(xp);
        lock.lock();
        try {
            Instant now = ledger.now();
            LocalDate day = guilds.get(guildId).dayOf(now);
            List<MemberTotals> totals = storage.apply(
                    new Batch(List.of(new MemberDelta(guildId, userId, 0, day, 0, xp, 0, 0, now)), List.of()));
            List<LevelChange> ups = levelUps.raise(totals);
            MemberTotals t = totals.get(0);
            tags.invalidateMember(guildId, userId);
            if (xp > 0) {
                var ev = new TrackerListener.XpGained(guildId, userId, xp, t.xp());
                dispatcher.emit(l -> l.xpGained(ev));
            }
            levelUps.announce(ups);
            return ups.isEmpty()
                    ? t
                    : new MemberTotals(guildId, userId, t.xp(), ups.get(0).newLevel(), t.voiceTimeMs());
        } finally {
            lock.unlock();
        }
    }

    /** Sets XP and the level it reaches; XP not yet written is dropped so no tick adds it on top. */
    MemberTotals setXp(long guildId, long userId, long xp) {
        Ids.checkMember(guildId, userId);
        checkXp(xp);
        lock.lock();
        try {
            int level = LevelCalculator.level(xp, guilds.levelMultiplier(guildId));
            pending.dropXp(guildId, userId, ledger.member(guildId, userId));
            MemberTotals t = storage.setXp(guildId, userId, xp, level);
            tags.invalidateMember(guildId, userId);
            emitLevelSet(t);
            return t;
        } finally {
            lock.unlock();
        }
    }

    MemberTotals setLevel(long guildId, long userId, int level) {
        Ids.checkMember(guildId, userId);
        if (level < 0) {
            throw new IllegalArgumentException("level must be >= 0, was " + level);
        }
        lock.lock();
        try {
            MemberTotals t = storage.setLevel(guildId, userId, level);
            tags.invalidateMember(guildId, userId);
            emitLevelSet(t);
            return t;
        } finally {
            lock.unlock();
        }
    }

    /** Resets a member's totals, keeping its metadata; a member in voice starts a new session. */
    boolean resetUser(long guildId, long userId) {
        Ids.checkMember(guildId, userId);
        lock.lock();
        try {
            boolean existed = replaceMember(guildId, userId, () -> storage.resetMember(guildId, userId));
            tags.invalidateMember(guildId, userId);
            var ev = new TrackerListener.LevelSet(guildId, userId, 0, 0);
            dispatcher.emit(l -> l.levelSet(ev));
            return existed;
        } finally {
            lock.unlock();
        }
    }

    /** Deletes a member and all its data; a member in voice starts a new session. */
    boolean deleteUser(long guildId, long userId) {
        Ids.checkMember(guildId, userId);
        boolean existed;
        lock.lock();
        try {
            existed = replaceMember(guildId, userId, () -> {
                guilds.get(guildId).lastMessageXp.remove(userId);
                return storage.deleteMember(guildId, userId);
            });
        } finally {
            lock.unlock();
        }
        tags.invalidateMember(guildId, userId);
        dispatcher.emit(l -> l.userDeleted(guildId, userId));
        return existed;
    }

    /** Deletes a guild's data and config; members in voice start new sessions under the default config. */
    void deleteGuild(long guildId) {
        Ids.checkGuild(guildId);
        lock.lock();
        try {
            Instant now = ledger.now();
            ledger.drain(now);
            GuildState g = guilds.get(guildId);
            ledger.accrueGuild(g, now);
            pending.forgetGuild(g);
            storage.deleteGuild(guildId);
            g.lastMessageXp.clear();
            guilds.changeConfig(g, guilds.defaultConfig());
            for (MemberState m : g.members.values()) {
                ledger.startSession(m, now);
            }
        } finally {
            lock.unlock();
        }
        tags.invalidateGuild(guildId);
    }

    void editMetadata(long guildId, long userId, Map<String, String> set, Collection<String> remove) {
        Ids.checkMember(guildId, userId);
        Objects.requireNonNull(set, "set must not be null");
        Objects.requireNonNull(remove, "remove must not be null");
        storage.updateMetadata(guildId, userId, set, remove);
        tags.invalidateMember(guildId, userId);
    }

    /**
     * Stores a guild's config and runs it from now: the guild's members are accounted up to now under
     * the old config first.
     *
     * @throws IllegalArgumentException if the config names a strategy that is not registered
     */
    void updateConfig(long guildId, GuildConfig config) {
        Objects.requireNonNull(config, "config must not be null");
        strategies.validate(config);
        GuildConfig effective = guilds.effective(config);
        lock.lock();
        try {
            storage.saveGuildConfig(guildId, config);
            GuildState g = guilds.get(guildId);
            Instant now = ledger.now();
            ledger.drain(now);
            ledger.accrueGuild(g, now);
            guilds.changeConfig(g, effective);
        } finally {
            lock.unlock();
        }
        tags.invalidateGuild(guildId);
        dispatcher.emit(l -> l.configUpdated(guildId, effective));
    }

    private void emitLevelSet(MemberTotals t) {
        var ev = new TrackerListener.LevelSet(t.guildId(), t.userId(), t.level(), t.xp());
        dispatcher.emit(l -> l.levelSet(ev));
    }

    private static void checkXp(long xp) {
        if (xp < 0) {
            throw new IllegalArgumentException("xp must be >= 0, was " + xp);
        }
    }

    /**
     * Replaces a member's stored data by what {@code change} leaves: the queued events are applied, the
     * member is accounted up to now and everything of it not yet written is dropped, then the change
     * runs, then a member in voice starts a new session. Lock held.
     *
     * @return what {@code change} returned: whether the member existed in storage
     */
    private boolean replaceMember(long guildId, long userId, BooleanSupplier change) {
        Instant now = ledger.now();
        ledger.drain(now);
        MemberState before = ledger.member(guildId, userId);
        if (before != null) {
            ledger.accrueChannel(before.channel, now);
        }
        pending.forgetMember(guildId, userId, before);
        boolean existed = change.getAsBoolean();
        MemberState after = ledger.member(guildId, userId);
        if (after != null) {
            ledger.startSession(after, now);
        }
        return existed;
    }
}
