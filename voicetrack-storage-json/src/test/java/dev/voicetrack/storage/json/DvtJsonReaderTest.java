package dev.voicetrack.storage.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voicetrack.core.migrate.DvtImport;
import dev.voicetrack.core.migrate.ImportException;
import dev.voicetrack.core.migrate.ImportReport;
import dev.voicetrack.core.migrate.Importer;
import dev.voicetrack.core.storage.GuildSnapshot;
import dev.voicetrack.testkit.dvt.DvtFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link DvtJsonReader}: discord-vc-tracker's JSON files imported into a JSON store. */
class DvtJsonReaderTest {
    @TempDir
    Path tmp;

    private ImportReport importInto(Path source, JsonStorage target, boolean dryRun) {
        try (var reader = DvtJsonReader.open(source)) {
            return Importer.from(DvtImport.source(reader))
                    .to(target)
                    .dryRun(dryRun)
                    .run();
        }
    }

    @Test
    void everyQuirk_importsAsTheOriginalReportsIt_andIsReported() {
        Path source = tmp.resolve("dvt");
        DvtFixture.writeJson(source);
        try (JsonStorage target = JsonStorage.open(tmp.resolve("vt"))) {
            target.init();
            ImportReport report = importInto(source, target, false);
            DvtFixture.checkReport(report);
            DvtFixture.check(target, DvtFixture.Precision.MILLIS);
        }
    }

    @Test
    void rerun_replacesInsteadOfDoubling_andLeavesOtherGuildsAlone() {
        Path source = tmp.resolve("dvt");
        DvtFixture.writeJson(source);
        try (JsonStorage target = JsonStorage.open(tmp.resolve("vt"))) {
            target.init();
            target.setXp(42, 7, 700, 2);
            importInto(source, target, false);
            List<String> first = DvtFixture.guildIds().stream()
                    .map(g -> target.exportGuild(g).checksum())
                    .toList();
            importInto(source, target, false);
            DvtFixture.check(target, DvtFixture.Precision.MILLIS);
            assertThat(DvtFixture.guildIds().stream()
                            .map(g -> target.exportGuild(g).checksum())
                            .toList())
                    .isEqualTo(first);
            assertThat(target.member(42, 7).orElseThrow().xp()).isEqualTo(700);
            assertThat(target.guildIds()).hasSize(3);
        }
    }

    @Test
    void dryRun_reportsTheSameCounts_andWritesNothing() {
        Path source = tmp.resolve("dvt");
        DvtFixture.writeJson(source);
        try (JsonStorage target = JsonStorage.open(tmp.resolve("vt"))) {
            target.init();
            ImportReport report = importInto(source, target, true);
            assertThat(report.dryRun()).isTrue();
            DvtFixture.checkReport(report);
            assertThat(target.guildIds()).isEmpty();
        }
    }

    @Test
    void halfWrittenGuildsFile_namesFileAndPosition_andWritesNothing() throws Exception {
        Path source = tmp.resolve("dvt");
        DvtFixture.writeJson(source);
        Path guilds = source.resolve("guilds.json");
        String text = Files.readString(guilds);
        Files.writeString(guilds, text.substring(0, text.length() * 3 / 4), StandardCharsets.UTF_8);
        try (JsonStorage target = JsonStorage.open(tmp.resolve("vt"))) {
            target.init();
            assertThatThrownBy(() -> importInto(source, target, false))
                    .isInstanceOf(ImportException.class)
                    .hasMessageContaining(guilds.toString())
                    .hasMessageMatching("(?s).*line 1, column \\d+ \\(byte \\d+\\).*")
                    .hasMessageContaining("nothing was written")
                    .message()
                    .as("plain words, not the JSON parser's source description")
                    .doesNotContain("[Source", "REDACTED", "StreamReadFeature");
            assertThat(target.guildIds()).isEmpty();
        }
    }

    @Test
    void wrongTypeInAUser_namesTheFieldTheUserAndThePosition() throws Exception {
        Path source = tmp.resolve("dvt");
        DvtFixture.writeJson(source);
        Path guilds = source.resolve("guilds.json");
        Files.writeString(guilds, Files.readString(guilds).replace("\"xp\":400", "\"xp\":\"lots\""));
        try (JsonStorage target = JsonStorage.open(tmp.resolve("vt"))) {
            target.init();
            assertThatThrownBy(() -> importInto(source, target, false))
                    .isInstanceOf(ImportException.class)
                    .hasMessageContaining("user " + DvtFixture.USER_1 + ").xp must be a whole number, was \"lots\"")
                    .hasMessageContaining("line 1, column");
            assertThat(target.guildIds()).isEmpty();
        }
    }

    @Test
    void manyGuilds_areStreamed_oneAtATime() throws Exception {
        Path source = tmp.resolve("dvt");
        Files.createDirectories(source);
        StringBuilder sb = new StringBuilder("{\n");
        int guilds = 300;
        for (int g = 1; g <= guilds; g++) {
            sb.append("  \"")
                    .append(700_000_000_000_000_000L + g)
                    .append("\": {\"guildId\": \"")
                    .append(700_000_000_000_000_000L + g)
                    .append("\", \"config\": {}, \"users\": [");
            for (int u = 1; u <= 20; u++) {
                sb.append(u > 1 ? "," : "")
                        .append("{\"userId\": \"")
                        .append(800_000_000_000_000_000L + u)
                        .append("\", \"guildId\": \"x\", \"totalVoiceTime\": ")
                        .append(u * 5000)
                        .append(", \"xp\": ")
                        .append(u * 5)
                        .append(", \"level\": 0, \"channels\": [], \"lastSeen\": \"2024-01-01T00:00:00.000Z\","
                                + " \"streak\": 0, \"totalSessions\": 1}");
            }
            sb.append("], \"lastUpdated\": \"2024-01-01T00:00:00.000Z\", \"extraData\": {}}")
                    .append(g < guilds ? ",\n" : "\n");
        }
        Files.writeString(source.resolve("guilds.json"), sb.append("}\n"));
        try (JsonStorage target = JsonStorage.open(tmp.resolve("vt"))) {
            target.init();
            ImportReport report = importInto(source, target, false);
            assertThat(report.guilds()).isEqualTo(guilds);
            assertThat(report.members()).isEqualTo(guilds * 20L);
            GuildSnapshot last = target.exportGuild(700_000_000_000_000_000L + guilds);
            assertThat(last.memberCount()).isEqualTo(20);
            assertThat(target.member(700_000_000_000_000_000L + guilds, 800_000_000_000_000_020L)
                            .orElseThrow()
                            .xp())
                    .isEqualTo(100);
        }
    }

    @Test
    void missingDirectory_isRefusedWithTheFileName() {
        assertThatThrownBy(() -> DvtJsonReader.open(tmp.resolve("nowhere")))
                .isInstanceOf(ImportException.class)
                .hasMessageContaining("guilds.json");
    }
}
