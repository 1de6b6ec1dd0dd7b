package dev.voicetrack.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voicetrack.testkit.redis.RedisServer;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The testkit's throw-away redis-server launcher. */
class RedisServerLauncherIT {

    @Test
    void start_answersPing_onAFreeLoopbackPortThatIsNotTheSharedOne_withoutPersistence() {
        try (RedisServer server = RedisServer.start()) {
            assertThat(server.port()).isNotEqualTo(6379);
            assertThat(server.url()).isEqualTo("redis://127.0.0.1:" + server.port());
            assertThat(server.command("PING")).isEqualTo("+PONG");
            assertThat(server.command("INFO", "persistence")).contains("aof_enabled:0");
        }
    }

    @Test
    void killThenStartAgain_sameUrl_dataGone() {
        try (RedisServer server = RedisServer.start()) {
            int port = server.port();
            server.command("SET", "k", "v");

            server.kill();
            assertThat(server.isRunning()).isFalse();
            assertThatThrownBy(() -> server.command("PING")).isInstanceOf(UncheckedIOException.class);

            server.startAgain();
            assertThat(server.port()).isEqualTo(port);
            assertThat(server.command("PING")).isEqualTo("+PONG");
            assertThat(server.command("EXISTS", "k")).isEqualTo(":0");

            server.restart();
            assertThat(server.command("PING")).isEqualTo("+PONG");
            server.stop();
            assertThat(server.isRunning()).isFalse();
        }
    }

    @Test
    void close_deletesTheServersDirectory() {
        Path dir;
        try (RedisServer server = RedisServer.start()) {
            dir = server.directory();
            assertThat(Files.isDirectory(dir)).isTrue();
        }
        assertThat(Files.exists(dir)).isFalse();
    }
}
