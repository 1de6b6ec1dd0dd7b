package dev.voicetrack.bot;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code voicetrack demo --duration}: the README's first command, as a user runs it. */
class DemoIT {
    @TempDir
    Path tmp;

    @Test
    void demo_runsTheBotAgainstTheEmulator_printsLeaderboards_andStopsWithABackup() throws Exception {
        Path work = Files.createDirectories(tmp.resolve("work"));
        try (BotProcess demo = BotProcess.start(
                work,
                Map.of("ADMIN_API_BIND", "127.0.0.1:0"),
                "demo",
                "--duration",
                "9s",
                "--speed",
                "10",
                "--guilds",
                "2",
                "--members",
                "6",
                "--seed",
                "7")) {
            demo.awaitLine("=== VoiceTrack live leaderboard ===");
            assertThat(demo.get("/health").statusCode()).isEqualTo(200);
            assertThat(demo.awaitExit()).as(demo.stderr()).isZero();
            String out = String.join("\n", demo.stdoutLines());
            assertThat(out)
                    .contains("Storage: sqlite at ./data/demo/voice-tracker.db")
                    .contains("Admin API token for this demo")
                    .contains("shutdown-backup: ")
                    .contains("voicetrack: stopped")
                    .containsPattern("#1 \\S+ +level +\\d+ +\\d+ XP");
        }
        assertThat(work.resolve("data/demo/voice-tracker.db")).exists();
    }
}
