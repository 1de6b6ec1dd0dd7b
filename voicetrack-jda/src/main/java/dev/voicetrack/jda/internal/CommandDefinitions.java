package dev.voicetrack.jda.internal;

import dev.voicetrack.core.LevelReward;
import java.util.List;
import java.util.Set;
import net.dv8tion.jda.api.Permission;
import net.dv8tion.jda.api.entities.channel.ChannelType;
import net.dv8tion.jda.api.interactions.InteractionContextType;
import net.dv8tion.jda.api.interactions.commands.DefaultMemberPermissions;
import net.dv8tion.jda.api.interactions.commands.OptionType;
import net.dv8tion.jda.api.interactions.commands.build.Commands;
import net.dv8tion.jda.api.interactions.commands.build.OptionData;
import net.dv8tion.jda.api.interactions.commands.build.SlashCommandData;
import net.dv8tion.jda.api.interactions.commands.build.SubcommandData;

/**
 * The slash commands as registered with Discord. Every command is guild-only ({@code contexts: [GUILD]}); admin
 * commands are registered with default member permissions Manage Server (administrators have it implicitly) and
 * are checked again when they run, because server admins can override who may use a command.
 */
public final class CommandDefinitions {
    public static final String STATS = "stats";
    public static final String RANK = "rank";
    public static final String LEADERBOARD = "leaderboard";
    public static final String CACHE_STATS = "cachestats";
    public static final String DB_STATS = "dbstats";
    public static final String BACKUP = "backup";
    public static final String OPTIMIZE = "optimize";
    public static final String CACHE_CLEAR = "cache-clear";
    public static final String CACHE_WARM = "cache-warm";
    public static final String CACHE_INFO = "cache-info";
    public static final String CONFIG = "config";
    public static final String REWARDS = "rewards";
    public static final String XP = "xp";

    /** Commands only members with Manage Server (or Administrator) may run. */
    public static final Set<String> ADMIN =
            Set.of(CACHE_STATS, DB_STATS, BACKUP, OPTIMIZE, CACHE_CLEAR, CACHE_WARM, CACHE_INFO, CONFIG, REWARDS, XP);

    /**
     * Config options {@code /config set} accepts: every option of {@code GuildConfig} (the nested configs under
     * their dotted names), plus {@code xpPerCheck} (= {@code xpConfig.baseAmount}) and {@code
     * messageXpCooldownSeconds}. More than Discord's 25 choices, so the option is free text checked when it runs.
     */
    static final List<String> CONFIG_OPTIONS = List.of(
            "trackBots",
            "trackAllChannels",
            "channelIds",
            "trackMuted",
            "trackDeafened",
            "minUsersToTrack",
            "maxUsersToTrack",
            "exemptPermissions",
            "xpStrategy",
            "xpPerCheck",
            "xpConfig.baseAmount",
            "xpConfig.roles",
            "xpConfig.boosterMultiplier",
            "xpConfig.minXP",
            "xpConfig.maxXP",
            "voiceTimeStrategy",
            "voiceTimeConfig.baseAmount",
            "voiceTimeConfig.multiplier",
            "levelMultiplierStrategy",
            "levelMultiplierConfig.baseMultiplier",
            "enableLeveling",
            "enableVoiceTime",
            "excludedChannelIds",
            "noXpRoleIds",
            "noXpChannelIds",
            "botsCountAsCompany",
            "mutedCountAsCompany",
            "messageXp",
            "messageXpCooldownSeconds",
            "timeZone",
            "publicDashboard");

    /** The largest XP amount {@code /xp} accepts (Discord integers reach 2^53; this keeps sums far from overflow). */
    static final long MAX_XP = 1_000_000_000_000L;

    private CommandDefinitions() {}

