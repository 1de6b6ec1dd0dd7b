package dev.voicetrack.core.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.MemberStats;
import dev.voicetrack.core.VoiceSession;
import dev.voicetrack.core.storage.GuildSnapshot;
import dev.voicetrack.core.storage.InMemoryStorage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link MemberExport} and {@link MemberFileSource}: the portable member formats, both ways. */
class MemberFileRoundTripTest {
    private static final long G1 = 1_234_567_890_123_456_789L;
    private static final long G2 = 300_000_000_000_000_001L;

    @TempDir
    Path tmp;

    /** Two guilds, the first larger than a page, with channels, big ids and millisecond instants. */
    private static InMemoryStorage seeded() {
        InMemoryStorage s = new InMemoryStorage();
        s.init();
        List<GuildSnapshot.Member> members = new ArrayList<>();
        for (int u = 1; u <= MemberExport.PAGE * 2 + 17; u++) {
            long user = 9_007_199_254_740_993L + u;
            Map<Long, MemberStats.ChannelStats> channels = u % 3 == 0
                    ? Map.of()
                    : Map.of(
                            111L, new MemberStats.ChannelStats(111, u * 1000L, 2),
                            9_007_199_254_740_993L, new MemberStats.ChannelStats(9_007_199_254_740_993L, u * 7L, 1));
            members.add(new GuildSnapshot.Member(
                    new MemberStats(
                            G1,
                            user,
                            u * 1007L,
                            u % 50,
                            u % 7,
                            u % 4,
                            u % 9,
                            Instant.parse("2024-05-01T10:00:00Z").plusMillis(u * 1001L),
                            u % 5,
                            u % 5 == 0
                                    ? LocalDate.EPOCH
                                    : LocalDate.of(2024, 5, 1).plusDays(u),
                            channels,
                            metadata(u)),
                    List.of()));
        }
        s.importGuild(new GuildSnapshot(G1, GuildConfig.defaults(), members, List.of()));
        s.importGuild(new GuildSnapshot(
                G2, null, List.of(new GuildSnapshot.Member(MemberStats.empty(G2, 5), List.of())), List.of()));
        return s;
    }

    /** Metadata with what CSV and JSON must escape: commas, quotes, semicolons, line breaks, non-ASCII. */
    private static Map<String, String> metadata(int u) {
        return switch (u % 4) {
            case 0 -> Map.of();
            case 1 -> Map.of("note", "vip");
            case 2 -> Map.of("note", "said \"hi\", then left; 10:30", "lines", "a\nb\r\nc\td");
            default -> Map.of("名前", "ø😀", "empty", "", "json", "{\"x\":[1,2]}", "back\\slash", "\\");
        };
    }

    private static String export(InMemoryStorage s, MemberFormat f) {
        StringBuilder sb = new StringBuilder();
        MemberExport.write(s, List.of(G1, G2), f, sb);
        return sb.toString();
    }

    @ParameterizedTest
    @EnumSource(MemberFormat.class)
    void exportThenImport_givesTheSameMembers_andTheSameFile(MemberFormat format) throws Exception {
        try (InMemoryStorage a = seeded();
                InMemoryStorage b = new InMemoryStorage()) {
            b.init();
            GuildConfig kept = GuildConfig.builder().trackBots(true).build();
            b.saveGuildConfig(G1, kept);
            b.apply(new dev.voicetrack.core.storage.Batch(
                    List.of(),
                    List.of(new VoiceSession("old", G1, 1, 2, Instant.EPOCH, null, Instant.EPOCH, 0, 0, 0, 0))));
            String text = export(a, format);
            Path file = tmp.resolve("members." + format.name().toLowerCase());
            Files.writeString(file, text);
            ImportReport r =
                    Importer.from(MemberFileSource.open(file, format)).to(b).run();
            assertThat(r.members()).isEqualTo(MemberExport.PAGE * 2 + 18);
            assertThat(export(b, format)).isEqualTo(text);
            for (long g : List.of(G1, G2)) {
                for (GuildSnapshot.Member m : a.exportGuild(g).members()) {
                    assertThat(b.member(g, m.stats().userId())).hasValue(m.stats());
                }
            }
            MemberStats tricky = b.member(G1, 9_007_199_254_740_993L + 3).orElseThrow();
            assertThat(tricky.metadata()).containsEntry("json", "{\"x\":[1,2]}").hasSize(4);
            assertThat(tricky.streak()).isEqualTo(3);
            assertThat(tricky.lastActiveDay()).isEqualTo(LocalDate.of(2024, 5, 4));
            assertThat(b.guildConfig(G1)).hasValue(kept);
            assertThat(b.openSessions()).isEmpty();
            Importer.from(MemberFileSource.open(file, format)).to(b).run();
            assertThat(b.memberCount(G1)).isEqualTo(MemberExport.PAGE * 2 + 17);
        }
    }

