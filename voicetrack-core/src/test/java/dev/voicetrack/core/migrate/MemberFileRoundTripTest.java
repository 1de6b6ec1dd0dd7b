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
                            0,
                            LocalDate.EPOCH,
                            channels,
                            Map.of()),
                    List.of()));
        }
        s.importGuild(new GuildSnapshot(G1, GuildConfig.defaults(), members, List.of()));
        s.importGuild(new GuildSnapshot(
                G2, null, List.of(new GuildSnapshot.Member(MemberStats.empty(G2, 5), List.of())), List.of()));
        return s;
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
                MemberFormat.CSV_HEADER + "\n"
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
                    MemberFormat.CSV_HEADER + "\n1,2,0,0,0,0,0,1970-01-01T00:00:00Z,\n"
                            + "3,2,0,0,0,0,0,1970-01-01T00:00:00Z,\n1,4,0,0,0,0,0,1970-01-01T00:00:00Z,\n");
            assertThatThrownBy(() -> Importer.from(MemberFileSource.open(scattered, MemberFormat.CSV))
                            .to(b)
                            .run())
                    .hasMessageContaining("line 4: guild 1 appears again after other guilds");
            assertThat(b.guildIds()).isEmpty();
        }
    }
}
