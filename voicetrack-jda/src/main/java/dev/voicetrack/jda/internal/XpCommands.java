package dev.voicetrack.jda.internal;

import static dev.voicetrack.jda.internal.Replies.done;
import static dev.voicetrack.jda.internal.Replies.guildId;
import static dev.voicetrack.jda.internal.Replies.number;

import dev.voicetrack.core.LeaderboardEntry;
import dev.voicetrack.core.MemberStats;
import dev.voicetrack.core.Metric;
import dev.voicetrack.core.VoiceTracker;
import dev.voicetrack.core.Window;
import dev.voicetrack.core.storage.MemberTotals;
import java.util.ArrayList;
import java.util.List;
import net.dv8tion.jda.api.entities.User;
import net.dv8tion.jda.api.events.interaction.command.SlashCommandInteractionEvent;
import net.dv8tion.jda.api.interactions.commands.OptionMapping;
import net.dv8tion.jda.api.interactions.components.ActionRow;
import net.dv8tion.jda.api.interactions.components.buttons.Button;

/**
 * {@code /xp add|remove|set|reset} for one member and {@code /xp reset-server} (after a confirmation button) for
 * every member. All go through the tracker's admin operations, which write at once and drop the member's pending
 * increments they would otherwise be undone by, so a tick never undoes them; level rewards follow each change
 * (the tracker's {@code levelSet} event; after a server reset, one sync of the guild).
 */
final class XpCommands implements CommandGroup {
    static final String RESET_BUTTON = "vt-xpreset";
    private static final int PAGE = 1000;

    private final VoiceTracker tracker;
    private final RoleRewards rewards;

    XpCommands(VoiceTracker tracker, RoleRewards rewards) {
        this.tracker = tracker;
        this.rewards = rewards;
    }

    @Override
    public List<SlashCommand> commands() {
        return List.of(SlashCommand.of(CommandDefinitions.XP, e -> done(run(e))));
    }

    @Override
    public List<ButtonAction> buttons() {
        return List.of(new ButtonAction(
                RESET_BUTTON,
                CommandDefinitions.XP,
                true,
                e -> resetServerConfirmed(e.getGuild().getIdLong(), e.getUser().getIdLong(), e.getComponentId())));
    }

    private Reply run(SlashCommandInteractionEvent e) {
        long guildId = guildId(e);
        String sub = String.valueOf(e.getSubcommandName());
        if (sub.equals("reset-server")) {
            return resetServerAsk(e.getUser().getIdLong());
        }
        User user = e.getOption("user", e.getUser(), OptionMapping::getAsUser);
        long amount = e.getOption("amount", 0L, OptionMapping::getAsLong);
        return switch (sub) {
            case "add" -> add(guildId, user.getIdLong(), amount);
            case "remove" -> remove(guildId, user.getIdLong(), amount);
            case "set" -> set(guildId, user.getIdLong(), amount);
            default -> reset(guildId, user.getIdLong());
        };
    }

    Reply add(long guildId, long userId, long amount) {
        MemberTotals t = tracker.addXp(guildId, userId, positive(amount));
        return Reply.text(
                "✅ Gave <@" + userId + "> " + number(amount) + " XP: now " + number(t.xp()) + " XP, level " + t.level()
                        + ".",
                true);
    }

    /** Takes XP away (never below 0): a set to the current XP minus the amount, so the level follows down. */
    Reply remove(long guildId, long userId, long amount) {
        long current = tracker.getUser(guildId, userId).map(MemberStats::xp).orElse(0L);
        return set(guildId, userId, Math.max(0, current - positive(amount)));
    }

    Reply set(long guildId, long userId, long xp) {
        if (xp < 0) {
            throw new IllegalArgumentException("amount must be >= 0, was " + xp);
        }
        MemberTotals t = tracker.setXp(guildId, userId, xp);
        return Reply.text("✅ <@" + userId + "> now has " + number(t.xp()) + " XP, level " + t.level() + ".", true);
    }

    Reply reset(long guildId, long userId) {
        boolean existed = tracker.resetUser(guildId, userId);
        return Reply.text(
                existed
                        ? "✅ Reset <@" + userId + ">: XP, level and voice time are 0."
                        : "<@" + userId + "> had no data to reset.",
                true);
    }

    private static Reply resetServerAsk(long invokerId) {
        return new Reply(
                "⚠️ This resets the XP, level and voice time of **every member** of this server. It cannot be undone.",
                List.of(),
                List.of(ActionRow.of(Button.danger(RESET_BUTTON + ":" + invokerId, "Reset every member"))),
                true);
    }

    /** The confirmation click: only the admin who asked may confirm. */
    Reply resetServerConfirmed(long guildId, long clickerId, String customId) {
        String invoker = customId.substring(RESET_BUTTON.length() + 1);
        if (!invoker.equals(Long.toString(clickerId))) {
            throw new IllegalArgumentException("Only <@" + invoker + "> can confirm this reset.");
        }
        List<Long> members = new ArrayList<>();
        for (int offset = 0; ; offset += PAGE) {
            List<LeaderboardEntry> page = tracker.getLeaderboard(guildId, Metric.XP, Window.allTime(), PAGE, offset)
                    .entries();
            page.forEach(e -> members.add(e.userId()));
            if (page.size() < PAGE) {
                break;
            }
        }
        members.forEach(userId -> tracker.resetUser(guildId, userId));
        rewards.requestGuild(guildId);
        return new Reply("✅ Reset " + number(members.size()) + " members.", List.of(), List.of(), false);
    }

    private static long positive(long amount) {
        if (amount < 1) {
            throw new IllegalArgumentException("amount must be >= 1, was " + amount);
        }
        return amount;
    }
}
