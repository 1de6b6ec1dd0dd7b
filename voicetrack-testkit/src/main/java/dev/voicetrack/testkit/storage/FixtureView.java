package dev.voicetrack.testkit.storage;

import static dev.voicetrack.testkit.storage.ForwardMigrationFixture.FIRST_DAY;
import static dev.voicetrack.testkit.storage.ForwardMigrationFixture.GUILD_A;
import static dev.voicetrack.testkit.storage.ForwardMigrationFixture.GUILD_B;
import static dev.voicetrack.testkit.storage.ForwardMigrationFixture.MEMBERS_A;
import static dev.voicetrack.testkit.storage.ForwardMigrationFixture.MEMBERS_B;
import static dev.voicetrack.testkit.storage.ForwardMigrationFixture.NEVER_SEEN;
import static dev.voicetrack.testkit.storage.ForwardMigrationFixture.SMALL_ID;
import static dev.voicetrack.testkit.storage.ForwardMigrationFixture.TODAY;
import static dev.voicetrack.testkit.storage.ForwardMigrationFixture.user;

import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.LeaderboardEntry;
import dev.voicetrack.core.MemberStats;
import dev.voicetrack.core.Metric;
import dev.voicetrack.core.VoiceSession;
import dev.voicetrack.core.storage.ActivityRow;
import dev.voicetrack.core.storage.DayRange;
import dev.voicetrack.core.storage.Storage;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The canonical text of what a storage (or {@link FixtureModel}) answers for the forward-migration data
 * set: every guild's config, members, activity, sessions, leaderboards and ranks over the fixture's
 * ranges, in one deterministic form that a test compares as a whole.
 */
final class FixtureView {
    private FixtureView() {}

    /** The reads the rendering asks for; a storage answers them, and so does the model. */
    interface View {
        List<Long> guildIds();

        Optional<GuildConfig> guildConfig(long guildId);

        long memberCount(long guildId);

        Optional<MemberStats> member(long guildId, long userId);

        List<ActivityRow> activity(long guildId, long userId, DayRange range);

        List<VoiceSession> sessions(long guildId, long userId, int limit);

        List<VoiceSession> openSessions();

        List<LeaderboardEntry> leaderboard(
                long guildId, Metric metric, @Nullable DayRange range, int limit, int offset);

        OptionalInt rank(long guildId, long userId, Metric metric, @Nullable DayRange range);
    }

    static View view(Storage s) {
        return new View() {
            @Override
            public List<Long> guildIds() {
                return s.guildIds();
            }

            @Override
            public Optional<GuildConfig> guildConfig(long guildId) {
                return s.guildConfig(guildId);
            }

            @Override
            public long memberCount(long guildId) {
                return s.memberCount(guildId);
            }

            @Override
            public Optional<MemberStats> member(long guildId, long userId) {
                return s.member(guildId, userId);
            }

            @Override
            public List<ActivityRow> activity(long guildId, long userId, DayRange range) {
                return s.activity(guildId, userId, range);
            }

            @Override
            public List<VoiceSession> sessions(long guildId, long userId, int limit) {
                return s.sessions(guildId, userId, limit);
            }

            @Override
            public List<VoiceSession> openSessions() {
                return s.openSessions();
            }

            @Override
            public List<LeaderboardEntry> leaderboard(
                    long guildId, Metric metric, @Nullable DayRange range, int limit, int offset) {
                return s.leaderboard(guildId, metric, range, limit, offset);
            }

            @Override
            public OptionalInt rank(long guildId, long userId, Metric metric, @Nullable DayRange range) {
                return s.rank(guildId, userId, metric, range);
            }
        };
    }

