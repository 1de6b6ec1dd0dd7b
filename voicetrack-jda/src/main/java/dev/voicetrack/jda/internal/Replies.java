package dev.voicetrack.jda.internal;

import dev.voicetrack.core.LevelCalculator;
import java.awt.Color;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import net.dv8tion.jda.api.entities.User;
import net.dv8tion.jda.api.events.interaction.command.SlashCommandInteractionEvent;
import net.dv8tion.jda.api.interactions.commands.OptionMapping;
import org.jspecify.annotations.Nullable;

/**
 * What every command group shares: reading the common options of an interaction, the embed colours, and
 * numbers, sizes and durations written the way every answer writes them.
 */
final class Replies {
    static final Color BLURPLE = new Color(0x5865F2);
    static final Color GOLD = new Color(0xFFD700);
    static final Color GREEN = new Color(0x00AA00);

    private Replies() {}

    /** An answer known at once. */
    static CompletionStage<Reply> done(Reply reply) {
        return CompletableFuture.completedFuture(reply);
    }

    static long guildId(SlashCommandInteractionEvent event) {
        return event.getGuild().getIdLong();
    }

    /** The {@code user} option, or whoever ran the command. */
    static User targetUser(SlashCommandInteractionEvent event) {
        return event.getOption("user", event.getUser(), OptionMapping::getAsUser);
    }

    static String string(SlashCommandInteractionEvent event, String option, String fallback) {
        return event.getOption(option, fallback, OptionMapping::getAsString);
    }

    static @Nullable String stringOrNull(SlashCommandInteractionEvent event, String option) {
        return event.getOption(option, null, OptionMapping::getAsString);
    }

    /** {@code 12,345}, whatever the locale of the machine. */
    static String number(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        if (n < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.2f KB", n / 1024.0);
        }
        return String.format(Locale.ROOT, "%.2f MB", n / 1024.0 / 1024.0);
    }

    /** Milliseconds under a second, else as voice time is written ({@code 1h 2m 3s}). */
    static String duration(Duration d) {
        long ms = d.toMillis();
        return ms < 1000 ? ms + " ms" : LevelCalculator.formatVoiceTime(ms);
    }
}
