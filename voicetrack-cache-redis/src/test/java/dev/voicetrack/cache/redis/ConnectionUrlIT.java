package dev.voicetrack.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.cache.CacheConfig;
import dev.voicetrack.testkit.cache.TestValue;
import dev.voicetrack.testkit.redis.RedisServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Connecting by URL: password, database, and TLS with a private CA, against real servers. */
class ConnectionUrlIT {

    @TempDir
    Path dir;

    @Test
    void passwordAndDatabase_fromTheUrl() {
        try (RedisServer server = RedisServer.start(List.of("--requirepass", "s3cret"));
                RedisCache<TestValue> cache = RedisCache.create(
                        RedisCacheConfig.builder()
                                .url("redis://:s3cret@127.0.0.1:" + server.port() + "/3")
                                .build(),
                        CacheConfig.defaults(),
                        JacksonCodec.of(TestValue.class))) {
            assertThat(cache.health().healthy()).isTrue();
            cache.put("a", TestValue.of("A", 1));

            assertThat(cache.get("a")).contains(TestValue.of("A", 1));
            try (RedisCache<TestValue> otherDatabase = RedisCache.create(
                    RedisCacheConfig.builder()
                            .url("redis://:s3cret@127.0.0.1:" + server.port() + "/0")
                            .build(),
                    CacheConfig.defaults(),
                    JacksonCodec.of(TestValue.class))) {
                assertThat(otherDatabase.health().healthy()).isTrue();
                assertThat(otherDatabase.get("a")).isEmpty();
            }
        }
    }

    @Test
    void wrongPassword_isReportedByHealth_andCallsStillWork() {
        try (RedisServer server = RedisServer.start(List.of("--requirepass", "s3cret"));
                RedisCache<TestValue> cache = RedisCache.create(
                        RedisCacheConfig.builder()
                                .url("redis://:wrong@127.0.0.1:" + server.port())
                                .connectTimeout(Duration.ofMillis(500))
                                .build(),
                        CacheConfig.defaults(),
                        JacksonCodec.of(TestValue.class))) {
            assertThat(cache.health().connected()).isFalse();
            assertThat(cache.health().lastError()).isPresent();
            cache.put("a", TestValue.of("A", 1));
            assertThat(cache.get("a")).contains(TestValue.of("A", 1));
        }
    }

    @Test
    void rediss_connectsOverTlsTrustingAPrivateCertificate() throws Exception {
        Path key = dir.resolve("key.pem");
        Path cert = dir.resolve("cert.pem");
        Process openssl = new ProcessBuilder(
                        "openssl",
                        "req",
                        "-x509",
                        "-newkey",
                        "rsa:2048",
                        "-nodes",
                        "-days",
                        "1",
                        "-keyout",
                        key.toString(),
                        "-out",
                        cert.toString(),
                        "-subj",
                        "/CN=localhost",
                        "-addext",
                        "subjectAltName=IP:127.0.0.1")
                .redirectErrorStream(true)
                .start();
        String output = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(openssl.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(openssl.exitValue()).as(output).isZero();

        int tlsPort = freePort();
        try (RedisServer server = RedisServer.start(List.of(
                        "--tls-port", Integer.toString(tlsPort),
                        "--tls-cert-file", cert.toString(),
                        "--tls-key-file", key.toString(),
                        "--tls-ca-cert-file", cert.toString(),
                        "--tls-auth-clients", "no"));
                RedisCache<TestValue> cache = RedisCache.create(
                        RedisCacheConfig.builder()
                                .url("rediss://127.0.0.1:" + tlsPort)
                                .trustedCertificates(cert)
                                .build(),
                        CacheConfig.defaults(),
                        JacksonCodec.of(TestValue.class))) {
            assertThat(cache.health().healthy()).isTrue();
            cache.put("tls", TestValue.of("T", 1));
            assertThat(cache.get("tls")).contains(TestValue.of("T", 1));
            assertThat(server.command("EXISTS", "vt:default:tls")).isEqualTo(":1");
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return s.getLocalPort();
        }
    }
}
