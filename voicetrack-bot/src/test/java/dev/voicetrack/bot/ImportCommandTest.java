package dev.voicetrack.bot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.core.migrate.MemberFormat;
import dev.voicetrack.storage.jdbc.JdbcStorage;
import dev.voicetrack.storage.jdbc.SqliteOptions;
import dev.voicetrack.testkit.dvt.DvtFixture;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code voicetrack import}: options, dry run, report file and errors, run in-process. */
class ImportCommandTest {
    @TempDir
    Path tmp;

    private record Result(int code, String out, String err) {}

    private Result run(String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try {
            code = Main.run(
                    args,
                    Map.of("VOICETRACK_ENV_FILE", tmp.resolve("none.env").toString()),
                    new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
        } catch (ConfigException e) {
            return new Result(Main.USAGE, out.toString(StandardCharsets.UTF_8), e.getMessage());
        }
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void help_namesEverySourceAndOption() throws Exception {
        Result r = run("import", "--help");
        assertThat(r.code()).isZero();
        assertThat(r.out())
                .contains("dvt-json:DIR", "dvt-sqlite:FILE", "dvt-mongo:URI[#database]", "--dry-run", "--resume-from");
        assertThat(run("--help").out()).contains("import ");
    }

    @Test
    void dryRun_reportsAndOpensNoTarget() throws Exception {
        Path source = DvtFixture.writeSqlite(tmp.resolve("dvt.db"));
        Path target = tmp.resolve("vt/voice-tracker.db");
        Result r = run("import", "--from", "dvt-sqlite:" + source, "--to", "sqlite:" + target, "--dry-run");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("Checked (nothing written): dry run, would import 2 guilds, 3 members");
        assertThat(target).doesNotExist();
    }

    @Test
    void reportFile_holdsEveryNote() throws Exception {
        Path source = tmp.resolve("dvt");
        DvtFixture.writeJson(source);
        Path report = tmp.resolve("report.tsv");
        Path target = tmp.resolve("vt.db");
        Result r = run(
                "import", "--from", "dvt-json:" + source, "--to", "sqlite:" + target, "--report", report.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("Every note is in " + report);
        var lines = Files.readAllLines(report);
        assertThat(lines.get(0)).isEqualTo("# kind\tguild\trecord\twhy");
        assertThat(lines).anyMatch(l -> l.startsWith("SKIPPED\t" + DvtFixture.GUILD_A + "\tguild.extraData\t"));
        assertThat(lines.get(lines.size() - 1)).startsWith("# 2 guilds, 3 members");
    }

    @Test
    void corruptSource_failsNamingFileAndPosition_andTheTargetStaysEmpty() throws Exception {
        Path source = tmp.resolve("dvt");
        DvtFixture.writeJson(source);
        Path guilds = source.resolve("guilds.json");
        String text = Files.readString(guilds);
        Files.writeString(guilds, text.substring(0, text.length() / 2));
        Path target = tmp.resolve("new").resolve("vt.db");
        Result r = run("import", "--from", "dvt-json:" + source, "--to", "sqlite:" + target);
        assertThat(r.code()).isEqualTo(Main.FAILED);
        assertThat(r.err())
                .contains("import failed: " + guilds + " at line 1, column")
                .contains("nothing was written")
                .doesNotContain("REDACTED", "StreamReadFeature", "[Source");
        // Not even an empty database (or its folder) is left behind: the target is opened after the check.
        assertThat(target.getParent()).doesNotExist();
    }

    @Test
    void corruptSource_intoAnExistingDatabase_leavesItsGuildsAsTheyWere() throws Exception {
        Path target = tmp.resolve("vt.db");
        Path good = tmp.resolve("good");
        DvtFixture.writeJson(good);
        assertThat(run("import", "--from", "dvt-json:" + good, "--to", "sqlite:" + target)
                        .code())
                .isEqualTo(Main.OK);
        Map<Long, Long> before = new HashMap<>();
        try (var s = JdbcStorage.sqlite(SqliteOptions.builder().file(target).build())) {
            s.init();
            s.guildIds().forEach(g -> before.put(g, s.memberCount(g)));
        }
        assertThat(before).isNotEmpty();
        Path bad = tmp.resolve("bad");
        DvtFixture.writeJson(bad);
        Path guilds = bad.resolve("guilds.json");
        String text = Files.readString(guilds);
        Files.writeString(guilds, text.substring(0, text.length() / 2));
        assertThat(run("import", "--from", "dvt-json:" + bad, "--to", "sqlite:" + target)
                        .code())
                .isEqualTo(Main.FAILED);
        try (var s = JdbcStorage.sqlite(SqliteOptions.builder().file(target).build())) {
            s.init();
            Map<Long, Long> after = new HashMap<>();
            s.guildIds().forEach(g -> after.put(g, s.memberCount(g)));
            assertThat(after).isEqualTo(before);
        }
    }

    @Test
    void badUsage_isRefusedBeforeAnythingIsOpened() throws Exception {
        assertThat(run("import", "--from", "dvt-json:" + tmp).err()).contains("import needs --from and --to");
        assertThat(run("import", "--from", "csv-ish:x", "--to", "memory").err())
                .contains(
                        "--from must be dvt-json:DIR, dvt-sqlite:FILE, dvt-mongo:URI[#database], csv:FILE or json:FILE");
        Result missing = run("import", "--from", "dvt-sqlite:" + tmp.resolve("no.db"), "--to", "memory");
        assertThat(missing.code()).isEqualTo(Main.USAGE);
        assertThat(missing.err()).contains("does not exist").contains("nothing was written");
        Path db = DvtFixture.writeSqlite(tmp.resolve("same.db"));
        assertThat(run("import", "--from", "dvt-sqlite:" + db, "--to", "sqlite:" + db)
                        .err())
                .contains("--to must not be the source itself");
    }

    @Test
    void export_thenImport_roundTripsExactly_throughTheCli() throws Exception {
        Path dvt = DvtFixture.writeSqlite(tmp.resolve("dvt.db"));
        Path db = tmp.resolve("vt.db");
        assertThat(run("import", "--from", "dvt-sqlite:" + dvt, "--to", "sqlite:" + db)
                        .code())
                .isZero();
        Path csv = tmp.resolve("out/members.csv");
        Result exported = run("export", "--from", "sqlite:" + db, "--format", "csv", "--to", csv.toString());
        assertThat(exported.code()).as(exported.err()).isZero();
        assertThat(exported.out()).contains("Exported 3 members of 2 guilds to " + csv);
        assertThat(Files.readAllLines(csv))
                .contains(DvtFixture.GUILD_A + "," + DvtFixture.USER_2 + ",3000000000,100,9,0,1,2024-05-02T09:30:00Z,"
                        + DvtFixture.CHANNEL_1 + ":2999000000:1,0,1970-01-01,{}")
                .contains(MemberFormat.CSV_HEADER)
                .anyMatch(l -> l.startsWith(DvtFixture.GUILD_A + "," + DvtFixture.USER_1 + ",")
                        && l.endsWith(",\"{\"\"nickname\"\":\"\"Ann\"\",\"\"score\"\":\"\"7\"\"}\""));

        Path json = tmp.resolve("vt-json");
        assertThat(run("import", "--from", "csv:" + csv, "--to", "json:" + json).code())
                .isZero();
        Result again = run("export", "--from", "json:" + json, "--format", "csv");
        assertThat(again.out()).isEqualTo(Files.readString(csv));

        Result asJson = run("export", "--from", "json:" + json, "--format", "json", "--guild", DvtFixture.GUILD_B);
        assertThat(asJson.out())
                .isEqualTo("[\n{\"guild_id\":\"" + DvtFixture.GUILD_B + "\",\"user_id\":\"" + DvtFixture.USER_B
                        + "\",\"voice_time_ms\":5000,\"xp\":5,\"level\":0,\"messages\":0,\"sessions\":1,"
                        + "\"last_seen\":\"2024-04-01T12:00:00Z\",\"channels\":{\"" + DvtFixture.CHANNEL_2
                        + "\":{\"voice_time_ms\":5000,\"sessions\":1}},\"streak\":0,\"last_active_day\":\"1970-01-01\","
                        + "\"metadata\":{}}\n]\n");
    }

    @Test
    void importOfAMalformedCsv_namesTheLine_andWritesNothing() throws Exception {
        Path csv = tmp.resolve("members.csv");
        Files.writeString(
                csv,
                "guild_id,user_id,voice_time_ms,xp,level,messages,sessions,last_seen,channels\n"
                        + "1,2,100,5,0,0,1,2024-01-01T00:00:00Z,\n1,3,100,5,0,0,1,yesterday,\n");
        Path db = tmp.resolve("vt.db");
        Result r = run("import", "--from", "csv:" + csv, "--to", "sqlite:" + db);
        assertThat(r.code()).isEqualTo(Main.FAILED);
        assertThat(r.err()).contains(csv + " line 3: column 'last_seen' must be an ISO-8601 instant");
        assertThat(db).doesNotExist();
        assertThat(tmp.resolve("vt.db.lock")).doesNotExist();
    }
}
