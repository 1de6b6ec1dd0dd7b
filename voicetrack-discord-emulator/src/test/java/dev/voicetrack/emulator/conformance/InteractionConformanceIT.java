package dev.voicetrack.emulator.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voicetrack.emulator.DiscordEmulator;
import dev.voicetrack.emulator.EmulatedChannel;
import dev.voicetrack.emulator.EmulatedGuild;
import dev.voicetrack.emulator.EmulatedInteraction;
import dev.voicetrack.emulator.EmulatedMember;
import dev.voicetrack.emulator.EmulatorException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Interaction deadlines, callback answers and option checks, over raw HTTP on a manual clock. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class InteractionConformanceIT {
    private static final String COMMANDS =
            """
            [{"name":"stats","type":1,"description":"Your stats","options":[
              {"name":"period","type":3,"description":"Which period","required":false,
               "choices":[{"name":"Week","value":"week"},{"name":"All time","value":"all"}]},
              {"name":"top","type":4,"description":"How many","required":false,"min_value":1,"max_value":25}]}]
            """;
    private static final String REPLY = "{\"type\":4,\"data\":{\"content\":\"hello\"}}";

    private final Raw.ManualClock clock = new Raw.ManualClock();
    private DiscordEmulator emulator;
    private Raw raw;
    private EmulatedChannel general;
    private EmulatedMember alice;

    @BeforeEach
    void start() {
        start(DiscordEmulator.builder().clock(clock));
    }

    private void start(DiscordEmulator.Builder builder) {
        if (emulator != null) {
            emulator.close();
        }
        emulator = builder.start();
        raw = new Raw(emulator);
        EmulatedGuild guild = emulator.createGuild("g");
        general = guild.createTextChannel("general");
        alice = guild.addMember("alice", false);
        raw.registerCommands(COMMANDS);
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    private HttpResponse<String> callback(EmulatedInteraction interaction, String query, String body) {
        return raw.send(
                "POST", "interactions/" + interaction.id() + "/" + interaction.token() + "/callback" + query, body);
    }

    private String webhook(EmulatedInteraction interaction) {
        return "webhooks/" + emulator.applicationId() + "/" + interaction.token();
    }

    @Test
    void callback_afterThreeSeconds_isUnknownInteraction10062() {
        EmulatedInteraction interaction = alice.invokeCommand(general, "stats", Map.of());
        clock.advance(Duration.ofMillis(3_001));

        HttpResponse<String> late = callback(interaction, "?with_response=true", REPLY);

        assertThat(late.statusCode()).isEqualTo(404);
        assertThat(Raw.json(late).path("code").asInt()).isEqualTo(10062);
        assertThat(Raw.json(late).path("message").asText()).isEqualTo("Unknown interaction");
        assertThat(interaction.responses()).isEmpty();
    }

    @Test
    void callback_deadlineIsConfigurable() {
        start(DiscordEmulator.builder().clock(clock).interactionAckDeadline(Duration.ofSeconds(10)));
        EmulatedInteraction interaction = alice.invokeCommand(general, "stats", Map.of());
        clock.advance(Duration.ofSeconds(9));

        assertThat(callback(interaction, "?with_response=true", REPLY).statusCode())
                .isEqualTo(200);
    }

    @Test
    void callback_withoutWithResponse_is204WithoutBody() {
        EmulatedInteraction interaction = alice.invokeCommand(general, "stats", Map.of());

        HttpResponse<String> response = callback(interaction, "", REPLY);

        assertThat(response.statusCode()).isEqualTo(204);
        assertThat(response.body()).isEmpty();
        assertThat(interaction.awaitReply(Duration.ofSeconds(5)).content()).isEqualTo("hello");
    }

    @Test
    void callback_withResponseFalse_is204_andTrueAnswersTheCallbackResponse() {
        EmulatedInteraction first = alice.invokeCommand(general, "stats", Map.of());
        assertThat(callback(first, "?with_response=false", REPLY).statusCode()).isEqualTo(204);

        EmulatedInteraction second = alice.invokeCommand(general, "stats", Map.of());
        HttpResponse<String> answered = callback(second, "?with_response=true", REPLY);
        assertThat(answered.statusCode()).isEqualTo(200);
        assertThat(Raw.json(answered)
                        .path("resource")
                        .path("message")
                        .path("content")
                        .asText())
                .isEqualTo("hello");
    }

    @Test
    void followUpAndEdit_afterFifteenMinutes_areInvalidWebhookToken50027() {
        EmulatedInteraction interaction = alice.invokeCommand(general, "stats", Map.of());
        assertThat(callback(interaction, "", "{\"type\":5}").statusCode()).isEqualTo(204);
        clock.advance(Duration.ofMinutes(14));
        assertThat(raw.send("PATCH", webhook(interaction) + "/messages/@original", "{\"content\":\"in time\"}")
                        .statusCode())
                .isEqualTo(200);
        clock.advance(Duration.ofMinutes(1).plusMillis(1));

        HttpResponse<String> followUp = raw.send("POST", webhook(interaction), "{\"content\":\"late\"}");
        HttpResponse<String> edit =
                raw.send("PATCH", webhook(interaction) + "/messages/@original", "{\"content\":\"late\"}");

        for (HttpResponse<String> response : java.util.List.of(followUp, edit)) {
            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(Raw.json(response).path("code").asInt()).isEqualTo(50027);
            assertThat(Raw.json(response).path("message").asText()).isEqualTo("Invalid Webhook Token");
        }
    }

    @Test
    void tokenLifetimeIsConfigurable() {
        start(DiscordEmulator.builder().clock(clock).interactionTokenLifetime(Duration.ofMinutes(1)));
        EmulatedInteraction interaction = alice.invokeCommand(general, "stats", Map.of());
        callback(interaction, "", REPLY);
        clock.advance(Duration.ofSeconds(61));

        assertThat(raw.send("POST", webhook(interaction), "{\"content\":\"late\"}")
                        .statusCode())
                .isEqualTo(401);
    }

    @Test
    void invokeCommand_valueOutsideDeclaredChoices_isRefused() {
        assertThatThrownBy(() -> alice.invokeCommand(general, "stats", Map.of("period", "year")))
                .isInstanceOf(EmulatorException.class)
                .hasMessageContaining("/stats option 'period' must be one of its choices [week, all], was year");
        assertThat(alice.invokeCommand(general, "stats", Map.of("period", "week"))
                        .name())
                .isEqualTo("stats");
    }

    @Test
    void invokeCommand_valueOutsideMinMax_isRefused() {
        assertThatThrownBy(() -> alice.invokeCommand(general, "stats", Map.of("top", 26)))
                .isInstanceOf(EmulatorException.class)
                .hasMessageContaining("/stats option 'top' must be <= 25, was 26");
    }
}