    /** The user ids the rendering probes in a guild: every id the history names, and one stranger. */
    static List<Long> probes(long guildId) {
        var out = new TreeSet<Long>();
        int n = guildId == GUILD_A ? MEMBERS_A : MEMBERS_B;
        for (int i = 0; i < n; i++) {
            out.add(user(guildId, i));
        }
        if (guildId == GUILD_A) {
            out.add(user(GUILD_A, 30));
        } else {
            out.add(user(GUILD_B, 20));
            out.add(SMALL_ID);
        }
        out.add(NEVER_SEEN);
        return List.copyOf(out);
    }

    /** The windows rendered: all time, the last 7 days, this ISO week, this month, a past range. */
    static List<@Nullable DayRange> ranges() {
        var out = new ArrayList<@Nullable DayRange>();
        out.add(null);
        out.add(new DayRange(TODAY.minusDays(6), TODAY));
        out.add(new DayRange(LocalDate.of(2026, 3, 9), TODAY)); // Monday of TODAY's week
        out.add(new DayRange(TODAY.withDayOfMonth(1), TODAY));
        out.add(new DayRange(FIRST_DAY, LocalDate.of(2026, 2, 28)));
        out.add(new DayRange(TODAY.plusDays(1), TODAY.plusDays(1))); // empty until the continuation
        return out;
    }

    static final DayRange ALL_DAYS = new DayRange(LocalDate.of(2000, 1, 1), LocalDate.of(2100, 12, 31));

    static String render(View v) {
        var out = new StringBuilder();
        out.append("guilds ").append(new TreeSet<>(v.guildIds())).append('\n');
        out.append("openSessions\n");
        v.openSessions().stream()
                .sorted(Comparator.comparing(VoiceSession::id))
                .forEach(s -> out.append("  ").append(session(s)).append('\n'));
        for (long g : List.of(GUILD_A, GUILD_B)) {
            out.append("guild ").append(g).append('\n');
            out.append("  config ")
                    .append(v.guildConfig(g).map(FixtureView::config).orElse("none"))
                    .append('\n');
            out.append("  memberCount ").append(v.memberCount(g)).append('\n');
            for (long u : probes(g)) {
                out.append("  member ").append(u).append(' ');
                out.append(v.member(g, u).map(FixtureView::member).orElse("absent"))
                        .append('\n');
                for (ActivityRow r : v.activity(g, u, ALL_DAYS)) {
                    out.append("    activity ")
                            .append(r.day())
                            .append(" ch=")
                            .append(r.channelId())
                            .append(" voiceMs=")
                            .append(r.voiceMs())
                            .append(" xp=")
                            .append(r.xp())
                            .append(" messages=")
                            .append(r.messages())
                            .append('\n');
                }
                for (VoiceSession s : v.sessions(g, u, 1000)) {
                    out.append("    session ").append(session(s)).append('\n');
                }
                List<VoiceSession> newest = v.sessions(g, u, 2);
                out.append("    newest2 ")
                        .append(newest.stream().map(VoiceSession::id).toList())
                        .append('\n');
            }
            for (Metric metric : Metric.values()) {
                for (DayRange range : ranges()) {
                    if (metric == Metric.LEVEL && range != null) {
                        continue;
                    }
                    String name = metric.key() + " " + (range == null ? "all" : range.from() + ".." + range.to());
                    out.append("  leaderboard ").append(name).append('\n');
                    for (LeaderboardEntry e : v.leaderboard(g, metric, range, 1000, 0)) {
                        out.append("    ").append(entry(e)).append('\n');
                    }
                    out.append("  page(5,3) ").append(name).append('\n');
                    for (LeaderboardEntry e : v.leaderboard(g, metric, range, 5, 3)) {
                        out.append("    ").append(entry(e)).append('\n');
                    }
                    out.append("  ranks ").append(name).append(' ');
                    for (long u : probes(g)) {
                        OptionalInt r = v.rank(g, u, metric, range);
                        out.append(r.isPresent() ? Integer.toString(r.getAsInt()) : "-")
                                .append(' ');
                    }
                    out.append('\n');
                }
            }
        }
        return out.toString();
    }

