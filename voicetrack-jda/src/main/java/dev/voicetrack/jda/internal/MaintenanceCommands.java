package dev.voicetrack.jda.internal;

import static dev.voicetrack.jda.internal.Replies.bytes;
import static dev.voicetrack.jda.internal.Replies.done;
import static dev.voicetrack.jda.internal.Replies.duration;
import static dev.voicetrack.jda.internal.Replies.number;

import dev.voicetrack.core.storage.StorageMaintenance;
import dev.voicetrack.core.storage.StorageMaintenance.BackupResult;
import dev.voicetrack.core.storage.StorageOptimizer;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import net.dv8tion.jda.api.EmbedBuilder;
import org.jspecify.annotations.Nullable;

/**
 * {@code /dbstats}, {@code /backup} and {@code /optimize} over the storage's {@link StorageMaintenance}. The
 * maintenance blocks for I/O, so every call runs on the maintenance executor and the command waits for its stage;
 * all three are deferred at once. A command the storage does not support answers so, naming the command and,
 * when the storage can say, its backend ("/backup is not supported by PostgreSQL storage.").
 */
final class MaintenanceCommands implements CommandGroup {
    private final @Nullable StorageMaintenance maintenance;
    private final @Nullable Supplier<BackupResult> backup;
    private final Executor executor;

    /**
     * @param maintenance the storage's maintenance, null when it has none
     * @param backup how {@code /backup} writes a backup, null when backups are not supported
     * @param executor where the maintenance runs
     */
    MaintenanceCommands(
            @Nullable StorageMaintenance maintenance, @Nullable Supplier<BackupResult> backup, Executor executor) {
        this.maintenance = maintenance;
        this.backup = backup;
        this.executor = executor;
    }

    @Override
    public List<SlashCommand> commands() {
        return List.of(
                SlashCommand.slow(CommandDefinitions.DB_STATS, e -> dbStats()),
                SlashCommand.slow(CommandDefinitions.BACKUP, e -> backup()),
                SlashCommand.slow(CommandDefinitions.OPTIMIZE, e -> optimize()));
    }

    CompletionStage<Reply> dbStats() {
        StorageMaintenance m = maintenance;
        if (m == null) {
            return done(Reply.error("/" + CommandDefinitions.DB_STATS + " is not supported by this storage."));
        }
        return CompletableFuture.supplyAsync(m::maintenanceStats, executor).thenApply(s -> {
            EmbedBuilder embed = new EmbedBuilder()
                    .setColor(Replies.GREEN)
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
        Supplier<BackupResult> b = backup;
        if (b == null) {
            return notSupported(CommandDefinitions.BACKUP);
        }
        return CompletableFuture.supplyAsync(b, executor).thenApply(r -> {
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
        if (!(maintenance instanceof StorageOptimizer optimizer)) {
            return notSupported(CommandDefinitions.OPTIMIZE);
        }
        return CompletableFuture.supplyAsync(optimizer::optimizeStorage, executor)
                .thenApply(r -> {
                    String sizes = r.sizeBytesBefore() >= 0 && r.sizeBytesAfter() >= 0
                            ? "\nBefore: " + bytes(r.sizeBytesBefore()) + ", after: " + bytes(r.sizeBytesAfter())
                            : "";
                    return Reply.text("✅ Storage optimized in " + duration(r.took()) + "." + sizes, true);
                });
    }

    /** Names the command and, when the storage can say, its backend ("/backup is not supported by JSON storage"). */
    private CompletionStage<Reply> notSupported(String command) {
        Reply unnamed = Reply.error("/" + command + " is not supported by this storage.");
        StorageMaintenance m = maintenance;
        if (m == null) {
            return done(unnamed);
        }
        return CompletableFuture.supplyAsync(m::maintenanceStats, executor)
                .thenApply(s -> Reply.error("/" + command + " is not supported by " + s.backend() + " storage."))
                .exceptionally(e -> unnamed);
    }
}
