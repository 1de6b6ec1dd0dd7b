package dev.voicetrack.bot;

import dev.voicetrack.bot.internal.Storages;
import dev.voicetrack.core.migrate.MemberExport;
import dev.voicetrack.core.migrate.MemberFormat;
import dev.voicetrack.core.storage.Storage;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code voicetrack export}: every member of a storage (or of one guild) as CSV or JSON, streamed
 * through {@link MemberExport} in constant memory; {@code voicetrack import --from csv:FILE} takes it
 * back. The storage is opened read-only; a file given with {@code --to} appears only once complete.
 */
final class ExportCommand {
    private ExportCommand() {}

    static int help(PrintStream out) {
        out.print(
                """
                Usage: voicetrack export --from SPEC [--guild ID] --format csv|json [--to FILE]

                Writes one record per member: guild id, user id, voice time (ms), XP, level, messages, sessions,
                last seen (ISO-8601, UTC) and the voice time and sessions per channel. Streamed a page of members
                at a time, so a guild of a million members needs little memory. The storage is only read; stop the
                bot first for a consistent file. Without --to the records go to standard output; a --to file is
                written beside its final name and renamed when complete.
                `voicetrack import --from csv:FILE` (or json:FILE) takes the file back exactly.
                SPEC: sqlite:FILE | json:DIR | postgres:JDBC_URL | mongo:URI
                Example: voicetrack export --from sqlite:./data/voice-tracker.db --format csv --to members.csv
                """);
        return Main.OK;
    }

    static int run(String[] rest, Map<String, String> env, PrintStream out, PrintStream err) {
        Main.Options o =
                Main.parse("export", rest, Set.of("--config", "--from", "--guild", "--format", "--to"), Set.of());
        BotConfig config = Main.load(env, o);
        String from = o.get("--from");
        String formatName = o.get("--format");
        if (from == null || formatName == null) {
            throw new ConfigException("export needs --from and --format (see voicetrack export --help)");
        }
        MemberFormat format;
        try {
            format = MemberFormat.of(formatName);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("export --format: " + e.getMessage());
        }
        Long guild = null;
        if (o.get("--guild") != null) {
            try {
                guild = Long.parseLong(o.get("--guild").strip());
            } catch (NumberFormatException e) {
                guild = -1L;
            }
            if (guild <= 0) {
                throw new ConfigException(
                        "export --guild must be a guild id, was '" + BotConfig.abbreviate(o.get("--guild")) + "'");
            }
        }
        String to = o.get("--to");
        try (Storage source = Storages.source("--from", from, config)) {
            source.init();
            List<Long> guilds = guild != null ? List.of(guild) : List.copyOf(new TreeSet<>(source.guildIds()));
            if (to == null) {
                Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
                MemberExport.write(source, guilds, format, w);
                w.flush();
                return Main.OK;
            }
            Path file = Path.of(to).toAbsolutePath().normalize();
            Path part = file.resolveSibling(file.getFileName() + ".part");
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            long members;
            try (Writer w = Files.newBufferedWriter(part, StandardCharsets.UTF_8)) {
                members = MemberExport.write(source, guilds, format, w);
            } catch (RuntimeException | IOException e) {
                Files.deleteIfExists(part);
                throw e;
            }
            Files.move(part, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            out.printf(Locale.ROOT, "Exported %,d members of %d guilds to %s%n", members, guilds.size(), file);
            return Main.OK;
        } catch (IOException e) {
            throw new UncheckedIOException("export --to " + to + ": " + e.getMessage(), e);
        }
    }
}
