package dev.voicetrack.bot;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad settings stop the packaged bot before it writes anything. */
class ConfigIT {
    @TempDir
    Path tmp;

    private Path work() throws Exception {
        return Files.createDirectories(tmp.resolve("work"));
    }

    private static long filesIn(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }

    @Test
    void badSetting_exitsNonZero_namingTheSettingAndValue_writingNothing() throws Exception {
        Path work = work();
        try (BotProcess bot =
                BotProcess.start(work, Map.of("DISCORD_BOT_TOKEN", "some-token", "CHECK_INTERVAL", "abc"), "run")) {
            assertThat(bot.awaitExit()).isEqualTo(2);
            assertThat(bot.stderr())
                    .contains("CHECK_INTERVAL")
                    .contains("'abc'")
                    .doesNotContain("some-token");
        }
        assertThat(filesIn(work)).isZero();
    }

    @Test
    void badSettingInDotEnv_isReportedLikeAnEnvironmentVariable() throws Exception {
        Path work = work();
        Files.writeString(work.resolve(".env"), "DISCORD_BOT_TOKEN=x\nBACKUP_RETENTION=7 weeks\n");
        try (BotProcess bot = BotProcess.start(work, Map.of(), "run")) {
            assertThat(bot.awaitExit()).isEqualTo(2);
            assertThat(bot.stderr()).contains("BACKUP_RETENTION").contains("'7 weeks'");
        }
        assertThat(filesIn(work)).isEqualTo(1); // only the .env
    }

    @Test
    void missingToken_explainsWhereToGetOne_andTheDemo() throws Exception {
        Path work = work();
        try (BotProcess bot = BotProcess.start(work, Map.of(), "run")) {
            assertThat(bot.awaitExit()).isEqualTo(2);
            assertThat(bot.stderr())
                    .contains("DISCORD_BOT_TOKEN")
                    .contains("developer portal")
                    .contains("demo");
        }
        assertThat(filesIn(work)).isZero();
    }

    @Test
    void printConfig_masksSecrets() throws Exception {
        Path work = work();
        try (BotProcess bot = BotProcess.start(
                work,
                Map.of(
                        "DISCORD_BOT_TOKEN",
                        "very-secret-token-value",
                        "ADMIN_API_TOKEN",
                        "another-secret-admin-token",
                        "REDIS_URL",
                        "redis://user:hunter2@host:6379"),
                "run",
                "--print-config")) {
            assertThat(bot.awaitExit()).isZero();
            String out = String.join("\n", bot.stdoutLines());
            assertThat(out).contains("DISCORD_BOT_TOKEN").contains("REDIS_URL");
            assertThat(out).doesNotContain("very-secret-token-value", "another-secret-admin-token", "hunter2");
        }
    }
}
