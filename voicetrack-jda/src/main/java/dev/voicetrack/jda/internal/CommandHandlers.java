package dev.voicetrack.jda.internal;

import dev.voicetrack.cache.Cache;
import dev.voicetrack.cache.CacheConfig;
import dev.voicetrack.cache.CacheStats;
import dev.voicetrack.cache.CacheWarmer;
import dev.voicetrack.cache.HotKey;
import dev.voicetrack.cache.WarmReport;
import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.LeaderboardEntry;
import dev.voicetrack.core.LeaderboardPage;
import dev.voicetrack.core.LevelCalculator;
import dev.voicetrack.core.LevelMultiplierConfig;
import dev.voicetrack.core.MemberStats;
import dev.voicetrack.core.Metric;
import dev.voicetrack.core.VoiceTimeConfig;
import dev.voicetrack.core.VoiceTracker;
import dev.voicetrack.core.Window;
import dev.voicetrack.core.XpConfig;
import dev.voicetrack.jda.AnnouncementStore;
import dev.voicetrack.jda.LevelUpAnnouncement;
import dev.voicetrack.jda.StorageAdmin;
import java.awt.Color;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;
import net.dv8tion.jda.api.EmbedBuilder;
import net.dv8tion.jda.api.entities.User;
import net.dv8tion.jda.api.entities.channel.ChannelType;
import net.dv8tion.jda.api.entities.channel.unions.GuildChannelUnion;
import net.dv8tion.jda.api.events.interaction.command.SlashCommandInteractionEvent;
import net.dv8tion.jda.api.interactions.commands.OptionMapping;
import net.dv8tion.jda.api.interactions.components.ActionRow;
import net.dv8tion.jda.api.interactions.components.buttons.Button;
import org.jspecify.annotations.Nullable;

/**
 * The work behind each command. Runs on a command worker thread, never on a JDA event thread: every method may
 * call the tracker (which may read storage) and returns the answer, or a stage of it for storage maintenance.
 * Input errors are thrown as {@link IllegalArgumentException} whose message is shown to the user.
 */
final class CommandHandlers {
    static final int PAGE_SIZE = 10;
    static final String LEADERBOARD_BUTTON = "vt-lb";
    /** The last leaderboard page a button may ask for; keeps the storage offset far from int overflow. */
    static final int MAX_PAGE = 100_000;
    /** The longest message XP cooldown {@code /config set} takes: one year, in seconds. */
    static final long MAX_COOLDOWN_SECONDS = 365L * 24 * 60 * 60;

    private static final int SHOWN_IDS = 10;
    private static final int SHOWN_VALUE_CHARS = 200;

    private static final Color BLURPLE = new Color(0x5865F2);
    private static final Color GOLD = new Color(0xFFD700);
    private static final Color GREEN = new Color(0x00AA00);

    private final VoiceTracker tracker;
    private final @Nullable Cache<?> cache;
    private final @Nullable CacheWarmer<?> warmer;
    private final @Nullable StorageAdmin storageAdmin;
    private final AnnouncementStore announcements;

    CommandHandlers(
            VoiceTracker tracker,
            @Nullable Cache<?> cache,
            @Nullable CacheWarmer<?> warmer,
            @Nullable StorageAdmin storageAdmin,
            AnnouncementStore announcements) {
        this.tracker = tracker;
        this.cache = cache;
        this.warmer = warmer;
        this.storageAdmin = storageAdmin;
        this.announcements = announcements;
    }

    CompletionStage<Reply> handle(SlashCommandInteractionEvent event) {
        long guildId = event.getGuild().getIdLong();
        return switch (event.getName()) {
            case CommandDefinitions.STATS -> done(stats(guildId, target(event)));
            case CommandDefinitions.RANK -> done(rank(guildId, target(event)));
            case CommandDefinitions.LEADERBOARD -> done(leaderboard(
                    guildId,
                    Metric.parse(event.getOption("metric", "xp", OptionMapping::getAsString)),
                    parseWindow(event.getOption("window", "all", OptionMapping::getAsString)),
                    0));
            case CommandDefinitions.CACHE_STATS -> done(cacheStats());
            case CommandDefinitions.CACHE_INFO -> done(cacheInfo());
            case CommandDefinitions.CACHE_CLEAR -> done(cacheClear(
                    event.getOption("pattern", null, OptionMapping::getAsString),
                    event.getOption("tag", null, OptionMapping::getAsString)));
            case CommandDefinitions.CACHE_WARM -> done(
                    cacheWarm(event.getOption("scope", CacheWarmer.ALL, OptionMapping::getAsString)));
            case CommandDefinitions.DB_STATS -> dbStats();
            case CommandDefinitions.BACKUP -> backup();
            case CommandDefinitions.OPTIMIZE -> optimize();
            case CommandDefinitions.CONFIG -> done(config(guildId, event));
            default -> done(Reply.error("Unknown command /" + event.getName() + "."));
        };
    }

