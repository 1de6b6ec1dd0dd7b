package dev.voicetrack.jda.internal;

import static dev.voicetrack.jda.internal.Replies.done;
import static dev.voicetrack.jda.internal.Replies.guildId;
import static dev.voicetrack.jda.internal.Replies.number;
import static dev.voicetrack.jda.internal.Replies.string;
import static dev.voicetrack.jda.internal.Replies.targetUser;

import dev.voicetrack.core.LeaderboardEntry;
import dev.voicetrack.core.LeaderboardPage;
import dev.voicetrack.core.LevelCalculator;
import dev.voicetrack.core.MemberStats;
import dev.voicetrack.core.Metric;
import dev.voicetrack.core.VoiceTracker;
import dev.voicetrack.core.Window;
import dev.voicetrack.jda.DashboardLinks;
import dev.voicetrack.jda.VoiceTrackJda;
import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import net.dv8tion.jda.api.EmbedBuilder;
import net.dv8tion.jda.api.entities.Member;
import net.dv8tion.jda.api.entities.Message;
import net.dv8tion.jda.api.entities.User;
import net.dv8tion.jda.api.events.interaction.command.SlashCommandInteractionEvent;
import net.dv8tion.jda.api.events.interaction.component.ButtonInteractionEvent;
import net.dv8tion.jda.api.interactions.InteractionType;
import net.dv8tion.jda.api.interactions.commands.OptionMapping;
import net.dv8tion.jda.api.interactions.components.ActionRow;
import net.dv8tion.jda.api.interactions.components.buttons.Button;
import org.jspecify.annotations.Nullable;

/**
 * {@code /stats}, {@code /rank} and {@code /leaderboard}, with the leaderboard's page buttons: what any member may
 * ask about activity. Every answer reads the tracker (and through it the cache and storage).
 */
final class StatsCommands implements CommandGroup {
    static final int PAGE_SIZE = VoiceTrackJda.LEADERBOARD_PAGE_ROWS;
    static final String LEADERBOARD_BUTTON = "vt-lb";
    /** The last leaderboard page a button may ask for; keeps the storage offset far from int overflow. */
    static final int MAX_PAGE = 100_000;

    static final String CARD_FILE = "rank.png";

    private final VoiceTracker tracker;
    private final RankCards cards;
    private final @Nullable DashboardLinks links;

    StatsCommands(VoiceTracker tracker, RankCards cards, @Nullable DashboardLinks links) {
        this.tracker = tracker;
        this.cards = cards;
        this.links = links;
    }

    @Override
    public List<SlashCommand> commands() {
        return List.of(
                SlashCommand.of(
                        CommandDefinitions.STATS,
                        e -> done(
                                e.getOption("card", false, OptionMapping::getAsBoolean)
                                        ? rank(guildId(e), targetUser(e), accent(e))
                                        : stats(guildId(e), targetUser(e)))),
                SlashCommand.of(CommandDefinitions.RANK, e -> done(rank(guildId(e), targetUser(e), accent(e)))),
                SlashCommand.of(
                        CommandDefinitions.LEADERBOARD,
                        e -> done(leaderboard(
                                guildId(e),
                                Metric.parse(string(e, "metric", "xp")),
                                parseWindow(string(e, "window", "all")),
                                0,
                                e.getUser().getIdLong()))));
    }

