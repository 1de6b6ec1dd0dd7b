package dev.voicetrack.emulator.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.emulator.DiscordEmulator;
import dev.voicetrack.emulator.RateLimits;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Discord's invalid-request limit (its Cloudflare ban), over raw HTTP on a manual clock. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class InvalidRequestConformanceIT {
    private final Raw.ManualClock clock = new Raw.ManualClock();

    private DiscordEmulator start(int invalidRequests) {
        return DiscordEmulator.builder()
                .clock(clock)
                .rateLimits(RateLimits.discordDefaults()
                        .withInvalidRequests(RateLimits.Limit.of(invalidRequests, Duration.ofMinutes(10))))
                .invalidRequestBan(Duration.ofMinutes(30))
                .start();
    }

    @Test
    void afterTheLimitOf401s_everyRequestIs429WithoutDiscordsHeaders_untilTheBanEnds() {
        try (DiscordEmulator emulator = start(3)) {
            Raw raw = new Raw(emulator);
            HttpResponse<String> ok = raw.get("users/@me");
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(Raw.header(ok, "Via")).isNotBlank();
            for (int i = 0; i < 3; i++) {
                assertThat(raw.sendAs("Bot wrong-token", "GET", "users/@me").statusCode())
                        .isEqualTo(401);
            }

            HttpResponse<String> banned = raw.get("users/@me");

            assertThat(banned.statusCode()).isEqualTo(429);
            assertThat(Raw.header(banned, "Retry-After")).isEqualTo("1800");
            assertThat(Raw.header(banned, "Via")).isNull();
            assertThat(Raw.header(banned, "X-RateLimit-Limit")).isNull();
            assertThat(Raw.header(banned, "X-RateLimit-Scope")).isNull();
            assertThat(Raw.json(banned).path("code").asInt(-1)).isZero();
            assertThat(Raw.json(banned).path("message").asText()).contains("blocked");

            clock.advance(Duration.ofMinutes(30));
            assertThat(raw.get("users/@me").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void rateLimitedAnswersCount_notFoundAndBadRequestsDoNot() {
        try (DiscordEmulator emulator = DiscordEmulator.builder()
                .clock(clock)
                .rateLimits(RateLimits.discordDefaults()
                        .withInvalidRequests(RateLimits.Limit.of(3, Duration.ofMinutes(10)))
                        .withOtherRoutes(RateLimits.Limit.of(1, Duration.ofSeconds(1))))
                .start()) {
            Raw raw = new Raw(emulator);
            for (int i = 0; i < 5; i++) {
                assertThat(raw.get("channels/1").statusCode()).isEqualTo(404);
                assertThat(raw.send("POST", "channels/1/messages", "{").statusCode())
                        .isEqualTo(400);
                clock.advance(Duration.ofSeconds(1));
            }
            assertThat(raw.get("users/@me").statusCode()).isEqualTo(200);
            assertThat(raw.get("users/@me").statusCode()).isEqualTo(429);
            assertThat(raw.get("users/@me").statusCode()).isEqualTo(429);
            clock.advance(Duration.ofSeconds(1));
            assertThat(raw.get("gateway/bot").statusCode()).isEqualTo(200);
            HttpResponse<String> third = raw.get("gateway/bot");
            assertThat(third.statusCode()).isEqualTo(429);
            assertThat(Raw.header(third, "Via")).isNotBlank();
            assertThat(Raw.header(third, "X-RateLimit-Scope")).isEqualTo("user");

            HttpResponse<String> banned = raw.get("gateway/bot");
            assertThat(banned.statusCode()).isEqualTo(429);
            assertThat(Raw.header(banned, "Via")).isNull();
            assertThat(Raw.header(banned, "X-RateLimit-Scope")).isNull();
            assertThat(Raw.json(banned).path("message").asText()).contains("blocked");
        }
    }

    @Test
    void invalidRequestsInAnEarlierWindow_doNotCount() {
        try (DiscordEmulator emulator = start(2)) {
            Raw raw = new Raw(emulator);
            raw.sendAs(null, "GET", "users/@me");
            clock.advance(Duration.ofMinutes(10));
            raw.sendAs(null, "GET", "users/@me");

            HttpResponse<String> ok = raw.get("users/@me");
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(Raw.header(ok, "Via")).isNotBlank();
        }
    }
}