    private static CompletionStage<Reply> done(Reply reply) {
        return CompletableFuture.completedFuture(reply);
    }

    private static User target(SlashCommandInteractionEvent event) {
        return event.getOption("user", event.getUser(), OptionMapping::getAsUser);
    }

    // ---- /stats and /rank ----

    Reply stats(long guildId, User user) {
        Optional<MemberStats> found = tracker.getUser(guildId, user.getIdLong());
        if (found.isEmpty()) {
            return Reply.text(user.getName() + " has no voice activity yet.", true);
        }
        MemberStats s = found.get();
        double multiplier = tracker.levelMultiplier(guildId);
        OptionalInt rank = tracker.getRank(guildId, user.getIdLong(), Metric.XP, Window.allTime());
        EmbedBuilder embed = new EmbedBuilder()
                .setColor(BLURPLE)
                .setTitle("Voice stats for " + user.getName())
                .addField("Voice time", LevelCalculator.formatVoiceTime(s.voiceTimeMs()), true)
                .addField("Level", Integer.toString(s.level()), true)
                .addField("XP", number(s.xp()), true)
                .addField(
                        "Progress",
                        LevelCalculator.progressPercent(s.xp(), multiplier) + "% → Level " + (s.level() + 1),
                        true)
                .addField("XP needed", number(LevelCalculator.xpToNextLevel(s.xp(), multiplier)), true)
                .addField("Rank", rank.isPresent() ? "#" + rank.getAsInt() : "Unranked", true);
        return Reply.embed(embed.build(), false);
    }

    Reply rank(long guildId, User user) {
        OptionalInt byXp = tracker.getRank(guildId, user.getIdLong(), Metric.XP, Window.allTime());
        OptionalInt byTime = tracker.getRank(guildId, user.getIdLong(), Metric.VOICE_TIME, Window.allTime());
        if (byXp.isEmpty() && byTime.isEmpty()) {
            return Reply.text(user.getName() + " is not ranked yet.", true);
        }
        return Reply.text(
                user.getName() + " is " + rankText(byXp) + " by XP and " + rankText(byTime) + " by voice time.", false);
    }

    private static String rankText(OptionalInt rank) {
        return rank.isPresent() ? "#" + rank.getAsInt() : "unranked";
    }

    // ---- /leaderboard ----

    Reply leaderboard(long guildId, Metric metric, Window window, int page) {
        if (metric == Metric.LEVEL && window.kind() != Window.Kind.ALL_TIME) {
            throw new IllegalArgumentException("The level leaderboard is all-time only, was window " + window.key());
        }
        if (page < 0) {
            throw new IllegalArgumentException("page must be >= 0, was " + page);
        }
        if (page > MAX_PAGE) {
            throw new IllegalArgumentException("page must be at most " + MAX_PAGE + ", was " + page);
        }
        // one more than a page tells whether there is a next page
        LeaderboardPage lb = tracker.getLeaderboard(guildId, metric, window, PAGE_SIZE + 1, page * PAGE_SIZE);
        List<LeaderboardEntry> entries = lb.entries();
        if (entries.isEmpty()) {
            return page == 0
                    ? Reply.text("No leaderboard data yet.", true)
                    : Reply.text("There is nothing on page " + (page + 1) + ".", true);
        }
        boolean hasNext = entries.size() > PAGE_SIZE;
        StringBuilder text = new StringBuilder();
        for (LeaderboardEntry e : entries.subList(0, Math.min(PAGE_SIZE, entries.size()))) {
            text.append("**")
                    .append(e.rank())
                    .append(".** <@")
                    .append(e.userId())
                    .append("> — ")
                    .append(format(metric, e.value(metric)))
                    .append('\n');
        }
        EmbedBuilder embed = new EmbedBuilder()
                .setColor(GOLD)
                .setTitle(title(metric) + " leaderboard — " + windowTitle(window))
                .setDescription(text.toString().strip())
                .setFooter("Page " + (page + 1));
        String base = LEADERBOARD_BUTTON + ":" + metric.key() + ":" + window.key() + ":";
        ActionRow row = ActionRow.of(
                Button.secondary(base + (page - 1), "◀ Previous").withDisabled(page == 0),
                Button.secondary(base + (page + 1), "Next ▶").withDisabled(!hasNext));
        return new Reply("", List.of(embed.build()), List.of(row), false);
    }