    public static List<SlashCommandData> all() {
        OptionData metric = new OptionData(OptionType.STRING, "metric", "What to rank by (default xp)", false)
                .addChoice("xp", "xp")
                .addChoice("voice time", "voiceTime")
                .addChoice("level", "level")
                .addChoice("messages", "messages");
        OptionData window = new OptionData(OptionType.STRING, "window", "Over which time (default all time)", false)
                .addChoice("all time", "all")
                .addChoice("today", "1d")
                .addChoice("last 7 days", "7d")
                .addChoice("last 30 days", "30d")
                .addChoice("this week", "week")
                .addChoice("this month", "month");
        OptionData option = new OptionData(
                OptionType.STRING, "option", "The option to set, as /config show names it (e.g. noXpRoleIds)", true);
        OptionData mode = new OptionData(OptionType.STRING, "mode", "Where to announce level-ups", true)
                .addChoice("off", "off")
                .addChoice("channel", "channel")
                .addChoice("direct message", "dm");
        return List.of(
                rewards(),
                xp(),
                guild(Commands.slash(STATS, "Voice time, level, XP and rank")
                        .addOption(OptionType.USER, "user", "Whose stats (default yours)", false)
                        .addOption(OptionType.BOOLEAN, "card", "As a rank card image (default no)", false)),
                guild(Commands.slash(RANK, "Rank by XP and by voice time, with a rank card")
                        .addOption(OptionType.USER, "user", "Whose rank (default yours)", false)),
                guild(Commands.slash(LEADERBOARD, "The server's leaderboard").addOptions(metric, window)),
                admin(Commands.slash(CACHE_STATS, "Cache hit rate, size and hottest keys")),
                admin(Commands.slash(DB_STATS, "Storage statistics")),
                admin(Commands.slash(BACKUP, "Write a verified backup of the storage")),
                admin(Commands.slash(OPTIMIZE, "Reclaim storage space")),
                admin(Commands.slash(CACHE_CLEAR, "Clear cache entries by key pattern or tag")
                        .addOption(
                                OptionType.STRING,
                                "pattern",
                                "Key pattern such as user:123:* (all = everything)",
                                false)
                        .addOption(OptionType.STRING, "tag", "Tag such as guild:123", false)),
                admin(Commands.slash(CACHE_WARM, "Fill the cache ahead of demand")
                        .addOption(OptionType.STRING, "scope", "Which warming task (default all)", false)),
                admin(Commands.slash(CACHE_INFO, "Cache configuration and status")),
                admin(Commands.slash(CONFIG, "Show or change this server's tracking options")
                        .addSubcommands(
                                new SubcommandData("show", "Show the current options"),
                                new SubcommandData("set", "Set one option")
                                        .addOptions(option)
                                        .addOption(
                                                OptionType.STRING,
                                                "value",
                                                "The new value; ids separated by commas, none to clear or unset",
                                                true),
                                new SubcommandData("levelup", "Where and how level-ups are announced")
                                        .addOptions(
                                                mode,
                                                new OptionData(
                                                                OptionType.CHANNEL,
                                                                "channel",
                                                                "Text channel (mode channel)",
                                                                false)
                                                        .setChannelTypes(ChannelType.TEXT, ChannelType.NEWS),
                                                new OptionData(
                                                        OptionType.STRING,
                                                        "template",
                                                        "Message with {user}, {level}, {xp}",
                                                        false)))));
    }

    private static SlashCommandData xp() {
        OptionData amount = new OptionData(OptionType.INTEGER, "amount", "XP", true).setRequiredRange(0, MAX_XP);
        OptionData user = new OptionData(OptionType.USER, "user", "The member", true);
        return admin(Commands.slash(XP, "Give, take, set or reset members' XP")
                .addSubcommands(
                        new SubcommandData("add", "Give a member XP").addOptions(user, amount),
                        new SubcommandData("remove", "Take XP from a member (not below 0)").addOptions(user, amount),
                        new SubcommandData("set", "Set a member's XP; the level follows").addOptions(user, amount),
                        new SubcommandData("reset", "Reset a member's XP, level and voice time").addOptions(user),
                        new SubcommandData("reset-server", "Reset every member (asks for confirmation)")));
    }

    private static SlashCommandData rewards() {
        OptionData level = new OptionData(OptionType.INTEGER, "level", "At this level (or give voice_hours)", false)
                .setRequiredRange(1, LevelReward.MAX_THRESHOLD);
        OptionData hours = new OptionData(
                        OptionType.INTEGER, "voice_hours", "After this many hours in voice (or give level)", false)
                .setRequiredRange(1, LevelReward.MAX_THRESHOLD);
        OptionData mode = new OptionData(OptionType.STRING, "mode", "Kept when higher rewards arrive? (default stack)")
                .addChoice("stack: kept", "stack")
                .addChoice("replace: replaced by the next reward", "replace");
        return admin(Commands.slash(REWARDS, "Roles given at a level or after hours in voice")
                .addSubcommands(
                        new SubcommandData("add", "Give a role at a level or after hours in voice")
                                .addOption(OptionType.ROLE, "role", "The role to give", true)
                                .addOptions(level, hours, mode),
                        new SubcommandData("remove", "Remove a reward, or one role of it")
                                .addOptions(level, hours)
                                .addOption(OptionType.ROLE, "role", "Only this role of the reward", false),
                        new SubcommandData("list", "The rewards and any that cannot be given"),
                        new SubcommandData("sync", "Give and take reward roles so every member matches now")));
    }

    private static SlashCommandData guild(SlashCommandData data) {
        return data.setContexts(InteractionContextType.GUILD);
    }

    private static SlashCommandData admin(SlashCommandData data) {
        return guild(data).setDefaultPermissions(DefaultMemberPermissions.enabledFor(Permission.MANAGE_SERVER));
    }
}
