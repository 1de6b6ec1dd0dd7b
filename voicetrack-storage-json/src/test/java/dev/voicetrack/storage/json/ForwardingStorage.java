package dev.voicetrack.storage.json;

import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.LeaderboardEntry;
import dev.voicetrack.core.MemberStats;
import dev.voicetrack.core.Metric;
import dev.voicetrack.core.VoiceSession;
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

/**
 * A storage that forwards every SPI method but keeps the DEFAULT {@code exportGuild} and {@code
 * importGuild}, to test them on a real backend.
 */
final class ForwardingStorage implements Storage {
    private final Storage d;

    ForwardingStorage(Storage delegate) {
        this.d = delegate;
    }

    @Override
    public void init() {
        d.init();
    }

    @Override
    public int schemaVersion() {
        return d.schemaVersion();
    }

    @Override
    public Optional<GuildConfig> guildConfig(long guildId) {
        return d.guildConfig(guildId);
    }

    @Override
    public void saveGuildConfig(long guildId, GuildConfig config) {
        d.saveGuildConfig(guildId, config);
    }

    @Override
    public List<Long> guildIds() {
        return d.guildIds();
    }

    @Override
    public List<MemberTotals> apply(Batch batch) {
        return d.apply(batch);
    }

    @Override
    public List<LevelChange> raiseLevels(Collection<LevelRaise> raises) {
        return d.raiseLevels(raises);
    }

    @Override
    public Optional<MemberStats> member(long guildId, long userId) {
        return d.member(guildId, userId);
    }

    @Override
    public void forEachMember(long guildId, Consumer<? super MemberStats> action) {
        d.forEachMember(guildId, action);
    }

    @Override
    public List<LeaderboardEntry> leaderboard(
            long guildId, Metric metric, @Nullable DayRange range, int limit, int offset) {
        return d.leaderboard(guildId, metric, range, limit, offset);
    }

    @Override
    public OptionalInt rank(long guildId, long userId, Metric metric, @Nullable DayRange range) {
        return d.rank(guildId, userId, metric, range);
    }

    @Override
    public long memberCount(long guildId) {
        return d.memberCount(guildId);
    }

    @Override
    public List<ActivityRow> activity(long guildId, long userId, DayRange range) {
        return d.activity(guildId, userId, range);
    }

    @Override
    public dev.voicetrack.core.storage.HourlyActivity hourlyActivity(long guildId, DayRange range) {
        return d.hourlyActivity(guildId, range);
    }

    @Override
    public List<VoiceSession> openSessions() {
        return d.openSessions();
    }

    @Override
    public List<VoiceSession> sessions(long guildId, long userId, int limit) {
        return d.sessions(guildId, userId, limit);
    }

    @Override
    public MemberTotals setXp(long guildId, long userId, long xp, int level) {
        return d.setXp(guildId, userId, xp, level);
    }

    @Override
    public MemberTotals setLevel(long guildId, long userId, int level) {
        return d.setLevel(guildId, userId, level);
    }

    @Override
    public boolean resetMember(long guildId, long userId) {
        return d.resetMember(guildId, userId);
    }

    @Override
    public boolean deleteMember(long guildId, long userId) {
        return d.deleteMember(guildId, userId);
    }

    @Override
    public void deleteGuild(long guildId) {
        d.deleteGuild(guildId);
    }

    @Override
    public void updateMetadata(long guildId, long userId, Map<String, String> set, Collection<String> remove) {
        d.updateMetadata(guildId, userId, set, remove);
    }

    @Override
    public void close() {
        d.close();
    }
}
