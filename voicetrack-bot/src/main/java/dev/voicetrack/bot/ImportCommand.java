package dev.voicetrack.bot;

import dev.voicetrack.bot.internal.DatabaseInUse;
import dev.voicetrack.bot.internal.MigrationProgress;
import dev.voicetrack.bot.internal.Storages;
import dev.voicetrack.core.migrate.DvtImport;
import dev.voicetrack.core.migrate.ImportException;
import dev.voicetrack.core.migrate.ImportNote;
import dev.voicetrack.core.migrate.ImportReport;
import dev.voicetrack.core.migrate.ImportSource;
import dev.voicetrack.core.migrate.Importer;
import dev.voicetrack.core.migrate.MemberFileSource;
import dev.voicetrack.core.migrate.MemberFormat;
import dev.voicetrack.core.storage.Storage;
import dev.voicetrack.core.storage.StorageException;
import dev.voicetrack.core.storage.StorageMigration;
import dev.voicetrack.storage.jdbc.DvtSqliteReader;
import dev.voicetrack.storage.json.DvtJsonReader;
import dev.voicetrack.storage.mongo.DvtMongoReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * {@code voicetrack import}: moves data in from discord-vc-tracker ({@code dvt-json:DIR}, {@code
 * dvt-sqlite:FILE}, {@code dvt-mongo:URI[#database]}) or from a member file ({@code csv:FILE},
 * {@code json:FILE}, as {@code voicetrack export} writes it) into any storage SPEC, through {@link
 * Importer}. Checks the whole source first (nothing is written if it is corrupt), shows progress
 * while it writes, and ends with the report: counts and every record skipped or changed.
 */
final class ImportCommand {
    /** Notes printed at the end; {@code --report FILE} gets all of them. */
    static final int PRINTED_NOTES = 40;

    private ImportCommand() {}

    static int help(PrintStream out) {
        out.print(
                """
                Usage: voicetrack import --from SOURCE --to SPEC [--dry-run] [--resume-from GUILD] [--report FILE]

                Moves a discord-vc-tracker store (or a member file) into VoiceTrack: every guild's config (same option names, the
                original's effective behaviour kept), members' voice time, XP, level, session counts, per-channel
                time, last seen, metadata, and the stored sessions. The whole source is read and checked first:
                a corrupt or half-written source is reported with its file and position and nothing is written.
                Then each guild is written in one atomic step, replacing that guild's data in the target (so a
                rerun never doubles anything); guilds only the target holds are left alone. The source is only
                read. Stop the bot that uses the target first.
                At the end: guilds, members, channels and sessions imported, and every record skipped or changed
                and every inconsistency of the source (kept as it was), with why.
                SOURCE: dvt-json:DIR              the data directory of JSONStorage (guilds.json, sessions.json)
                        dvt-sqlite:FILE           the database of SQLiteStorage (./data/voice-tracker.db)
                        dvt-mongo:URI[#database]  the database of MongoStorage (default database: voicetracker)
                        csv:FILE | json:FILE      members as `voicetrack export` writes them (or a spreadsheet with
                                                  the same columns): each guild in the file replaces that guild's
                                                  members (its sessions and daily history are cleared; its config
                                                  is kept); a malformed row is reported with its line number
                SPEC:   sqlite:FILE | json:DIR | postgres:JDBC_URL | mongo:URI | memory (as for migrate)
                  --dry-run           check and report only; nothing is opened or written (--to may be left out)
                  --resume-from ID    skip the source's guilds before guild ID (after a failed run: the message
                                      names the guild)
                  --report FILE       write every note (tab-separated) to FILE; the screen shows the first 40
                Example: voicetrack import --from dvt-sqlite:../bot/data/voice-tracker.db --to sqlite:./data/voice-tracker.db
                """);
        return Main.OK;
    }

    static int run(String[] rest, Map<String, String> env, PrintStream out, PrintStream err) {
        Main.Options o = Main.parse(
                "import", rest, Set.of("--config", "--from", "--to", "--resume-from", "--report"), Set.of("--dry-run"));
        BotConfig config = Main.load(env, o);
        String from = o.get("--from");
        String to = o.get("--to");
        boolean dryRun = o.flags().contains("--dry-run");
        if (from == null || (to == null && !dryRun)) {
            throw new ConfigException("import needs --from and --to (--to may be left out with --dry-run; see"
                    + " voicetrack import --help)");
        }
        if (to != null) {
            refuseSourceAsTarget(from, to);
        }
        ImportSource source = source(from);
        Target target = null;
        try (source) {
            if (!dryRun) {
                try {
                    DatabaseInUse.refuseIfOpenElsewhere("import", to);
                } catch (StorageException e) {
                    err.println("voicetrack: " + e.getMessage());
                    return Main.FAILED;
                }
                target = new Target(to, config);
            }
            return run(source, target, from, to, o, out, err);
        } finally {
            if (target != null) {
                target.close();
            }
        }
    }

    /** The target store, created and opened only when the source has checked out (so a bad source leaves no file). */
    private static final class Target implements Supplier<Storage> {
        private final String spec;
        private final BotConfig config;
        private @Nullable Storage opened;

        Target(String spec, BotConfig config) {
            this.spec = spec;
            this.config = config;
        }

        @Override
        public Storage get() {
            Storage s = opened;
            if (s == null) {
                s = Storages.fromSpec("--to", spec, config);
                opened = s;
                s.init();
            }
            return s;
        }

        void close() {
            Storage s = opened;
            if (s != null) {
                s.close();
            }
        }
    }

    private static int run(
            ImportSource source,
            @Nullable Target target,
            String from,
            @Nullable String to,
            Main.Options o,
            PrintStream out,
            PrintStream err) {
        boolean dryRun = target == null;
        String reportFile = o.get("--report");
        out.printf(
                Locale.ROOT,
                "%s %s%s: checking the source...%n",
                dryRun ? "Dry run of" : "Importing",
                from,
                dryRun ? "" : " -> " + to);
        out.flush();
        ProgressBar progress = new ProgressBar(out);
        ImportReport report;
        try (BufferedWriter notes = reportFile == null ? null : open(reportFile)) {
            Importer importer = Importer.from(source)
                    .dryRun(dryRun)
                    .resumeFrom(o.get("--resume-from"))
                    .onProgress(progress)
                    .onNote(n -> write(notes, n));
            if (target != null) {
                importer.to(target);
            }
            try {
                report = importer.run();
            } finally {
                progress.close();
            }
            if (notes != null) {
                notes.write("# " + report.summary());
                notes.newLine();
            }
        } catch (ImportException e) {
            err.println("voicetrack: import failed: " + e.getMessage());
            e.resumeFrom()
                    .ifPresent(g -> err.println("To finish, run the same command again with --resume-from " + g
                            + " (guilds before it are imported; rerunning them is harmless too)."));
            return Main.FAILED;
        } catch (IllegalArgumentException e) {
            throw new ConfigException("import: " + e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("import: cannot write the report " + reportFile, e);
        }
        print(report, reportFile, out);
        return Main.OK;
    }

    private static void print(ImportReport report, @Nullable String reportFile, PrintStream out) {
        out.println((report.dryRun() ? "Checked (nothing written): " : "Done: ") + report.summary());
        if (report.guildsBeforeResume() > 0) {
            out.printf(
                    Locale.ROOT,
                    "  %d guilds before --resume-from were left as they are%n",
                    report.guildsBeforeResume());
        }
        int shown = 0;
        for (ImportNote n : report.notes()) {
            if (shown++ == PRINTED_NOTES) {
                break;
            }
            out.println("  " + n);
        }
        long more = report.noteTotal() - Math.min(PRINTED_NOTES, report.notes().size());
        if (more > 0) {
            out.printf(
                    Locale.ROOT,
                    "  ... and %,d more notes%s%n",
                    more,
                    reportFile == null ? " (--report FILE writes every one)" : " (all in " + reportFile + ")");
        } else if (reportFile != null) {
            out.println("  Every note is in " + reportFile);
        }
    }

    /** The reader of a source spec. */
    static ImportSource source(String spec) {
        int colon = spec.indexOf(':');
        String kind = colon < 0 ? spec : spec.substring(0, colon).toLowerCase(Locale.ROOT);
        String where = colon < 0 ? "" : spec.substring(colon + 1);
        if (where.isBlank() && colon >= 0) {
            throw new ConfigException("--from needs a location after '" + kind + ":', was '" + spec + "'");
        }
        try {
            return switch (kind) {
                case "dvt-json" -> DvtImport.source(DvtJsonReader.open(Path.of(where)));
                case "dvt-sqlite" -> DvtImport.source(DvtSqliteReader.open(Path.of(where)));
                case "dvt-mongo" -> {
                    int hash = where.lastIndexOf('#');
                    String uri = hash < 0 ? where : where.substring(0, hash);
                    String db = hash < 0 ? DvtMongoReader.DEFAULT_DATABASE : where.substring(hash + 1);
                    yield DvtImport.source(DvtMongoReader.open(uri, db));
                }
                case "csv" -> MemberFileSource.open(Path.of(where), MemberFormat.CSV);
                case "json" -> MemberFileSource.open(Path.of(where), MemberFormat.JSON);
                default -> throw new ConfigException("--from must be dvt-json:DIR, dvt-sqlite:FILE,"
                        + " dvt-mongo:URI[#database], csv:FILE or json:FILE, was '" + BotConfig.abbreviate(spec) + "'");
            };
        } catch (ImportException | IllegalArgumentException e) {
            throw new ConfigException(
                    "import --from " + BotConfig.abbreviate(spec) + ": " + e.getMessage() + "; nothing was written");
        }
    }

    /** A source file or directory that would be the target itself, as a store that writes into it. */
    private static void refuseSourceAsTarget(String from, String to) {
        String src = from.contains(":") ? from.substring(from.indexOf(':') + 1) : "";
        String dst = to.contains(":") ? to.substring(to.indexOf(':') + 1) : "";
        if (src.isBlank() || dst.isBlank() || from.startsWith("dvt-mongo:")) {
            return;
        }
        Path a = Path.of(src).toAbsolutePath().normalize();
        Path b = Path.of(dst).toAbsolutePath().normalize();
        try {
            if (a.equals(b) || (Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b))) {
                throw new ConfigException("import: --to must not be the source itself (" + a + "); VoiceTrack would"
                        + " write its tables into discord-vc-tracker's store. Import into a new file or directory");
            }
        } catch (IOException e) {
            // unreadable paths are reported when they are opened
        }
    }

    private static BufferedWriter open(String file) {
        try {
            Path p = Path.of(file);
            if (p.getParent() != null) {
                Files.createDirectories(p.getParent());
            }
            BufferedWriter w = Files.newBufferedWriter(p, StandardCharsets.UTF_8);
            w.write("# kind\tguild\trecord\twhy");
            w.newLine();
            return w;
        } catch (IOException e) {
            throw new ConfigException("import --report " + file + ": cannot be written: " + e.getMessage());
        }
    }

    private static void write(@Nullable BufferedWriter w, ImportNote n) {
        if (w == null) {
            return;
        }
        try {
            w.write(n.kind() + "\t" + n.guildId() + "\t" + n.record() + "\t"
                    + n.why().replace('\n', ' '));
            w.newLine();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The migrate command's progress display, created once the check knows every guild's size. */
    private static final class ProgressBar implements Importer.Listener, AutoCloseable {
        private final PrintStream out;
        private @Nullable MigrationProgress bar;

        ProgressBar(PrintStream out) {
            this.out = out;
        }

        @Override
        public void onChecked(ImportReport checked, Map<Long, Long> membersByGuild) {
            out.println("Checked: " + checked.summary());
            if (!checked.dryRun()) {
                boolean terminal = out == System.out && System.console() != null;
                bar = new MigrationProgress(out, terminal, System::nanoTime, membersByGuild);
            }
            out.flush();
        }

        @Override
        public void onGuildStart(long guildId, int guildsDone, int guildsTotal) {
            if (bar != null) {
                bar.onGuildStart(guildId, guildsDone, guildsTotal);
            }
        }

        @Override
        public void onProgress(StorageMigration.Progress progress) {
            if (bar != null) {
                bar.onProgress(progress);
            }
        }

        @Override
        public void close() {
            if (bar != null) {
                bar.close();
            }
        }
    }
}
