package dev.voicetrack.core;

import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * A guild's tracking configuration: every option of the original {@code discord-vc-tracker} with the
 * same name and default, plus VoiceTrack's additions. Immutable and thread safe; build one with
 * {@link #builder()} or change one with {@link #toBuilder()}. Every setter validates at once and
 * throws {@link IllegalArgumentException} naming the field and the value. Strategy names are checked
 * against the tracker's registry when the config is handed to a tracker (unknown names are rejected,
 * never replaced).
 *
 * <h2>Options of the original, same defaults</h2>
 *
 * <ul>
 *   <li>{@code trackBots} false; {@code trackAllChannels} true; {@code channelIds} empty (used when
 *       {@code trackAllChannels} is false); {@code trackMuted} true; {@code trackDeafened} true;
 *   <li>{@code minUsersToTrack} 0 and {@code maxUsersToTrack} 0 (0 = no bound): members in a channel
 *       with fewer/more members are not tracked;
 *   <li>{@code exemptPermissions} empty: members holding any of them are not tracked;
 *   <li>{@code xpStrategy} {@code "fixed"} with {@code xpConfig} {@code {baseAmount: 5}};
 *   <li>{@code levelMultiplierStrategy} {@code "standard"} with {@code levelMultiplierConfig} {@code
 *       {baseMultiplier: 0.1}};
 *   <li>{@code voiceTimeConfig} {@code {baseAmount: 5000}}; {@code enableLeveling} true; {@code
 *       enableVoiceTime} true;
 *   <li>{@code memberFilter} and {@code channelFilter}: runtime-only, accept everything by default.
 * </ul>
 *
 * <p><b>One deliberate difference:</b> {@code voiceTimeStrategy} defaults to {@code "elapsed"}, which
 * credits the time actually spent (measured by the tracker's clock), not {@code "fixed"}, which
 * credits {@code voiceTimeConfig.baseAmount} per check whatever the check interval is. With the
 * original's published examples (10 s interval, 5 s credit) {@code fixed} records half the real time;
 * {@code elapsed} never does. Set {@code voiceTimeStrategy("fixed")} to get the original behaviour.
 *
 * <h2>Additions</h2>
 *
 * <ul>
 *   <li>{@code excludedChannelIds} (AFK channels) empty: time there is never tracked;
 *   <li>{@code noXpRoleIds} and {@code noXpChannelIds} empty: voice time is tracked but no XP given;
 *   <li>{@code botsCountAsCompany} true and {@code mutedCountAsCompany} true: whether bots and muted
 *       members count towards {@code minUsersToTrack}/{@code maxUsersToTrack} (true = the original,
 *       which counted everyone in the channel);
 *   <li>{@code messageXp} 0 (messages are counted but give no XP) and {@code messageXpCooldown} 60 s
 *       per member;
 *   <li>{@code timeZone} UTC: the zone of "day", "this week" (ISO, Monday first) and "this month";
 *   <li>{@code levelRewards} none: roles given at a level or after hours in voice, see {@link
 *       LevelRewards} (applied to members by the Discord adapter);
 *   <li>{@code publicDashboard} true: whether the bot's web dashboard shows the guild to anyone who has its
 *       link (leaderboard, profiles, overview and their JSON). False makes those answer as for a guild the bot
 *       does not know, and the slash commands stop offering links to them; the admin console still shows it.
 * </ul>
 */
public final class GuildConfig {

    public static final boolean DEFAULT_TRACK_BOTS = false;
    public static final boolean DEFAULT_TRACK_ALL_CHANNELS = true;
    public static final boolean DEFAULT_TRACK_MUTED = true;
    public static final boolean DEFAULT_TRACK_DEAFENED = true;
    public static final int DEFAULT_MIN_USERS_TO_TRACK = 0;
    public static final int DEFAULT_MAX_USERS_TO_TRACK = 0;
    public static final String DEFAULT_XP_STRATEGY = Strategies.XP_FIXED;
    public static final String DEFAULT_VOICE_TIME_STRATEGY = Strategies.VOICE_TIME_ELAPSED;
    public static final String DEFAULT_LEVEL_MULTIPLIER_STRATEGY = Strategies.LEVEL_STANDARD;
    public static final boolean DEFAULT_ENABLE_LEVELING = true;
    public static final boolean DEFAULT_ENABLE_VOICE_TIME = true;
    public static final boolean DEFAULT_BOTS_COUNT_AS_COMPANY = true;
    public static final boolean DEFAULT_MUTED_COUNT_AS_COMPANY = true;
    public static final long DEFAULT_MESSAGE_XP = 0;
    public static final Duration DEFAULT_MESSAGE_XP_COOLDOWN = Duration.ofSeconds(60);
    public static final ZoneId DEFAULT_TIME_ZONE = ZoneOffset.UTC;
    public static final boolean DEFAULT_PUBLIC_DASHBOARD = true;

    private static final GuildConfig DEFAULTS = new Builder().build();

    private final boolean trackBots;
    private final boolean trackAllChannels;
    private final Set<Long> channelIds;
    private final boolean trackMuted;
    private final boolean trackDeafened;
    private final int minUsersToTrack;
    private final int maxUsersToTrack;
    private final Set<String> exemptPermissions;
    private final String xpStrategy;
    private final XpConfig xpConfig;
    private final String voiceTimeStrategy;
    private final VoiceTimeConfig voiceTimeConfig;
    private final String levelMultiplierStrategy;
    private final LevelMultiplierConfig levelMultiplierConfig;
    private final boolean enableLeveling;
    private final boolean enableVoiceTime;
    private final Set<Long> excludedChannelIds;
    private final Set<Long> noXpRoleIds;
    private final Set<Long> noXpChannelIds;
    private final boolean botsCountAsCompany;
    private final boolean mutedCountAsCompany;
    private final long messageXp;
    private final Duration messageXpCooldown;
    private final ZoneId timeZone;
    private final LevelRewards levelRewards;
    private final boolean publicDashboard;
    private final MemberFilter memberFilter;
    private final ChannelFilter channelFilter;

    private GuildConfig(Builder b) {
        this.trackBots = b.trackBots;
        this.trackAllChannels = b.trackAllChannels;
        this.channelIds = b.channelIds;
        this.trackMuted = b.trackMuted;
        this.trackDeafened = b.trackDeafened;
        this.minUsersToTrack = b.minUsersToTrack;
        this.maxUsersToTrack = b.maxUsersToTrack;
        this.exemptPermissions = b.exemptPermissions;
        this.xpStrategy = b.xpStrategy;
        this.xpConfig = b.xpConfig;
        this.voiceTimeStrategy = b.voiceTimeStrategy;
        this.voiceTimeConfig = b.voiceTimeConfig;
        this.levelMultiplierStrategy = b.levelMultiplierStrategy;
        this.levelMultiplierConfig = b.levelMultiplierConfig;
        this.enableLeveling = b.enableLeveling;
        this.enableVoiceTime = b.enableVoiceTime;
        this.excludedChannelIds = b.excludedChannelIds;
        this.noXpRoleIds = b.noXpRoleIds;
        this.noXpChannelIds = b.noXpChannelIds;
        this.botsCountAsCompany = b.botsCountAsCompany;
        this.mutedCountAsCompany = b.mutedCountAsCompany;
        this.messageXp = b.messageXp;
        this.messageXpCooldown = b.messageXpCooldown;
        this.timeZone = b.timeZone;
        this.levelRewards = b.levelRewards;
        this.publicDashboard = b.publicDashboard;
        this.memberFilter = b.memberFilter;
        this.channelFilter = b.channelFilter;
    }

    /** The configuration with every default. */
    public static GuildConfig defaults() {
        return DEFAULTS;
    }

    /** A builder holding every default. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration's values. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    public boolean trackBots() {
        return trackBots;
    }

    public boolean trackAllChannels() {
        return trackAllChannels;
    }

    public Set<Long> channelIds() {
        return channelIds;
    }

    public boolean trackMuted() {
        return trackMuted;
    }

    public boolean trackDeafened() {
        return trackDeafened;
    }

    public int minUsersToTrack() {
        return minUsersToTrack;
    }

    public int maxUsersToTrack() {
        return maxUsersToTrack;
    }

    public Set<String> exemptPermissions() {
        return exemptPermissions;
    }

    public String xpStrategy() {
        return xpStrategy;
    }

    public XpConfig xpConfig() {
        return xpConfig;
    }

    public String voiceTimeStrategy() {
        return voiceTimeStrategy;
    }

    public VoiceTimeConfig voiceTimeConfig() {
        return voiceTimeConfig;
    }

    public String levelMultiplierStrategy() {
        return levelMultiplierStrategy;
    }

    public LevelMultiplierConfig levelMultiplierConfig() {
        return levelMultiplierConfig;
    }

    public boolean enableLeveling() {
        return enableLeveling;
    }

    public boolean enableVoiceTime() {
        return enableVoiceTime;
    }

    public Set<Long> excludedChannelIds() {
        return excludedChannelIds;
    }

    public Set<Long> noXpRoleIds() {
        return noXpRoleIds;
    }

    public Set<Long> noXpChannelIds() {
        return noXpChannelIds;
    }

    public boolean botsCountAsCompany() {
        return botsCountAsCompany;
    }

    public boolean mutedCountAsCompany() {
        return mutedCountAsCompany;
    }

    public long messageXp() {
        return messageXp;
    }

    public Duration messageXpCooldown() {
        return messageXpCooldown;
    }

    public ZoneId timeZone() {
        return timeZone;
    }

    /** The guild's role rewards; {@link LevelRewards#NONE} by default. */
    public LevelRewards levelRewards() {
        return levelRewards;
    }

    /**
     * Whether the guild's dashboard pages and their JSON are public ({@value #DEFAULT_PUBLIC_DASHBOARD} by
     * default). A private guild's public pages answer as an unknown guild's do, so that nobody learns from them
     * even that the bot tracks it.
     */
    public boolean publicDashboard() {
        return publicDashboard;
    }

    /**
     * The runtime member filter. Like the original's, it is not persisted: storage returns configs
     * with {@link MemberFilter#ALL}, and a tracker applies the filter of its {@code defaultConfig} to
     * guilds whose stored config has none.
     */
    public MemberFilter memberFilter() {
        return memberFilter;
    }

    /** The runtime channel filter; not persisted, see {@link #memberFilter()}. */
    public ChannelFilter channelFilter() {
        return channelFilter;
    }

    /** Whether both runtime filters are the accept-all defaults. */
    public boolean hasDefaultFilters() {
        return memberFilter == MemberFilter.ALL && channelFilter == ChannelFilter.ALL;
    }

    /** Equality over the persisted options (the runtime filters are compared by identity). */
    @Override
    public boolean equals(Object o) {
        return o instanceof GuildConfig c
                && trackBots == c.trackBots
                && trackAllChannels == c.trackAllChannels
                && channelIds.equals(c.channelIds)
                && trackMuted == c.trackMuted
                && trackDeafened == c.trackDeafened
                && minUsersToTrack == c.minUsersToTrack
                && maxUsersToTrack == c.maxUsersToTrack
                && exemptPermissions.equals(c.exemptPermissions)
                && xpStrategy.equals(c.xpStrategy)
                && xpConfig.equals(c.xpConfig)
                && voiceTimeStrategy.equals(c.voiceTimeStrategy)
                && voiceTimeConfig.equals(c.voiceTimeConfig)
                && levelMultiplierStrategy.equals(c.levelMultiplierStrategy)
                && levelMultiplierConfig.equals(c.levelMultiplierConfig)
                && enableLeveling == c.enableLeveling
                && enableVoiceTime == c.enableVoiceTime
                && excludedChannelIds.equals(c.excludedChannelIds)
                && noXpRoleIds.equals(c.noXpRoleIds)
                && noXpChannelIds.equals(c.noXpChannelIds)
                && botsCountAsCompany == c.botsCountAsCompany
                && mutedCountAsCompany == c.mutedCountAsCompany
                && messageXp == c.messageXp
                && messageXpCooldown.equals(c.messageXpCooldown)
                && timeZone.equals(c.timeZone)
                && levelRewards.equals(c.levelRewards)
                && publicDashboard == c.publicDashboard
                && memberFilter == c.memberFilter
                && channelFilter == c.channelFilter;
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                trackBots,
                trackAllChannels,
                channelIds,
                trackMuted,
                trackDeafened,
                minUsersToTrack,
                maxUsersToTrack,
                exemptPermissions,
                xpStrategy,
                xpConfig,
                voiceTimeStrategy,
                voiceTimeConfig,
                levelMultiplierStrategy,
                levelMultiplierConfig,
                enableLeveling,
                enableVoiceTime,
                excludedChannelIds,
                noXpRoleIds,
                noXpChannelIds,
                botsCountAsCompany,
                mutedCountAsCompany,
                messageXp,
                messageXpCooldown,
                timeZone,
                levelRewards,
                publicDashboard);
    }

    @Override
    public String toString() {
        return "GuildConfig[trackBots=" + trackBots + ", trackAllChannels=" + trackAllChannels + ", channelIds="
                + channelIds + ", trackMuted=" + trackMuted + ", trackDeafened=" + trackDeafened
                + ", minUsersToTrack=" + minUsersToTrack + ", maxUsersToTrack=" + maxUsersToTrack
                + ", exemptPermissions=" + exemptPermissions + ", xpStrategy=" + xpStrategy + ", xpConfig="
                + xpConfig + ", voiceTimeStrategy=" + voiceTimeStrategy + ", voiceTimeConfig=" + voiceTimeConfig
                + ", levelMultiplierStrategy=" + levelMultiplierStrategy + ", levelMultiplierConfig="
                + levelMultiplierConfig + ", enableLeveling=" + enableLeveling + ", enableVoiceTime="
                + enableVoiceTime + ", excludedChannelIds=" + excludedChannelIds + ", noXpRoleIds=" + noXpRoleIds
                + ", noXpChannelIds=" + noXpChannelIds + ", botsCountAsCompany=" + botsCountAsCompany
                + ", mutedCountAsCompany=" + mutedCountAsCompany + ", messageXp=" + messageXp
                + ", messageXpCooldown=" + messageXpCooldown + ", timeZone=" + timeZone + ", levelRewards="
                + levelRewards + ", publicDashboard=" + publicDashboard + "]";
    }

    /** Builds a {@link GuildConfig}; each setter validates at once. Not thread safe. */
    public static final class Builder {
        private boolean trackBots = DEFAULT_TRACK_BOTS;
        private boolean trackAllChannels = DEFAULT_TRACK_ALL_CHANNELS;
        private Set<Long> channelIds = Set.of();
        private boolean trackMuted = DEFAULT_TRACK_MUTED;
        private boolean trackDeafened = DEFAULT_TRACK_DEAFENED;
        private int minUsersToTrack = DEFAULT_MIN_USERS_TO_TRACK;
        private int maxUsersToTrack = DEFAULT_MAX_USERS_TO_TRACK;
        private Set<String> exemptPermissions = Set.of();
        private String xpStrategy = DEFAULT_XP_STRATEGY;
        private XpConfig xpConfig = XpConfig.DEFAULT;
        private String voiceTimeStrategy = DEFAULT_VOICE_TIME_STRATEGY;
        private VoiceTimeConfig voiceTimeConfig = VoiceTimeConfig.DEFAULT;
        private String levelMultiplierStrategy = DEFAULT_LEVEL_MULTIPLIER_STRATEGY;
        private LevelMultiplierConfig levelMultiplierConfig = LevelMultiplierConfig.DEFAULT;
        private boolean enableLeveling = DEFAULT_ENABLE_LEVELING;
        private boolean enableVoiceTime = DEFAULT_ENABLE_VOICE_TIME;
        private Set<Long> excludedChannelIds = Set.of();
        private Set<Long> noXpRoleIds = Set.of();
        private Set<Long> noXpChannelIds = Set.of();
        private boolean botsCountAsCompany = DEFAULT_BOTS_COUNT_AS_COMPANY;
        private boolean mutedCountAsCompany = DEFAULT_MUTED_COUNT_AS_COMPANY;
        private long messageXp = DEFAULT_MESSAGE_XP;
        private Duration messageXpCooldown = DEFAULT_MESSAGE_XP_COOLDOWN;
        private ZoneId timeZone = DEFAULT_TIME_ZONE;
        private LevelRewards levelRewards = LevelRewards.NONE;
        private boolean publicDashboard = DEFAULT_PUBLIC_DASHBOARD;
        private MemberFilter memberFilter = MemberFilter.ALL;
        private ChannelFilter channelFilter = ChannelFilter.ALL;

        private Builder() {}

        private Builder(GuildConfig c) {
            trackBots = c.trackBots;
            trackAllChannels = c.trackAllChannels;
            channelIds = c.channelIds;
            trackMuted = c.trackMuted;
            trackDeafened = c.trackDeafened;
            minUsersToTrack = c.minUsersToTrack;
            maxUsersToTrack = c.maxUsersToTrack;
            exemptPermissions = c.exemptPermissions;
            xpStrategy = c.xpStrategy;
            xpConfig = c.xpConfig;
            voiceTimeStrategy = c.voiceTimeStrategy;
            voiceTimeConfig = c.voiceTimeConfig;
            levelMultiplierStrategy = c.levelMultiplierStrategy;
            levelMultiplierConfig = c.levelMultiplierConfig;
            enableLeveling = c.enableLeveling;
            enableVoiceTime = c.enableVoiceTime;
            excludedChannelIds = c.excludedChannelIds;
            noXpRoleIds = c.noXpRoleIds;
            noXpChannelIds = c.noXpChannelIds;
            botsCountAsCompany = c.botsCountAsCompany;
            mutedCountAsCompany = c.mutedCountAsCompany;
            messageXp = c.messageXp;
            messageXpCooldown = c.messageXpCooldown;
            timeZone = c.timeZone;
            levelRewards = c.levelRewards;
            publicDashboard = c.publicDashboard;
            memberFilter = c.memberFilter;
            channelFilter = c.channelFilter;
        }

        public Builder trackBots(boolean value) {
            trackBots = value;
            return this;
        }

        public Builder trackAllChannels(boolean value) {
            trackAllChannels = value;
            return this;
        }

        /** @throws IllegalArgumentException if an id is not a snowflake (> 0) */
        public Builder channelIds(Collection<Long> ids) {
            channelIds = Checks.ids(ids, "channelIds");
            return this;
        }

        public Builder trackMuted(boolean value) {
            trackMuted = value;
            return this;
        }

        public Builder trackDeafened(boolean value) {
            trackDeafened = value;
            return this;
        }

        /** @throws IllegalArgumentException if negative */
        public Builder minUsersToTrack(int value) {
            minUsersToTrack = (int) Checks.nonNegative(value, "minUsersToTrack");
            return this;
        }

        /** @throws IllegalArgumentException if negative */
        public Builder maxUsersToTrack(int value) {
            maxUsersToTrack = (int) Checks.nonNegative(value, "maxUsersToTrack");
            return this;
        }

        /** @throws IllegalArgumentException if a name is blank */
        public Builder exemptPermissions(Collection<String> permissions) {
            Checks.notNull(permissions, "exemptPermissions");
            var out = new LinkedHashSet<String>();
            for (String p : permissions) {
                out.add(Checks.nonBlank(p, "exemptPermissions element"));
            }
            exemptPermissions = Set.copyOf(out);
            return this;
        }

        /** @throws IllegalArgumentException if blank (unknown names are rejected by the tracker) */
        public Builder xpStrategy(String name) {
            xpStrategy = Checks.nonBlank(name, "xpStrategy");
            return this;
        }

        public Builder xpConfig(XpConfig value) {
            xpConfig = Checks.notNull(value, "xpConfig");
            return this;
        }

        /** @throws IllegalArgumentException if blank (unknown names are rejected by the tracker) */
        public Builder voiceTimeStrategy(String name) {
            voiceTimeStrategy = Checks.nonBlank(name, "voiceTimeStrategy");
            return this;
        }

        public Builder voiceTimeConfig(VoiceTimeConfig value) {
            voiceTimeConfig = Checks.notNull(value, "voiceTimeConfig");
            return this;
        }

        /** @throws IllegalArgumentException if blank (unknown names are rejected by the tracker) */
        public Builder levelMultiplierStrategy(String name) {
            levelMultiplierStrategy = Checks.nonBlank(name, "levelMultiplierStrategy");
            return this;
        }

        public Builder levelMultiplierConfig(LevelMultiplierConfig value) {
            levelMultiplierConfig = Checks.notNull(value, "levelMultiplierConfig");
            return this;
        }

        public Builder enableLeveling(boolean value) {
            enableLeveling = value;
            return this;
        }

        public Builder enableVoiceTime(boolean value) {
            enableVoiceTime = value;
            return this;
        }

        /** AFK or otherwise ignored voice channels. */
        public Builder excludedChannelIds(Collection<Long> ids) {
            excludedChannelIds = Checks.ids(ids, "excludedChannelIds");
            return this;
        }

        public Builder noXpRoleIds(Collection<Long> ids) {
            noXpRoleIds = Checks.ids(ids, "noXpRoleIds");
            return this;
        }

        public Builder noXpChannelIds(Collection<Long> ids) {
            noXpChannelIds = Checks.ids(ids, "noXpChannelIds");
            return this;
        }

        public Builder botsCountAsCompany(boolean value) {
            botsCountAsCompany = value;
            return this;
        }

        public Builder mutedCountAsCompany(boolean value) {
            mutedCountAsCompany = value;
            return this;
        }

        /** @throws IllegalArgumentException if negative */
        public Builder messageXp(long value) {
            messageXp = Checks.nonNegative(value, "messageXp");
            return this;
        }

        /** @throws IllegalArgumentException if negative */
        public Builder messageXpCooldown(Duration value) {
            Checks.notNull(value, "messageXpCooldown");
            if (value.isNegative()) {
                throw new IllegalArgumentException("messageXpCooldown must be >= 0, was " + value);
            }
            messageXpCooldown = value;
            return this;
        }

        public Builder timeZone(ZoneId value) {
            timeZone = Checks.notNull(value, "timeZone");
            return this;
        }

        public Builder levelRewards(LevelRewards value) {
            levelRewards = Checks.notNull(value, "levelRewards");
            return this;
        }

        /** Whether the guild's dashboard pages are public; see {@link GuildConfig#publicDashboard()}. */
        public Builder publicDashboard(boolean value) {
            publicDashboard = value;
            return this;
        }

        public Builder memberFilter(MemberFilter value) {
            memberFilter = Checks.notNull(value, "memberFilter");
            return this;
        }

        public Builder channelFilter(ChannelFilter value) {
            channelFilter = Checks.notNull(value, "channelFilter");
            return this;
        }

        /**
         * Builds the configuration.
         *
         * @throws IllegalArgumentException if {@code maxUsersToTrack} is set and below {@code
         *     minUsersToTrack}
         */
        public GuildConfig build() {
            if (maxUsersToTrack > 0 && maxUsersToTrack < minUsersToTrack) {
                throw new IllegalArgumentException("maxUsersToTrack must be 0 or >= minUsersToTrack (" + minUsersToTrack
                        + "), was " + maxUsersToTrack);
            }
            return new GuildConfig(this);
        }
    }
}
