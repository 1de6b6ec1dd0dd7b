package dev.voicetrack.bot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.core.storage.Batch;
import dev.voicetrack.core.storage.MemberDelta;
import dev.voicetrack.storage.json.JsonStorage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code voicetrack stats} of the packaged jar on a JSON directory whose guild file was moved aside. */
class JsonStatsIT {
    private static final long GUILD = 111_111_111_111L;

    @TempDir
    Path tmp;

    @Test
    void stats_onAGuildFileMovedAside_exitsNonZero_andKeepsTheDayFileByteIdentical() throws Exception {
        Path work = Files.createDirectories(tmp.resolve("work"));
        Path data = work.resolve("data/json");
        try (JsonStorage storage = JsonStorage.open(data)) {
            storage.init();
            storage.apply(new Batch(
                    List.of(new MemberDelta(
                            GUILD,
                            900_000_000_001L,
                            5,
                            LocalDate.of(2024, 3, 10),
                            60_000,
                            10,
                            0,
                            1,
                            Instant.parse("2024-03-10T12:00:00Z"))),
                    List.of()));
        }
        // What the corruption message used to advise: move the guild file away.
        Files.move(data.resolve("guild-" + GUILD + ".json"), tmp.resolve("guild-" + GUILD + ".json.corrupt"));
        Path day;
        try (Stream<Path> files = Files.list(data)) {
            day = files.filter(f -> f.getFileName().toString().startsWith("guild-" + GUILD + "-day-"))
                    .findFirst()
                    .orElseThrow();
        }
        byte[] before = Files.readAllBytes(day);

        try (BotProcess bot = BotProcess.start(
                work, Map.of("VOICETRACK_STORAGE", "json", "JSON_DATA_DIR", data.toString()), "stats")) {
            int code = bot.awaitExit();
            assertThat(code).as(bot.stderr()).isEqualTo(Main.FAILED);
            assertThat(bot.stderr())
                    .contains("guild " + GUILD)
                    .contains(day.getFileName().toString())
                    .contains("guild-" + GUILD + ".json is missing");
        }
        assertThat(day).exists();
        assertThat(Files.readAllBytes(day)).isEqualTo(before);
    }
}