    private static String entry(LeaderboardEntry e) {
        return "#" + e.rank() + " user=" + e.userId() + " xp=" + e.xp() + " voiceMs=" + e.voiceTimeMs() + " messages="
                + e.messages() + " level=" + e.level();
    }

    private static String member(MemberStats m) {
        var out = new StringBuilder();
        out.append("voiceMs=")
                .append(m.voiceTimeMs())
                .append(" xp=")
                .append(m.xp())
                .append(" level=")
                .append(m.level())
                .append(" sessions=")
                .append(m.sessions())
                .append(" messages=")
                .append(m.messages())
                .append(" lastSeen=")
                .append(m.lastSeen())
                .append(" streak=")
                .append(m.streak())
                .append(" lastActiveDay=")
                .append(m.lastActiveDay())
                .append(" channels={");
        new TreeMap<>(m.channels()).values().forEach(c -> out.append(c.channelId())
                .append(':')
                .append(c.voiceTimeMs())
                .append('/')
                .append(c.sessions())
                .append(' '));
        out.append("} metadata={");
        new TreeMap<>(m.metadata())
                .forEach((k, val) ->
                        out.append(quote(k)).append('=').append(quote(val)).append(' '));
        return out.append('}').toString();
    }

    private static String session(VoiceSession s) {
        return s.id() + " g=" + s.guildId() + " u=" + s.userId() + " ch=" + s.channelId() + " start=" + s.start()
                + " end=" + (s.end() == null ? "open" : s.end().toString()) + " lastAccrual=" + s.lastAccrual()
                + " durationMs=" + s.durationMs() + " xp=" + s.xpEarned() + " mutedMs=" + s.mutedMs()
                + " deafenedMs=" + s.deafenedMs();
    }

    private static String config(GuildConfig c) {
        return "trackBots=" + c.trackBots() + " trackAllChannels=" + c.trackAllChannels() + " channelIds="
                + new TreeSet<>(c.channelIds()) + " trackMuted=" + c.trackMuted() + " trackDeafened="
                + c.trackDeafened() + " minUsersToTrack=" + c.minUsersToTrack() + " maxUsersToTrack="
                + c.maxUsersToTrack() + " exemptPermissions=" + new TreeSet<>(c.exemptPermissions())
                + " xpStrategy=" + c.xpStrategy() + " xpConfig.baseAmount="
                + c.xpConfig().baseAmount()
                + " xpConfig.roles=" + c.xpConfig().roles() + " xpConfig.boosterMultiplier="
                + c.xpConfig().boosterMultiplier() + " xpConfig.minXP="
                + c.xpConfig().minXP()
                + " xpConfig.maxXP=" + c.xpConfig().maxXP() + " voiceTimeStrategy=" + c.voiceTimeStrategy()
                + " voiceTimeConfig=" + c.voiceTimeConfig().baseAmount() + "/"
                + c.voiceTimeConfig().multiplier() + " levelMultiplierStrategy=" + c.levelMultiplierStrategy()
                + " levelMultiplierConfig=" + c.levelMultiplierConfig().baseMultiplier() + " enableLeveling="
                + c.enableLeveling() + " enableVoiceTime=" + c.enableVoiceTime() + " excludedChannelIds="
                + new TreeSet<>(c.excludedChannelIds()) + " noXpRoleIds=" + new TreeSet<>(c.noXpRoleIds())
                + " noXpChannelIds=" + new TreeSet<>(c.noXpChannelIds()) + " botsCountAsCompany="
                + c.botsCountAsCompany() + " mutedCountAsCompany=" + c.mutedCountAsCompany() + " messageXp="
                + c.messageXp() + " messageXpCooldown=" + c.messageXpCooldown() + " timeZone=" + c.timeZone()
                + " defaultFilters=" + c.hasDefaultFilters();
    }

    private static String quote(String s) {
        var out = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                default -> out.append(ch);
            }
        }
        return out.append('"').toString();
    }
}
