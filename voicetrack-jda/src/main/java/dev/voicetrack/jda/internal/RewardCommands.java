package dev.voicetrack.jda.internal;

import static dev.voicetrack.jda.internal.Replies.done;
import static dev.voicetrack.jda.internal.Replies.guildId;

import dev.voicetrack.core.LevelReward;
import dev.voicetrack.core.LevelRewards;
import dev.voicetrack.core.VoiceTracker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import net.dv8tion.jda.api.entities.Role;
import net.dv8tion.jda.api.events.interaction.command.SlashCommandInteractionEvent;
import net.dv8tion.jda.api.interactions.commands.OptionMapping;

/**
 * {@code /rewards add|remove|list|sync}: the guild's level role rewards, stored in its guild config through
 * the tracker (so on every backend, in backups and migrations), applied to members by {@link RoleRewards}.
 */
final class RewardCommands implements CommandGroup {
    /** How long {@code /rewards sync} waits for the sync before answering that it goes on in the background. */
    static final Duration SYNC_ANSWER_WAIT = Duration.ofSeconds(30);

    private final VoiceTracker tracker;
    private final RoleRewards rewards;
    private final RewardEdits edits;

    RewardCommands(VoiceTracker tracker, RoleRewards rewards, RewardEdits edits) {
        this.tracker = tracker;
        this.rewards = rewards;
        this.edits = edits;
    }

    @Override
    public List<SlashCommand> commands() {
        return List.of(SlashCommand.slow(CommandDefinitions.REWARDS, this::run));
    }

    private CompletionStage<Reply> run(SlashCommandInteractionEvent e) {
        long guildId = guildId(e);
        rewards.problems().rewardsCommandUsed(guildId, e.getChannelIdLong());
        String sub = String.valueOf(e.getSubcommandName());
        Role role = e.getOption("role", null, OptionMapping::getAsRole);
        return switch (sub) {
            case "add" -> done(add(
                    guildId,
                    trigger(e),
                    threshold(e),
                    role == null ? 0 : role.getIdLong(),
                    !"replace".equals(e.getOption("mode", "stack", OptionMapping::getAsString))));
            case "remove" -> done(remove(guildId, trigger(e), threshold(e), role == null ? 0 : role.getIdLong()));
            case "sync" -> rewards.requestGuild(guildId)
                    .thenApply(r -> Reply.text(
                            "✅ Synced " + r.members() + " members: " + r.added() + " roles given, " + r.removed()
                                    + " taken." + (r.broken().isEmpty() ? "" : "\n" + broken(r.broken())),
                            true))
                    .completeOnTimeout(
                            Reply.text(
                                    "⏳ The sync is still running (a large server takes a while at Discord's rate"
                                            + " limits); it goes on in the background.",
                                    true),
                            SYNC_ANSWER_WAIT.toMillis(),
                            TimeUnit.MILLISECONDS);
            default -> done(list(guildId));
        };
    }

    private static LevelReward.Trigger trigger(SlashCommandInteractionEvent e) {
        boolean level = e.getOption("level") != null;
        boolean hours = e.getOption("voice_hours") != null;
        if (level == hours) {
            throw new IllegalArgumentException(
                    "give exactly one of level and voice_hours, was " + (level ? "both" : "neither"));
        }
        return level ? LevelReward.Trigger.LEVEL : LevelReward.Trigger.VOICE_HOURS;
    }

    private static long threshold(SlashCommandInteractionEvent e) {
        OptionMapping o = e.getOption("level") != null ? e.getOption("level") : e.getOption("voice_hours");
        return o == null ? 0 : o.getAsLong();
    }

    /** Adds {@code roleId} to the reward at that threshold (creating it) with the given mode, then syncs. */
    Reply add(long guildId, LevelReward.Trigger trigger, long threshold, long roleId, boolean stacks) {
        LevelReward reward = edits.add(guildId, trigger, threshold, roleId, stacks);
        return Reply.text("✅ Reward added: " + describe(reward) + ". Members are being synced.", true);
    }

    /** Removes one role from the reward at that threshold (the whole reward when {@code roleId} is 0). */
    Reply remove(long guildId, LevelReward.Trigger trigger, long threshold, long roleId) {
        LevelReward reward = edits.remove(guildId, trigger, threshold, roleId);
        return Reply.text(
                "✅ Reward removed: " + (roleId != 0 && reward.roleIds().size() > 1 ? "<@&" + roleId + "> from " : "")
                        + describe(reward) + ". Members keep roles already given.",
                true);
    }

    Reply list(long guildId) {
        LevelRewards current = tracker.config(guildId).levelRewards();
        if (current.isEmpty()) {
            return Reply.text("No level rewards yet; add one with /rewards add.", true);
        }
        StringBuilder text = new StringBuilder("**Level rewards**\n");
        current.rewards().forEach(r -> text.append("• ").append(describe(r)).append('\n'));
        Map<Long, RewardProblems.Mark> broken = rewards.problems().of(guildId);
        if (!broken.isEmpty()) {
            text.append(broken(broken));
        }
        return Reply.text(text.toString().strip(), true);
    }

    private static String broken(Map<Long, RewardProblems.Mark> broken) {
        return broken.entrySet().stream()
                .map(e -> "⚠️ broken: <@&" + e.getKey() + "> — " + e.getValue().reason())
                .collect(Collectors.joining("\n"));
    }

    static String describe(LevelReward r) {
        String at = r.trigger() == LevelReward.Trigger.LEVEL
                ? "level " + r.threshold()
                : r.threshold() + (r.threshold() == 1 ? " hour" : " hours") + " in voice";
        String roles = r.roleIds().stream().sorted().map(id -> "<@&" + id + ">").collect(Collectors.joining(" "));
        return "at " + at + " → " + roles + (r.stacks() ? " (stacks)" : " (replaced by the next)");
    }
}
