package dev.voicetrack.testkit.storage;

import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.LeaderboardEntry;
import dev.voicetrack.core.MemberStats;
import dev.voicetrack.core.Metric;
import dev.voicetrack.core.VoiceSession;
import dev.voicetrack.core.storage.ActivityRow;
import dev.voicetrack.core.storage.Batch;
import dev.voicetrack.core.storage.DayRange;
import dev.voicetrack.core.storage.LevelRaise;
import dev.voicetrack.core.storage.MemberDelta;
import dev.voicetrack.core.storage.MemberTotals;
import dev.voicetrack.testkit.storage.ForwardMigrationFixture.Apply;
import dev.voicetrack.testkit.storage.ForwardMigrationFixture.Delete;
import dev.voicetrack.testkit.storage.ForwardMigrationFixture.Metadata;
import dev.voicetrack.testkit.storage.ForwardMigrationFixture.Op;
import dev.voicetrack.testkit.storage.ForwardMigrationFixture.Raise;
import dev.voicetrack.testkit.storage.ForwardMigrationFixture.Reset;
import dev.voicetrack.testkit.storage.ForwardMigrationFixture.SaveConfig;
import dev.voicetrack.testkit.storage.ForwardMigrationFixture.SetLevel;
import dev.voicetrack.testkit.storage.ForwardMigrationFixture.SetXp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The storage contract's rules, written plainly over maps, so that the expectations do not come
 * from any backend's code. Not thread safe; small data only.
 */
final class FixtureModel implements FixtureView.View {
    static final class M {
        final long guildId;
        final long userId;
        long voice;
        long xp;
        int level;
        long sessions;
        long messages;
        long lastSeen;
        int streak;
        LocalDate lastActiveDay = LocalDate.EPOCH;
        final TreeMap<Long, long[]> channels = new TreeMap<>();
        final TreeMap<String, String> metadata = new TreeMap<>();
        final TreeMap<LocalDate, TreeMap<Long, long[]>> daily = new TreeMap<>();

        M(long guildId, long userId) {
            this.guildId = guildId;
            this.userId = userId;
        }

        long value(Metric metric) {
            return switch (metric) {
                case XP -> xp;
                case VOICE_TIME -> voice;
                case LEVEL -> level;
                case MESSAGES -> messages;
            };
        }
    }

    final Map<Long, GuildConfig> configs = new TreeMap<>();
    final Map<Long, TreeMap<Long, M>> members = new TreeMap<>();
    final Map<String, VoiceSession> sessions = new TreeMap<>();

    private M get(long g, long u) {
        return members.computeIfAbsent(g, k -> new TreeMap<>()).computeIfAbsent(u, k -> new M(g, u));
    }

    private @Nullable M find(long g, long u) {
        var byUser = members.get(g);
        return byUser == null ? null : byUser.get(u);
    }

    @Nullable
    List<MemberTotals> run(Op op) {
        if (op instanceof SaveConfig c) {
            configs.put(c.guildId(), c.config());
        } else if (op instanceof Apply a) {
            return apply(a.batch());
        } else if (op instanceof Raise r) {
            for (LevelRaise raise : r.raises()) {
                M m = find(raise.guildId(), raise.userId());
                if (m != null && raise.level() > m.level) {
                    m.level = raise.level();
                }
            }
        } else if (op instanceof SetXp x) {
            M m = get(x.guildId(), x.userId());
            m.xp = x.xp();
            m.level = x.level();
        } else if (op instanceof SetLevel l) {
            get(l.guildId(), l.userId()).level = l.level();
        } else if (op instanceof Metadata md) {
            M m = get(md.guildId(), md.userId());
            m.metadata.putAll(md.set());
            md.remove().forEach(m.metadata::remove);
        } else if (op instanceof Reset r) {
            M old = find(r.guildId(), r.userId());
            if (old != null) {
                M fresh = new M(r.guildId(), r.userId());
                fresh.metadata.putAll(old.metadata);
                members.get(r.guildId()).put(r.userId(), fresh);
                dropSessions(r.guildId(), r.userId());
            }
        } else if (op instanceof Delete d) {
            var byUser = members.get(d.guildId());
            if (byUser != null) {
                byUser.remove(d.userId());
            }
            dropSessions(d.guildId(), d.userId());
        } else {
            throw new IllegalArgumentException("unknown op " + op);
        }
        return null;
    }

