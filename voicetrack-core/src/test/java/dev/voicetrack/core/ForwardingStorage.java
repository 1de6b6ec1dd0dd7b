package dev.voicetrack.core;

import dev.voicetrack.core.storage.ActivityRow;
import dev.voicetrack.core.storage.Batch;
import dev.voicetrack.core.storage.DayRange;
import dev.voicetrack.core.storage.LevelChange;
import dev.voicetrack.core.storage.LevelRaise;
import dev.voicetrack.core.storage.MemberTotals;
import dev.voicetrack.core.storage.Storage;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/** Delegates everything; tests override single methods for failure injection. */
public class ForwardingStorage implements Storage {
    protected final Storage delegate;

    public ForwardingStorage(Storage delegate) {
        this.delegate = delegate;
    }

    @Override
    public void init() {
        delegate.init();
    }

    @Override
    public int schemaVersion() {
        return delegate.schemaVersion();
    }

    @Override
    public Optional<GuildConfig> guildConfig(long guildId) {
        return delegate.guildConfig(guildId);
    }

    @Override
    public void saveGuildConfig(long guildId, GuildConfig config) {
        delegate.saveGuildConfig(guildId, config);
    }

    @Override
    public List<Long> guildIds() {
        return delegate.guildIds();
    }

    @Override
    public List<MemberTotals> apply(Batch batch) {
        return delegate.apply(batch);
    }

    @Override
    public List<LevelChange> raiseLevels(Collection<LevelRaise> raises) {
        return delegate.raiseLevels(raises);
    }

    @Override
    public Optional<MemberStats> member(long guildId, long userId) {
        return delegate.member(guildId, userId);
    }

    @Override
    public void forEachMember(long guildId, Consumer<? super MemberStats> action) {
        delegate.forEachMember(guildId, action);
    }

    @Override
    public List<LeaderboardEntry> leaderboard(
            long guildId, Metric metric, @Nullable DayRange range, int limit, int offset) {
        return delegate.leaderboard(guildId, metric, range, limit, offset);
    }

    @Override
    public OptionalInt rank(long guildId, long userId, Metric metric, @Nullable DayRange range) {
        return delegate.rank(guildId, userId, metric, range);
    }

    @Override
    public long memberCount(long guildId) {
        return delegate.memberCount(guildId);
    }

    @Override
    public List<ActivityRow> activity(long guildId, long userId, DayRange range) {
        return delegate.activity(guildId, userId, range);
    }

    @Override
    public dev.voicetrack.core.storage.HourlyActivity hourlyActivity(long guildId, DayRange range) {
        return delegate.hourlyActivity(guildId, range);
    }

    @Override
    public List<VoiceSession> openSessions() {
        return delegate.openSessions();
    }

    @Override
    public List<VoiceSession> sessions(long guildId, long userId, int limit) {
        return delegate.sessions(guildId, userId, limit);
    }

    @Override
    public MemberTotals setXp(long guildId, long userId, long xp, int level) {
        return delegate.setXp(guildId, userId, xp, level);
    }

    @Override
    public MemberTotals setLevel(long guildId, long userId, int level) {
        return delegate.setLevel(guildId, userId, level);
    }

    @Override
    public boolean resetMember(long guildId, long userId) {
        return delegate.resetMember(guildId, userId);
    }

    @Override
    public boolean deleteMember(long guildId, long userId) {
        return delegate.deleteMember(guildId, userId);
    }

    @Override
    public void deleteGuild(long guildId) {
        delegate.deleteGuild(guildId);
    }

    @Override
    public void updateMetadata(long guildId, long userId, Map<String, String> set, Collection<String> remove) {
        delegate.updateMetadata(guildId, userId, set, remove);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
