package dev.voicetrack.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedisCacheConfigTest {

    @Test
    void defaults_matchTheOriginalLibrary() {
        RedisCacheConfig c = RedisCacheConfig.builder().build();
        assertThat(c.urls()).containsExactly("redis://localhost:6379");
        assertThat(c.keyPrefix()).isEqualTo("vt:");
        assertThat(c.cluster()).isFalse();
        assertThat(c.commandTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.directConnections()).isEqualTo(8);
        assertThat(c.timeoutBackoff()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void url_acceptsPasswordDatabaseAndTls() {
        assertThat(RedisCacheConfig.builder()
                        .url("rediss://:pw@cache.example:6380/2")
                        .build()
                        .urls())
                .containsExactly("rediss://:pw@cache.example:6380/2");
    }

    @Test
    void badValues_areRejectedNamingFieldAndValue_withoutThePassword() {
        assertThatThrownBy(() -> RedisCacheConfig.builder().url("http://h:1"))
                .hasMessage("url must be redis://[:password@]host[:port][/database] or rediss://..., scheme is"
                        + " 'http', was 'http://h:1'");
        assertThatThrownBy(() -> RedisCacheConfig.builder().url("redis://:secret@h:1/x"))
                .hasMessageContaining("database 'x'")
                .hasMessageNotContaining("secret");
        assertThatThrownBy(() -> RedisCacheConfig.builder().keyPrefix("a b"))
                .hasMessage("keyPrefix must be 1 to 64 characters without whitespace, was 'a b'");
        assertThatThrownBy(
                        () -> RedisCacheConfig.builder().reconnectBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .hasMessage("reconnectMaxDelay must be between PT2S and PT5M, was PT1S");
        assertThatThrownBy(() -> RedisCacheConfig.builder().clusterUrls(List.of()))
                .hasMessage("clusterUrls must not be empty, was []");
        assertThatThrownBy(() -> RedisCacheConfig.builder().directConnections(-1))
                .hasMessage("directConnections must be between 0 and 256, was -1");
        assertThatThrownBy(() -> RedisCacheConfig.builder().directConnections(257))
                .hasMessage("directConnections must be between 0 and 256, was 257");
        assertThatThrownBy(() -> RedisCacheConfig.builder().timeoutBackoff(Duration.ofMillis(5)))
                .hasMessage("timeoutBackoff must be between PT0.01S and PT5M, was PT0.005S");
        assertThat(RedisCacheConfig.builder().directConnections(0).build().directConnections())
                .isZero();
    }

    @Test
    void toString_hidesThePassword() {
        assertThat(RedisCacheConfig.builder().url("redis://:secret@h:1").build().toString())
                .doesNotContain("secret")
                .contains("redis://***@h:1");
    }
}