    /** A page button's answer; the custom id is {@code vt-lb:<metric>:<window>:<page>}. */
    Reply leaderboardButton(long guildId, String customId) {
        String[] parts = customId.split(":");
        if (parts.length != 4 || !parts[0].equals(LEADERBOARD_BUTTON)) {
            throw new IllegalArgumentException("This button is not one of VoiceTrack's, was '" + customId + "'");
        }
        int page;
        try {
            page = Integer.parseInt(parts[3]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("page must be a number, was '" + parts[3] + "'", e);
        }
        return leaderboard(guildId, Metric.parse(parts[1]), parseWindow(parts[2]), page);
    }

    static Window parseWindow(String key) {
        String k = key.trim().toLowerCase(Locale.ROOT);
        switch (k) {
            case "all":
                return Window.allTime();
            case "week":
                return Window.thisWeek();
            case "month":
                return Window.thisMonth();
            default:
                if (k.endsWith("d")) {
                    int days;
                    try {
                        days = Integer.parseInt(k.substring(0, k.length() - 1));
                    } catch (NumberFormatException ignored) {
                        days = -1; // not a number: the error below
                    }
                    if (days >= 1 && days <= Window.MAX_DAYS) {
                        return Window.lastDays(days);
                    }
                    if (k.matches("-?\\d+d")) {
                        throw new IllegalArgumentException(
                                "window <N>d must have N in 1.." + Window.MAX_DAYS + ", was '" + key + "'");
                    }
                }
                throw new IllegalArgumentException(
                        "window must be all, week, month or <N>d (last N days), was '" + key + "'");
        }
    }

    private static String format(Metric metric, long value) {
        return switch (metric) {
            case XP -> number(value) + " XP";
            case VOICE_TIME -> LevelCalculator.formatVoiceTime(value);
            case LEVEL -> "Level " + value;
            case MESSAGES -> number(value) + (value == 1 ? " message" : " messages");
        };
    }

    private static String title(Metric metric) {
        return switch (metric) {
            case XP -> "XP";
            case VOICE_TIME -> "Voice time";
            case LEVEL -> "Level";
            case MESSAGES -> "Messages";
        };
    }

    private static String windowTitle(Window window) {
        return switch (window.kind()) {
            case ALL_TIME -> "all time";
            case THIS_WEEK -> "this week";
            case THIS_MONTH -> "this month";
            case LAST_DAYS -> window.days() == 1 ? "today" : "last " + window.days() + " days";
        };
    }

    // ---- cache commands ----

    Reply cacheStats() {
        Cache<?> c = cache;
        if (c == null) {
            return Reply.error("Cache is not enabled.");
        }
        CacheStats s = c.stats();
        StringBuilder top = new StringBuilder();
        int i = 1;
        for (HotKey k : c.topKeys(5)) {
            top.append(i++)
                    .append(". `")
                    .append(k.key())
                    .append("` (")
                    .append(number(k.hits()))
                    .append(" hits)\n");
        }
        EmbedBuilder embed = new EmbedBuilder()
                .setColor(GREEN)
                .setTitle("Cache statistics — " + s.name())
                .addField("Hit rate", String.format(Locale.ROOT, "%.2f%%", s.hitRatePercent()), true)
                .addField("Hits", number(s.hits()), true)
                .addField("Misses", number(s.misses()), true)
                .addField("Entries", number(s.size()), true)
                .addField("Sets", number(s.sets()), true)
                .addField("Deletes", number(s.deletes()), true)
                .addField("Expired", number(s.expirations()), true)
                .addField("Evicted (size)", number(s.sizeEvictions()), true)
                .addField("Memory", s.estimatedBytes() < 0 ? "not tracked" : bytes(s.estimatedBytes()), true)
                .addField(
                        "Top entries",
                        top.length() == 0 ? "none yet" : top.toString().strip(),
                        false);
        return Reply.embed(embed.build(), true);
    }

    Reply cacheInfo() {
        Cache<?> c = cache;
        if (c == null) {
            return Reply.error("Cache is not enabled.");
        }
        CacheConfig cfg = c.config();
        StringBuilder tiers = new StringBuilder();
        cfg.tiers()
                .forEach((tier, ttl) ->
                        tiers.append(tier).append(": ").append(duration(ttl)).append('\n'));
        EmbedBuilder embed = new EmbedBuilder()
                .setColor(GREEN)
                .setTitle("Cache — " + cfg.name())
                .addField("Default TTL", duration(cfg.defaultTtl()), true)
                .addField(
                        "Max entries",
                        cfg.maximumEntries().isPresent()
                                ? number(cfg.maximumEntries().getAsLong())
                                : "unbounded",
                        true)
                .addField(
                        "Max memory",
                        cfg.maximumBytes().isPresent()
                                ? bytes(cfg.maximumBytes().getAsLong())
                                : "unbounded",
                        true)
                .addField("Negative TTL", duration(cfg.negativeTtl()), true)
                .addField(
                        "Tier TTLs",
                        tiers.length() == 0 ? "none" : tiers.toString().strip(),
                        false)
                .addField(
                        "Warming scopes",
                        warmer == null ? "warming not configured" : String.join(", ", warmer.scopes()),
                        false);
        return Reply.embed(embed.build(), true);
    }

    Reply cacheClear(@Nullable String pattern, @Nullable String tag) {
        Cache<?> c = cache;
        if (c == null) {
            return Reply.error("Cache is not enabled.");
        }
        if (pattern == null && tag == null) {
            throw new IllegalArgumentException("Give a pattern (all = everything) or a tag.");
        }
        if (pattern != null && tag != null) {
            throw new IllegalArgumentException("Give a pattern or a tag, not both.");
        }
        if (tag != null) {
            long n = c.invalidateByTag(tag.trim());
            return Reply.text("🧹 Cleared " + number(n) + " entries tagged `" + tag.trim() + "`.", true);
        }
        String p = pattern.trim();
        if (p.equalsIgnoreCase("all") || p.equals("*")) {
            long before = c.stats().size();
            c.clear();
            return Reply.text("🧹 Cleared the whole cache (" + number(before) + " entries).", true);
        }
        long n = c.invalidateByPattern(p);
        return Reply.text("🧹 Cleared " + number(n) + " entries matching `" + p + "`.", true);
    }

    Reply cacheWarm(String scope) {
        CacheWarmer<?> w = warmer;
        if (w == null) {
            return Reply.error("Cache warming is not configured.");
        }
        WarmReport report = w.warm(scope.trim());
        StringBuilder text = new StringBuilder(
                "🔥 Warmed " + number(report.totalLoaded()) + " entries in " + duration(report.duration()) + ".\n");
        for (WarmReport.TaskResult t : report.tasks()) {
            text.append("• ").append(t.scope()).append(": ");
            if (t.failed()) {
                text.append("failed (").append(t.failure().orElse("")).append(")");
            } else {
                text.append(number(t.loaded())).append(" entries");
            }
            text.append('\n');
        }
        return Reply.text(text.toString().strip(), true);
    }

    // ---- storage maintenance ----

    CompletionStage<Reply> dbStats() {
        StorageAdmin admin = storageAdmin;
        if (admin == null) {
            return done(Reply.error("/" + CommandDefinitions.DB_STATS + " is not supported by this storage."));
        }
        return admin.stats().thenApply(s -> {
            EmbedBuilder embed = new EmbedBuilder()
                    .setColor(GREEN)
                    .setTitle(s.backend() + " statistics")
                    .addField("Guilds", number(s.guilds()), true)
                    .addField("Users", number(s.users()), true)
                    .addField("Sessions", number(s.sessions()), true)
                    .addField("Size", s.sizeBytes() < 0 ? "unknown" : bytes(s.sizeBytes()), true)
                    .addField(
                            "Sessions per user",
                            s.users() == 0
                                    ? "0"
                                    : String.format(Locale.ROOT, "%.1f", (double) s.sessions() / s.users()),
                            true);
            if (!s.location().isEmpty()) {
                embed.addField("Location", "`" + s.location() + "`", false);
            }
            return Reply.embed(embed.build(), true);
        });
    }

    CompletionStage<Reply> backup() {
        StorageAdmin admin = storageAdmin;
        if (admin == null || !admin.supportsBackup()) {
            return notSupported(admin, CommandDefinitions.BACKUP);
        }
        return admin.backup().thenApply(r -> {
            if (!r.success()) {
                return Reply.error("Backup failed: " + r.message() + "\nExisting backups were left as they were.");
            }
            return Reply.text(
                    "✅ Backup written: `" + r.location() + "`"
                            + (r.sizeBytes() >= 0 ? " (" + bytes(r.sizeBytes()) + ")" : "")
                            + (r.message().isEmpty() ? "" : "\n" + r.message()),
                    true);
        });
    }

    CompletionStage<Reply> optimize() {
        StorageAdmin admin = storageAdmin;
        if (admin == null || !admin.supportsOptimize()) {
            return notSupported(admin, CommandDefinitions.OPTIMIZE);
        }
        return admin.optimize().thenApply(r -> {
            String sizes = r.sizeBytesBefore() >= 0 && r.sizeBytesAfter() >= 0
                    ? "\nBefore: " + bytes(r.sizeBytesBefore()) + ", after: " + bytes(r.sizeBytesAfter())
                    : "";
            return Reply.text("✅ Storage optimized in " + duration(r.duration()) + "." + sizes, true);
        });
    }

    /** Names the command and, when the storage can say, its backend ("/backup is not supported by JSON storage"). */
    private static CompletionStage<Reply> notSupported(@Nullable StorageAdmin admin, String command) {
        Reply unnamed = Reply.error("/" + command + " is not supported by this storage.");
        if (admin == null) {
            return done(unnamed);
        }
        return admin.stats()
                .thenApply(s -> Reply.error("/" + command + " is not supported by " + s.backend() + " storage."))
                .exceptionally(e -> unnamed);
    }

    // ---- /config ----

    Reply config(long guildId, SlashCommandInteractionEvent event) {
        String sub = event.getSubcommandName();
        if ("set".equals(sub)) {
            String option = event.getOption("option", "", OptionMapping::getAsString);
            String value = event.getOption("value", "", OptionMapping::getAsString);
            return configSet(guildId, option, value);
        }
        if ("levelup".equals(sub)) {
            String mode = event.getOption("mode", "off", OptionMapping::getAsString);
            GuildChannelUnion channel = event.getOption("channel", null, OptionMapping::getAsChannel);
            String template = event.getOption("template", null, OptionMapping::getAsString);
            return configLevelUp(guildId, mode, channel, template);
        }
        return configShow(guildId);
    }

    Reply configShow(long guildId) {
        GuildConfig c = tracker.config(guildId);
        LevelUpAnnouncement a = announcements.get(guildId);
        XpConfig x = c.xpConfig();
        VoiceTimeConfig v = c.voiceTimeConfig();
        String text = "**Tracking options**\n"
                + "trackBots: " + c.trackBots() + "\n"
                + "trackAllChannels: " + c.trackAllChannels() + "\n"
                + "channelIds: " + ids(c.channelIds()) + "\n"
                + "trackMuted: " + c.trackMuted() + "\n"
                + "trackDeafened: " + c.trackDeafened() + "\n"
                + "minUsersToTrack: " + c.minUsersToTrack() + "\n"
                + "maxUsersToTrack: " + c.maxUsersToTrack() + "\n"
                + "exemptPermissions: " + names(c.exemptPermissions()) + "\n"
                + "xpStrategy: " + c.xpStrategy() + "\n"
                + "xpPerCheck: " + orDefault(x.baseAmount()) + "\n"
                + "xpConfig.roles: " + roles(x.roles()) + "\n"
                + "xpConfig.boosterMultiplier: " + orDefault(x.boosterMultiplier()) + "\n"
                + "xpConfig.minXP: " + orDefault(x.minXP()) + "\n"
                + "xpConfig.maxXP: " + orDefault(x.maxXP()) + "\n"
                + "voiceTimeStrategy: " + c.voiceTimeStrategy() + "\n"
                + "voiceTimeConfig.baseAmount: " + orDefault(v.baseAmount()) + "\n"
                + "voiceTimeConfig.multiplier: " + orDefault(v.multiplier()) + "\n"
                + "levelMultiplierStrategy: " + c.levelMultiplierStrategy() + "\n"
                + "levelMultiplierConfig.baseMultiplier: "
                + orDefault(c.levelMultiplierConfig().baseMultiplier()) + "\n"
                + "enableLeveling: " + c.enableLeveling() + "\n"
                + "enableVoiceTime: " + c.enableVoiceTime() + "\n"
                + "excludedChannelIds: " + ids(c.excludedChannelIds()) + "\n"
                + "noXpRoleIds: " + ids(c.noXpRoleIds()) + "\n"
                + "noXpChannelIds: " + ids(c.noXpChannelIds()) + "\n"
                + "botsCountAsCompany: " + c.botsCountAsCompany() + "\n"
                + "mutedCountAsCompany: " + c.mutedCountAsCompany() + "\n"
                + "messageXp: " + c.messageXp() + "\n"
                + "messageXpCooldownSeconds: " + c.messageXpCooldown().toSeconds() + "\n"
                + "timeZone: " + c.timeZone() + "\n"
                + "**Level-up announcements**\n"
                + "mode: " + a.mode().name().toLowerCase(Locale.ROOT)
                + (a.mode() == LevelUpAnnouncement.Mode.CHANNEL ? " in <#" + a.channelId() + ">" : "") + "\n"
                + "template: " + a.template();
        return Reply.text(text, true);
    }

    /**
     * Sets one option of the guild's config. Values are parsed here (booleans, whole numbers, decimals, ids
     * separated by commas or spaces, mentions such as {@code <@&id>} included, {@code none} for an empty set or
     * an unset nested value); every rule on the value itself is {@code GuildConfig}'s own, so the error names
     * the option and the value exactly as its builder does.
     */
    Reply configSet(long guildId, String option, String value) {
        GuildConfig current = tracker.config(guildId);
        GuildConfig.Builder b = current.toBuilder();
        XpConfig x = current.xpConfig();
        VoiceTimeConfig vt = current.voiceTimeConfig();
        String v = value.trim();
        switch (option) {
            case "trackBots" -> b.trackBots(bool(option, v));
            case "trackAllChannels" -> b.trackAllChannels(bool(option, v));
            case "channelIds" -> b.channelIds(idList(option, v));
            case "trackMuted" -> b.trackMuted(bool(option, v));
            case "trackDeafened" -> b.trackDeafened(bool(option, v));
            case "minUsersToTrack" -> b.minUsersToTrack(intValue(option, v));
            case "maxUsersToTrack" -> b.maxUsersToTrack(intValue(option, v));
            case "exemptPermissions" -> b.exemptPermissions(nameList(v));
            case "xpStrategy" -> b.xpStrategy(v);
            case "xpPerCheck", "xpConfig.baseAmount" -> {
                try {
                    b.xpConfig(new XpConfig(
                            optionalLong(option, v), x.roles(), x.boosterMultiplier(), x.minXP(), x.maxXP()));
                } catch (IllegalArgumentException e) {
                    // XpConfig names the field; the user typed the alias /config show lists
                    throw new IllegalArgumentException(
                            String.valueOf(e.getMessage()).replace("xpConfig.baseAmount", option), e);
                }
            }
            case "xpConfig.roles" -> b.xpConfig(
                    new XpConfig(x.baseAmount(), roleXp(option, v), x.boosterMultiplier(), x.minXP(), x.maxXP()));
            case "xpConfig.boosterMultiplier" -> b.xpConfig(
                    new XpConfig(x.baseAmount(), x.roles(), optionalDouble(option, v), x.minXP(), x.maxXP()));
            case "xpConfig.minXP" -> b.xpConfig(
                    new XpConfig(x.baseAmount(), x.roles(), x.boosterMultiplier(), optionalLong(option, v), x.maxXP()));
            case "xpConfig.maxXP" -> b.xpConfig(
                    new XpConfig(x.baseAmount(), x.roles(), x.boosterMultiplier(), x.minXP(), optionalLong(option, v)));
            case "voiceTimeStrategy" -> b.voiceTimeStrategy(v);
            case "voiceTimeConfig.baseAmount" -> b.voiceTimeConfig(
                    new VoiceTimeConfig(optionalLong(option, v), vt.multiplier()));
            case "voiceTimeConfig.multiplier" -> b.voiceTimeConfig(
                    new VoiceTimeConfig(vt.baseAmount(), optionalDouble(option, v)));
            case "levelMultiplierStrategy" -> b.levelMultiplierStrategy(v);
            case "levelMultiplierConfig.baseMultiplier" -> b.levelMultiplierConfig(
                    new LevelMultiplierConfig(optionalDouble(option, v)));
            case "enableLeveling" -> b.enableLeveling(bool(option, v));
            case "enableVoiceTime" -> b.enableVoiceTime(bool(option, v));
            case "excludedChannelIds" -> b.excludedChannelIds(idList(option, v));
            case "noXpRoleIds" -> b.noXpRoleIds(idList(option, v));
            case "noXpChannelIds" -> b.noXpChannelIds(idList(option, v));
            case "botsCountAsCompany" -> b.botsCountAsCompany(bool(option, v));
            case "mutedCountAsCompany" -> b.mutedCountAsCompany(bool(option, v));
            case "messageXp" -> b.messageXp(longValue(option, v));
            case "messageXpCooldownSeconds" -> b.messageXpCooldown(Duration.ofSeconds(cooldownSeconds(option, v)));
            case "timeZone" -> {
                try {
                    b.timeZone(ZoneId.of(v));
                } catch (DateTimeException e) {
                    throw new IllegalArgumentException(
                            "timeZone must be a zone id such as Europe/Paris or UTC, was '" + value + "'", e);
                }
            }
            default -> throw new IllegalArgumentException("option must be one of "
                    + String.join(", ", CommandDefinitions.CONFIG_OPTIONS) + ", was '" + option + "'");
        }
        tracker.updateConfig(guildId, b.build());
        String shown = v.length() <= SHOWN_VALUE_CHARS ? v : v.substring(0, SHOWN_VALUE_CHARS) + "…";
        return Reply.text("✅ Set " + option + " to " + shown + ".", true);
    }

    Reply configLevelUp(
            long guildId, String mode, @Nullable GuildChannelUnion channel, @Nullable String templateOrNull) {
        String template = templateOrNull == null ? announcements.get(guildId).template() : templateOrNull;
        LevelUpAnnouncement a;
        switch (mode) {
            case "off" -> a = new LevelUpAnnouncement(LevelUpAnnouncement.Mode.OFF, 0, template);
            case "dm" -> a = LevelUpAnnouncement.byDirectMessage(template);
            case "channel" -> {
                if (channel == null) {
                    throw new IllegalArgumentException("channel is required for mode channel, was not given");
                }
                if (channel.getType() != ChannelType.TEXT && channel.getType() != ChannelType.NEWS) {
                    throw new IllegalArgumentException("channel must be a text channel, was " + channel.getName() + " ("
                            + channel.getType() + ")");
                }
                a = LevelUpAnnouncement.inChannel(channel.getIdLong(), template);
            }
            default -> throw new IllegalArgumentException("mode must be off, channel or dm, was '" + mode + "'");
        }
        announcements.put(guildId, a);
        return Reply.text(
                "✅ Level-up announcements: " + mode
                        + (a.mode() == LevelUpAnnouncement.Mode.CHANNEL ? " in <#" + a.channelId() + ">" : "")
                        + ", template: " + a.template(),
                true);
    }

    private static boolean bool(String option, String v) {
        if (v.equalsIgnoreCase("true")) {
            return true;
        }
        if (v.equalsIgnoreCase("false")) {
            return false;
        }
        throw new IllegalArgumentException(option + " must be true or false, was '" + v + "'");
    }

    private static long longValue(String option, String v) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be a whole number, was '" + v + "'", e);
        }
    }

    /** Seconds in 0..one year: longer would overflow the millisecond fields some storages keep. */
    private static long cooldownSeconds(String option, String v) {
        long seconds = longValue(option, v);
        if (seconds < 0) {
            throw new IllegalArgumentException(option + " must be >= 0, was " + seconds);
        }
        if (seconds > MAX_COOLDOWN_SECONDS) {
            throw new IllegalArgumentException(
                    option + " must be at most " + MAX_COOLDOWN_SECONDS + " (one year), was " + seconds);
        }
        return seconds;
    }

    private static int intValue(String option, String v) {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    option + " must be a whole number up to " + Integer.MAX_VALUE + ", was '" + v + "'", e);
        }
    }

    private static boolean none(String v) {
        return v.isEmpty() || v.equalsIgnoreCase("none");
    }

    private static @Nullable Long optionalLong(String option, String v) {
        return none(v) ? null : longValue(option, v);
    }

    private static @Nullable Double optionalDouble(String option, String v) {
        if (none(v)) {
            return null;
        }
        double d;
        try {
            d = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be a number such as 1.5, was '" + v + "'", e);
        }
        if (!Double.isFinite(d)) {
            throw new IllegalArgumentException(option + " must be a finite number such as 1.5, was '" + v + "'");
        }
        return d;
    }

    /** Ids separated by commas or spaces; channel, role and user mentions are taken as their ids. */
    private static List<Long> idList(String option, String v) {
        List<Long> out = new ArrayList<>();
        if (none(v)) {
            return out;
        }
        for (String part : v.split("[,\\s]+")) {
            if (part.isEmpty()) {
                continue;
            }
            String digits = part.replaceFirst("^<(#|@&|@!|@)(\\d+)>$", "$2");
            try {
                out.add(Long.parseLong(digits));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        option + " must be ids separated by commas (or none), was '" + part + "'", e);
            }
        }
        return out;
    }

    private static List<String> nameList(String v) {
        List<String> out = new ArrayList<>();
        if (!none(v)) {
            for (String part : v.split("[,\\s]+")) {
                if (!part.isEmpty()) {
                    out.add(part);
                }
            }
        }
        return out;
    }

    /** {@code roleId:xp} pairs separated by commas, in the order given (the first role a member has wins). */
    private static Map<Long, Long> roleXp(String option, String v) {
        Map<Long, Long> out = new LinkedHashMap<>();
        if (none(v)) {
            return out;
        }
        for (String part : v.split("[,\\s]+")) {
            if (part.isEmpty()) {
                continue;
            }
            String[] kv = part.split(":", 2);
            if (kv.length != 2) {
                throw new IllegalArgumentException(
                        option + " must be roleId:xp pairs separated by commas (or none), was '" + part + "'");
            }
            long role = idList(option, kv[0]).stream().findFirst().orElse(0L);
            out.put(role, longValue(option, kv[1]));
        }
        return out;
    }

    /** At most {@value #SHOWN_IDS} ids, so that {@code /config show} stays under Discord's 2,000 characters. */
    private static String ids(Set<Long> ids) {
        if (ids.isEmpty()) {
            return "none";
        }
        String shown =
                ids.stream().sorted().limit(SHOWN_IDS).map(String::valueOf).collect(Collectors.joining(", "));
        return ids.size() <= SHOWN_IDS ? shown : shown + " … (" + ids.size() + " in all)";
    }

    private static String names(Set<String> names) {
        return names.isEmpty() ? "none" : names.stream().sorted().collect(Collectors.joining(", "));
    }

    private static String roles(Map<Long, Long> roles) {
        return roles.isEmpty()
                ? "none"
                : roles.entrySet().stream()
                        .map(e -> e.getKey() + ":" + e.getValue())
                        .collect(Collectors.joining(", "));
    }

    private static String orDefault(@Nullable Object value) {
        return value == null ? "strategy default" : value.toString();
    }

    // ---- formatting ----

    static String number(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    private static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        if (n < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.2f KB", n / 1024.0);
        }
        return String.format(Locale.ROOT, "%.2f MB", n / 1024.0 / 1024.0);
    }

    private static String duration(Duration d) {
        long ms = d.toMillis();
        return ms < 1000 ? ms + " ms" : LevelCalculator.formatVoiceTime(ms);
    }
}
