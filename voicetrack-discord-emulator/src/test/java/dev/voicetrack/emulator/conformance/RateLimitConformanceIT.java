package dev.voicetrack.emulator.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.voicetrack.emulator.DiscordEmulator;
import dev.voicetrack.emulator.EmulatedChannel;
import dev.voicetrack.emulator.EmulatedGuild;
import dev.voicetrack.emulator.RateLimits;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Rate limits over raw HTTP, on a manual clock: buckets, headers that follow the request rate, 429s. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RateLimitConformanceIT {
    private final Raw.ManualClock clock = new Raw.ManualClock();
    private DiscordEmulator emulator;
    private Raw raw;
    private EmulatedChannel general;
    private EmulatedChannel other;

    @BeforeEach
    void start() {
        emulator = DiscordEmulator.builder().clock(clock).start();
        raw = new Raw(emulator);
        EmulatedGuild guild = emulator.createGuild("g");
        general = guild.createTextChannel("general");
        other = guild.createTextChannel("other");
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    private HttpResponse<String> post(EmulatedChannel channel) {
        return raw.send("POST", "channels/" + channel.id() + "/messages", "{\"content\":\"hi\"}");
    }

    @Test
    void messagePosts_sixthWithinFiveSeconds_is429WithDiscordBodyAndRetryAfter() {
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> ok = post(general);
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(Raw.header(ok, "X-RateLimit-Limit")).isEqualTo("5");
            assertThat(Raw.header(ok, "X-RateLimit-Remaining")).isEqualTo(Integer.toString(4 - i));
            assertThat(Raw.header(ok, "X-RateLimit-Reset-After")).isEqualTo("5.000");
            assertThat(Raw.header(ok, "X-RateLimit-Bucket")).isNotBlank();
        }
        clock.advance(Duration.ofMillis(1_500));
        HttpResponse<String> refused = post(general);

        assertThat(refused.statusCode()).isEqualTo(429);
        JsonNode body = Raw.json(refused);
        assertThat(body.path("message").asText()).isEqualTo("You are being rate limited.");
        assertThat(body.path("retry_after").isNumber()).isTrue();
        assertThat(body.path("retry_after").asDouble()).isEqualTo(3.5);
        assertThat(body.path("global").asBoolean(true)).isFalse();
        assertThat(Raw.header(refused, "Retry-After")).isEqualTo("4");
        assertThat(Raw.header(refused, "X-RateLimit-Remaining")).isEqualTo("0");
        assertThat(Raw.header(refused, "X-RateLimit-Reset-After")).isEqualTo("3.500");
        assertThat(general.botMessages()).hasSize(5);
    }

    @Test
    void messagePosts_afterTheWindow_areAcceptedAgain_andResetIsEpochSeconds() {
        for (int i = 0; i < 5; i++) {
            post(general);
        }
        assertThat(post(general).statusCode()).isEqualTo(429);
        clock.advance(Duration.ofSeconds(5));

        HttpResponse<String> ok = post(general);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(Raw.header(ok, "X-RateLimit-Remaining")).isEqualTo("4");
        double reset = Double.parseDouble(Raw.header(ok, "X-RateLimit-Reset"));
        assertThat(reset).isEqualTo((clock.millis() + 5_000) / 1000.0);
    }

    @Test
    void messagePosts_bucketIsPerChannel() {
        for (int i = 0; i < 5; i++) {
            post(general);
        }
        assertThat(post(general).statusCode()).isEqualTo(429);
        HttpResponse<String> elsewhere = post(other);
        assertThat(elsewhere.statusCode()).isEqualTo(200);
        assertThat(Raw.header(elsewhere, "X-RateLimit-Remaining")).isEqualTo("4");
    }

    @Test
    void globalLimit_refusesEveryRoute_with429GlobalTrue() {
        emulator.close();
        emulator = DiscordEmulator.builder()
                .clock(clock)
                .rateLimits(RateLimits.discordDefaults().withGlobal(RateLimits.Limit.of(3, Duration.ofSeconds(1))))
                .start();
        raw = new Raw(emulator);
        for (int i = 0; i < 3; i++) {
            assertThat(raw.get("users/@me").statusCode()).isEqualTo(200);
        }
        HttpResponse<String> refused = raw.get("gateway/bot");

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(Raw.json(refused).path("global").asBoolean()).isTrue();
        assertThat(Raw.json(refused).path("retry_after").asDouble()).isEqualTo(1.0);
        assertThat(Raw.header(refused, "X-RateLimit-Global")).isEqualTo("true");
        assertThat(Raw.header(refused, "Retry-After")).isEqualTo("1");
        clock.advance(Duration.ofSeconds(1));
        assertThat(raw.get("gateway/bot").statusCode()).isEqualTo(200);
    }
}