    @Test
    void malformedRow_namesItsLineAndColumn_andNothingIsWritten() throws Exception {
        Path file = tmp.resolve("members.csv");
        Files.writeString(
                file,
                MemberFormat.BASE_CSV_HEADER + "\n"
                        + "1,2,100,5,0,0,1,2024-01-01T00:00:00Z,3:100:1\n"
                        + "\"1\",\"3\",100,5,0,0,1,2024-01-01T00:00:00Z,\n"
                        + "4,5,100,lots,0,0,1,2024-01-01T00:00:00Z,\n");
        try (InMemoryStorage b = new InMemoryStorage()) {
            b.init();
            assertThatThrownBy(() -> Importer.from(MemberFileSource.open(file, MemberFormat.CSV))
                            .to(b)
                            .run())
                    .isInstanceOf(ImportException.class)
                    .hasMessage(file + " line 4: column 'xp' must be a whole number >= 0, was 'lots'; nothing was"
                            + " written");
            assertThat(b.guildIds()).isEmpty();
        }
    }

    @Test
    void aFileWithTheFirstNineColumnsOnly_isRead_withNoStreakAndNoMetadata() throws Exception {
        Path file = tmp.resolve("old.csv");
        Files.writeString(file, MemberFormat.BASE_CSV_HEADER + "\n" + "1,2,100,5,0,0,1,2024-01-01T00:00:00Z,3:100:1\n");
        try (InMemoryStorage b = new InMemoryStorage()) {
            b.init();
            Importer.from(MemberFileSource.open(file, MemberFormat.CSV)).to(b).run();
            MemberStats m = b.member(1, 2).orElseThrow();
            assertThat(m.voiceTimeMs()).isEqualTo(100);
            assertThat(m.streak()).isZero();
            assertThat(m.lastActiveDay()).isEqualTo(LocalDate.EPOCH);
            assertThat(m.metadata()).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(MemberFormat.class)
    void malformedStreakDayOrMetadata_namesTheLine_andNothingIsWritten(MemberFormat format) throws Exception {
        String good = "1,2,100,5,0,0,1,2024-01-01T00:00:00Z,3:100:1,2,2024-01-01,\"{\"\"k\"\":\"\"v\"\"}\"";
        List<String> badRows = List.of(
                "1,3,100,5,0,0,1,2024-01-01T00:00:00Z,,-1,2024-01-01,{}",
                "1,3,100,5,0,0,1,2024-01-01T00:00:00Z,,1,2024-13-01,{}",
                "1,3,100,5,0,0,1,2024-01-01T00:00:00Z,,1,2024-01-01,\"[\"\"a\"\"]\"",
                "1,3,100,5,0,0,1,2024-01-01T00:00:00Z,,1,2024-01-01,\"{\"\"k\"\":5}\"",
                "1,3,100,5,0,0,1,2024-01-01T00:00:00Z,,1,2024-01-01,{oops");
        List<String> badJson = List.of(
                "{\"guild_id\":\"1\",\"user_id\":\"3\",\"voice_time_ms\":0,\"xp\":0,\"level\":0,\"messages\":0,"
                        + "\"sessions\":0,\"last_seen\":\"2024-01-01T00:00:00Z\",\"streak\":-1}",
                "{\"guild_id\":\"1\",\"user_id\":\"3\",\"voice_time_ms\":0,\"xp\":0,\"level\":0,\"messages\":0,"
                        + "\"sessions\":0,\"last_seen\":\"2024-01-01T00:00:00Z\",\"last_active_day\":\"May 1\"}",
                "{\"guild_id\":\"1\",\"user_id\":\"3\",\"voice_time_ms\":0,\"xp\":0,\"level\":0,\"messages\":0,"
                        + "\"sessions\":0,\"last_seen\":\"2024-01-01T00:00:00Z\",\"metadata\":[\"a\"]}",
                "{\"guild_id\":\"1\",\"user_id\":\"3\",\"voice_time_ms\":0,\"xp\":0,\"level\":0,\"messages\":0,"
                        + "\"sessions\":0,\"last_seen\":\"2024-01-01T00:00:00Z\",\"metadata\":{\"k\":true}}");
        List<String> expected = format == MemberFormat.CSV
                ? List.of(
                        "column 'streak' must be a whole number >= 0, was '-1'",
                        "column 'last_active_day' must be an ISO-8601 date such as 2024-05-01, was '2024-13-01'",
                        "column 'metadata' must be a JSON object of text values such as {\"note\":\"vip\"}, was"
                                + " '[\"a\"]'",
                        "column 'metadata' value of 'k' must be text, was 5",
                        "column 'metadata' must be a JSON object of text values")
                : List.of(
                        "column 'streak' must be a whole number >= 0, was '-1'",
                        "column 'last_active_day' must be an ISO-8601 date such as 2024-05-01, was 'May 1'",
                        "column 'metadata' must be a JSON object of text values such as {\"note\":\"vip\"}, was"
                                + " '[\"a\"]'",
                        "column 'metadata' value of 'k' must be text, was true");
        List<String> rows = format == MemberFormat.CSV ? badRows : badJson;
        for (int i = 0; i < rows.size(); i++) {
            Path file = tmp.resolve("bad" + i + "." + format.name().toLowerCase());
            String text = format == MemberFormat.CSV
                    ? MemberFormat.CSV_HEADER + "\n" + good + "\n" + rows.get(i) + "\n"
                    : "[\n" + MemberExport.json(MemberStats.empty(1, 2)) + ",\n" + rows.get(i) + "\n]\n";
            Files.writeString(file, text);
            try (InMemoryStorage b = new InMemoryStorage()) {
                b.init();
                assertThatThrownBy(() -> Importer.from(MemberFileSource.open(file, format))
                                .to(b)
                                .run())
                        .isInstanceOf(ImportException.class)
                        .hasMessageStartingWith(file + " line 3: " + expected.get(i))
                        .hasMessageEndingWith("; nothing was written");
                assertThat(b.guildIds()).isEmpty();
            }
        }
    }

    @Test
    void halfWrittenJson_andScatteredGuilds_areRefusedWithTheLine() throws Exception {
        try (InMemoryStorage a = seeded();
                InMemoryStorage b = new InMemoryStorage()) {
            b.init();
            String text = export(a, MemberFormat.JSON);
            Path half = tmp.resolve("half.json");
            Files.writeString(half, text.substring(0, text.lastIndexOf('\n', text.length() - 3)));
            assertThatThrownBy(() -> Importer.from(MemberFileSource.open(half, MemberFormat.JSON))
                            .to(b)
                            .run())
                    .isInstanceOf(ImportException.class)
                    .hasMessageContaining("the file ends before the closing ']'");
            Path scattered = tmp.resolve("scattered.csv");
            Files.writeString(
                    scattered,
                    MemberFormat.BASE_CSV_HEADER + "\n1,2,0,0,0,0,0,1970-01-01T00:00:00Z,\n"
                            + "3,2,0,0,0,0,0,1970-01-01T00:00:00Z,\n1,4,0,0,0,0,0,1970-01-01T00:00:00Z,\n");
            assertThatThrownBy(() -> Importer.from(MemberFileSource.open(scattered, MemberFormat.CSV))
                            .to(b)
                            .run())
                    .hasMessageContaining("line 4: guild 1 appears again after other guilds");
            assertThat(b.guildIds()).isEmpty();
        }
    }
}