    private List<MemberTotals> apply(Batch batch) {
        var touched = new LinkedHashMap<List<Long>, M>();
        for (MemberDelta d : batch.deltas()) {
            M m = get(d.guildId(), d.userId());
            touched.put(List.of(d.guildId(), d.userId()), m);
            m.voice += d.voiceMs();
            m.xp += d.xp();
            m.messages += d.messages();
            m.sessions += d.sessions();
            m.lastSeen = Math.max(m.lastSeen, d.lastSeen().toEpochMilli());
            if (d.channelId() != 0 && (d.voiceMs() > 0 || d.sessions() > 0)) {
                long[] c = m.channels.computeIfAbsent(d.channelId(), k -> new long[2]);
                c[0] += d.voiceMs();
                c[1] += d.sessions();
            }
            if (d.voiceMs() > 0 || d.xp() > 0 || d.messages() > 0) {
                long[] r = m.daily
                        .computeIfAbsent(d.day(), k -> new TreeMap<>())
                        .computeIfAbsent(d.channelId(), k -> new long[3]);
                r[0] += d.voiceMs();
                r[1] += d.xp();
                r[2] += d.messages();
                if (d.day().isAfter(m.lastActiveDay)) {
                    m.streak = d.day().minusDays(1).equals(m.lastActiveDay) ? m.streak + 1 : 1;
                    m.lastActiveDay = d.day();
                }
            }
        }
        batch.sessions().forEach(s -> sessions.put(s.id(), s));
        return touched.values().stream()
                .map(m -> new MemberTotals(m.guildId, m.userId, m.xp, m.level, m.voice))
                .toList();
    }

    private void dropSessions(long g, long u) {
        sessions.values().removeIf(s -> s.guildId() == g && s.userId() == u);
    }

    @Override
    public List<Long> guildIds() {
        var out = new TreeSet<>(configs.keySet());
        members.forEach((g, byUser) -> {
            if (!byUser.isEmpty()) {
                out.add(g);
            }
        });
        return List.copyOf(out);
    }

    @Override
    public Optional<GuildConfig> guildConfig(long guildId) {
        return Optional.ofNullable(configs.get(guildId));
    }

    @Override
    public long memberCount(long guildId) {
        var byUser = members.get(guildId);
        return byUser == null ? 0 : byUser.size();
    }

    @Override
    public Optional<MemberStats> member(long guildId, long userId) {
        M m = find(guildId, userId);
        if (m == null) {
            return Optional.empty();
        }
        var channels = new TreeMap<Long, MemberStats.ChannelStats>();
        m.channels.forEach((c, v) -> channels.put(c, new MemberStats.ChannelStats(c, v[0], v[1])));
        return Optional.of(new MemberStats(
                guildId,
                userId,
                m.voice,
                m.xp,
                m.level,
                m.sessions,
                m.messages,
                Instant.ofEpochMilli(m.lastSeen),
                m.streak,
                m.lastActiveDay,
                channels,
                m.metadata));
    }

    @Override
    public List<ActivityRow> activity(long guildId, long userId, DayRange range) {
        M m = find(guildId, userId);
        if (m == null) {
            return List.of();
        }
        var out = new ArrayList<ActivityRow>();
        m.daily
                .subMap(range.from(), true, range.to(), true)
                .forEach((day, byChannel) ->
                        byChannel.forEach((c, r) -> out.add(new ActivityRow(day, c, r[0], r[1], r[2]))));
        return out;
    }

    @Override
    public List<VoiceSession> sessions(long guildId, long userId, int limit) {
        return sessions.values().stream()
                .filter(s -> s.guildId() == guildId && s.userId() == userId)
                .sorted(Comparator.comparing(VoiceSession::start).reversed().thenComparing(VoiceSession::id))
                .limit(limit)
                .toList();
    }

    @Override
    public List<VoiceSession> openSessions() {
        return sessions.values().stream().filter(VoiceSession::open).toList();
    }

    private List<LeaderboardEntry> board(long guildId, Metric metric, @Nullable DayRange range) {
        var byUser = members.getOrDefault(guildId, new TreeMap<>());
        var rows = new ArrayList<long[]>(); // userId, xp, voice, messages, level
        for (M m : byUser.values()) {
            if (range == null) {
                rows.add(new long[] {m.userId, m.xp, m.voice, m.messages, m.level});
            } else {
                var days = m.daily.subMap(range.from(), true, range.to(), true);
                if (days.isEmpty()) {
                    continue;
                }
                long[] sum = {m.userId, 0, 0, 0, m.level};
                days.values().forEach(byChannel -> byChannel.values().forEach(r -> {
                    sum[2] += r[0];
                    sum[1] += r[1];
                    sum[3] += r[2];
                }));
                rows.add(sum);
            }
        }
        int column =
                switch (metric) {
                    case XP -> 1;
                    case VOICE_TIME -> 2;
                    case MESSAGES -> 3;
                    case LEVEL -> 4;
                };
        rows.sort(Comparator.<long[]>comparingLong(r -> -r[column]).thenComparingLong(r -> r[0]));
        var out = new ArrayList<LeaderboardEntry>();
        for (long[] r : rows) {
            out.add(new LeaderboardEntry(out.size() + 1, r[0], r[1], r[2], r[3], (int) r[4]));
        }
        return out;
    }

    @Override
    public List<LeaderboardEntry> leaderboard(
            long guildId, Metric metric, @Nullable DayRange range, int limit, int offset) {
        var all = board(guildId, metric, range);
        return all.subList(Math.min(offset, all.size()), Math.min(offset + limit, all.size()));
    }

    @Override
    public OptionalInt rank(long guildId, long userId, Metric metric, @Nullable DayRange range) {
        for (LeaderboardEntry e : board(guildId, metric, range)) {
            if (e.userId() == userId) {
                return OptionalInt.of(e.rank());
            }
        }
        return OptionalInt.empty();
    }
}