    @Override
    public List<ButtonAction> buttons() {
        return List.of(new ButtonAction(
                LEADERBOARD_BUTTON,
                CommandDefinitions.LEADERBOARD,
                false,
                e -> leaderboardButton(
                        e.getGuild().getIdLong(), e.getUser().getIdLong(), e.getComponentId(), commandUser(e))));
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
                .setColor(Replies.BLURPLE)
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

    /** The target member's highest coloured role's colour, else blurple: the card's accent. */
    private static int accent(SlashCommandInteractionEvent e) {
        Member member = e.getOption("user", e.getMember(), OptionMapping::getAsMember);
        Color color = member == null ? null : member.getColor();
        return (color == null ? Replies.BLURPLE : color).getRGB() & 0xFFFFFF;
    }

    /** The rank line and the member's rank card ({@value #CARD_FILE}), shown in an embed. */
    Reply rank(long guildId, User user, int accentRgb) {
        OptionalInt byXp = tracker.getRank(guildId, user.getIdLong(), Metric.XP, Window.allTime());
        OptionalInt byTime = tracker.getRank(guildId, user.getIdLong(), Metric.VOICE_TIME, Window.allTime());
        Optional<MemberStats> found = tracker.getUser(guildId, user.getIdLong());
        if ((byXp.isEmpty() && byTime.isEmpty()) || found.isEmpty()) {
            return Reply.text(user.getName() + " is not ranked yet.", true);
        }
        MemberStats s = found.get();
        double multiplier = tracker.levelMultiplier(guildId);
        String avatar = user.getAvatarUrl();
        byte[] png = cards.png(new RankCard.Values(
                user.getEffectiveName(),
                s.level(),
                s.xp(),
                LevelCalculator.progressPercent(s.xp(), multiplier),
                LevelCalculator.xpToNextLevel(s.xp(), multiplier),
                byXp.orElse(0),
                s.voiceTimeMs(),
                accentRgb,
                avatar == null ? "" : avatar + "?size=256"));
        EmbedBuilder embed = new EmbedBuilder().setColor(accentRgb).setImage("attachment://" + CARD_FILE);
        return new Reply(
                user.getName() + " is " + rankText(byXp) + " by XP and " + rankText(byTime) + " by voice time.",
                List.of(embed.build()),
                !linked(guildId)
                        ? List.of()
                        : List.of(ActionRow.of(
                                Button.link(links.profile(guildId, user.getIdLong()), "Profile on the web"))),
                false,
                List.of(new Reply.File(CARD_FILE, png)));
    }

    private static String rankText(OptionalInt rank) {
        return rank.isPresent() ? "#" + rank.getAsInt() : "unranked";
    }

    /**
     * Whether replies link to the guild's dashboard pages: only when a dashboard URL is set and the guild keeps its
     * pages public (a private guild's pages answer 404, so a link would lead nowhere).
     */
    private boolean linked(long guildId) {
        return links != null && tracker.config(guildId).publicDashboard();
    }

    // ---- /leaderboard and its page buttons ----

    /**
     * One page, with Previous/Next buttons only {@code invokerId} may use, and the invoker's own row at the bottom
     * when it is ranked but not on the page.
     */
    Reply leaderboard(long guildId, Metric metric, Window window, int page, long invokerId) {
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
        List<LeaderboardEntry> shown = entries.subList(0, Math.min(PAGE_SIZE, entries.size()));
        shown.forEach(e -> row(text, e, metric));
        if (shown.stream().noneMatch(e -> e.userId() == invokerId)) {
            ownRow(guildId, metric, window, invokerId).ifPresent(own -> row(text.append("…\n"), own, metric));
        }
        EmbedBuilder embed = new EmbedBuilder()
                .setColor(Replies.GOLD)
                .setTitle(title(metric) + " leaderboard — " + windowTitle(window))
                .setDescription(text.toString().strip())
                .setFooter("Page " + (page + 1));
        String base = LEADERBOARD_BUTTON + ":" + metric.key() + ":" + window.key() + ":";
        String owner = ":" + invokerId;
        List<Button> buttons = new ArrayList<>(3);
        buttons.add(Button.secondary(base + (page - 1) + owner, "◀ Previous").withDisabled(page == 0));
        buttons.add(Button.secondary(base + (page + 1) + owner, "Next ▶").withDisabled(!hasNext));
        if (linked(guildId)) {
            buttons.add(Button.link(links.leaderboard(guildId, metric, window, invokerId), "Open on the web"));
        }
        return new Reply("", List.of(embed.build()), List.of(ActionRow.of(buttons)), false);
    }

    private static void row(StringBuilder text, LeaderboardEntry e, Metric metric) {
        text.append("**")
                .append(e.rank())
                .append(".** <@")
                .append(e.userId())
                .append("> — ")
                .append(format(metric, e.value(metric)))
                .append('\n');
    }

    /** The invoker's own leaderboard row, if it is ranked. */
    private Optional<LeaderboardEntry> ownRow(long guildId, Metric metric, Window window, long userId) {
        OptionalInt rank = tracker.getRank(guildId, userId, metric, window);
        if (rank.isEmpty()) {
            return Optional.empty();
        }
        return tracker.getLeaderboard(guildId, metric, window, 1, rank.getAsInt() - 1).entries().stream()
                .filter(e -> e.userId() == userId)
                .findFirst();
    }

    /** Who ran the command the button's message answers (Discord's interaction metadata); 0 if not known. */
    private static long commandUser(ButtonInteractionEvent e) {
        Message.InteractionMetadata metadata = e.getMessage().getInteractionMetadata();
        return metadata == null || metadata.getType() != InteractionType.COMMAND
                ? 0
                : metadata.getUser().getIdLong();
    }

    /**
     * A page button's answer; the custom id is {@code vt-lb:<metric>:<window>:<page>:<invoker>}. Buttons sent before
     * the invoker was part of it, {@code vt-lb:<metric>:<window>:<page>}, are paged by the member who ran the
     * command their message answers, as Discord reports it ({@code commandUserId}), or by anyone when it does not.
     *
     * @param commandUserId who ran {@code /leaderboard} according to the message, 0 if not known
     * @throws IllegalArgumentException if the clicker is not the member who ran {@code /leaderboard}
     */
    Reply leaderboardButton(long guildId, long clickerId, String customId, long commandUserId) {
        String[] parts = customId.split(":");
        if ((parts.length != 4 && parts.length != 5) || !parts[0].equals(LEADERBOARD_BUTTON)) {
            throw new IllegalArgumentException("This button is not one of VoiceTrack's, was '" + customId + "'");
        }
        long invokerId = commandUserId != 0 ? commandUserId : clickerId;
        if (parts.length == 5) {
            try {
                invokerId = Long.parseLong(parts[4]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("invoker must be a user id, was '" + parts[4] + "'", e);
            }
        }
        if (invokerId != clickerId) {
            throw new IllegalArgumentException(
                    "Only <@" + invokerId + "> can page this leaderboard; run /leaderboard for your own.");
        }
        int page;
        try {
            page = Integer.parseInt(parts[3]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("page must be a number, was '" + parts[3] + "'", e);
        }
        return leaderboard(guildId, Metric.parse(parts[1]), parseWindow(parts[2]), page, invokerId);
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
}
