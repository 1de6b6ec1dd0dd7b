package dev.voicetrack.emulator.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.voicetrack.emulator.DiscordEmulator;
import dev.voicetrack.emulator.EmulatedChannel;
import dev.voicetrack.emulator.EmulatedGuild;
import dev.voicetrack.emulator.EmulatedInteraction;
import dev.voicetrack.emulator.EmulatedMember;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Discord's form validation over raw HTTP: 50035 with an {@code errors} object, and 50109 for broken JSON. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ValidationConformanceIT {
    private DiscordEmulator emulator;
    private Raw raw;
    private EmulatedChannel general;
    private EmulatedMember alice;

    @BeforeEach
    void start() {
        emulator = DiscordEmulator.start();
        raw = new Raw(emulator);
        EmulatedGuild guild = emulator.createGuild("g");
        general = guild.createTextChannel("general");
        alice = guild.addMember("alice", false);
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    private String commands() {
        return "applications/" + emulator.applicationId() + "/commands";
    }

    @Test
    void messageContentOver2000_isInvalidFormBody50035_withDiscordsErrorsObject() throws Exception {
        String content = "x".repeat(2001);

        HttpResponse<String> response =
                raw.send("POST", "channels/" + general.id() + "/messages", "{\"content\":\"" + content + "\"}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(Raw.json(response))
                .isEqualTo(Raw.JSON.readTree("{\"code\":50035,\"errors\":{\"content\":{\"_errors\":[{\"code\":"
                        + "\"BASE_TYPE_MAX_LENGTH\",\"message\":\"Must be 2000 or fewer in length.\"}]}},"
                        + "\"message\":\"Invalid Form Body\"}"));
        assertThat(general.botMessages()).isEmpty();
        assertThat(raw.send(
                                "POST",
                                "channels/" + general.id() + "/messages",
                                "{\"content\":\"" + "x".repeat(2000) + "\"}")
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void interactionReplyOver2000_isRefused_underData() {
        raw.registerCommands("[{\"name\":\"stats\",\"type\":1,\"description\":\"Stats\"}]");
        EmulatedInteraction interaction = alice.invokeCommand(general, "stats", Map.of());

        HttpResponse<String> response = raw.send(
                "POST",
                "interactions/" + interaction.id() + "/" + interaction.token() + "/callback",
                "{\"type\":4,\"data\":{\"content\":\"" + "y".repeat(2001) + "\"}}");

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode errors = Raw.json(response).path("errors");
        assertThat(errors.at("/data/content/_errors/0/code").asText()).isEqualTo("BASE_TYPE_MAX_LENGTH");
        assertThat(interaction.responses()).isEmpty();
    }

    @Test
    void buttons_linkNeedsAnHttpUrl_othersACustomId_andAtMostFiveInARow() {
        String path = "channels/" + general.id() + "/messages";
        HttpResponse<String> ftp = raw.send(
                "POST",
                path,
                "{\"components\":[{\"type\":1,\"components\":[{\"type\":2,\"style\":5,\"label\":\"Web\","
                        + "\"url\":\"ftp://example.org\"}]}]}");
        assertThat(ftp.statusCode()).isEqualTo(400);
        assertThat(Raw.json(ftp)
                        .at("/errors/components/0/components/0/url/_errors/0/code")
                        .asText())
                .isEqualTo("URL_TYPE_INVALID_SCHEME");

        HttpResponse<String> noId = raw.send(
                "POST",
                path,
                "{\"components\":[{\"type\":1,\"components\":[{\"type\":2,\"style\":1,\"label\":\"Go\"}]}]}");
        assertThat(noId.statusCode()).isEqualTo(400);
        assertThat(Raw.json(noId)
                        .at("/errors/components/0/components/0/custom_id/_errors/0/code")
                        .asText())
                .isEqualTo("BASE_TYPE_REQUIRED");

        StringBuilder six = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            six.append(i == 0 ? "" : ",")
                    .append("{\"type\":2,\"style\":1,\"label\":\"b\",\"custom_id\":\"b")
                    .append(i)
                    .append("\"}");
        }
        HttpResponse<String> crowded =
                raw.send("POST", path, "{\"components\":[{\"type\":1,\"components\":[" + six + "]}]}");
        assertThat(crowded.statusCode()).isEqualTo(400);
        assertThat(Raw.json(crowded)
                        .at("/errors/components/0/components/_errors/0/message")
                        .asText())
                .isEqualTo("Must be 5 or fewer in length.");
        assertThat(general.botMessages()).isEmpty();

        HttpResponse<String> ok = raw.send(
                "POST",
                path,
                "{\"components\":[{\"type\":1,\"components\":[{\"type\":2,\"style\":5,\"label\":\"Web\","
                        + "\"url\":\"https://example.org/x\"},{\"type\":2,\"style\":2,\"label\":\"b\","
                        + "\"custom_id\":\"b\"}]}]}");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(general.botMessages()).singleElement().satisfies(m -> {
            assertThat(m.linkButtonUrls()).containsExactly("https://example.org/x");
            assertThat(m.buttonCustomIds()).containsExactly("b");
        });
    }

    @Test
    void embedDescriptionOver4096_isRefused() {
        HttpResponse<String> response = raw.send(
                "POST",
                "channels/" + general.id() + "/messages",
                "{\"embeds\":[{\"description\":\"" + "z".repeat(4097) + "\"}]}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(Raw.json(response)
                        .at("/errors/embeds/0/description/_errors/0/message")
                        .asText())
                .isEqualTo("Must be 4096 or fewer in length.");
    }

    @Test
    void commandWithInvalidName_isInvalidFormBody() {
        HttpResponse<String> response =
                raw.send("PUT", commands(), "[{\"name\":\"Bad Name!\",\"type\":1,\"description\":\"d\"}]");

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode body = Raw.json(response);
        assertThat(body.path("code").asInt()).isEqualTo(50035);
        assertThat(body.path("message").asText()).isEqualTo("Invalid Form Body");
        assertThat(body.at("/errors/0/name/_errors/0/code").asText()).isEqualTo("APPLICATION_COMMAND_INVALID_NAME");
        assertThat(emulator.registeredCommands()).isEmpty();
    }

    @Test
    void commandWithoutDescription_isInvalidFormBody() {
        HttpResponse<String> put = raw.send("PUT", commands(), "[{\"name\":\"stats\",\"type\":1}]");
        HttpResponse<String> post = raw.send("POST", commands(), "{\"name\":\"stats\",\"type\":1}");

        assertThat(put.statusCode()).isEqualTo(400);
        assertThat(Raw.json(put).at("/errors/0/description/_errors/0/code").asText())
                .isEqualTo("BASE_TYPE_REQUIRED");
        assertThat(post.statusCode()).isEqualTo(400);
        assertThat(Raw.json(post).at("/errors/description/_errors/0/code").asText())
                .isEqualTo("BASE_TYPE_REQUIRED");
        assertThat(emulator.registeredCommands()).isEmpty();
    }

    @Test
    void optionWithInvalidName_isInvalidFormBody() {
        HttpResponse<String> response = raw.send(
                "PUT",
                commands(),
                "[{\"name\":\"stats\",\"type\":1,\"description\":\"d\",\"options\":"
                        + "[{\"name\":\"User\",\"type\":6,\"description\":\"who\"}]}]");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(Raw.json(response)
                        .at("/errors/0/options/0/name/_errors/0/code")
                        .asText())
                .isEqualTo("APPLICATION_COMMAND_INVALID_NAME");
    }

    @Test
    void malformedJson_is50109() {
        HttpResponse<String> response =
                raw.send("POST", "channels/" + general.id() + "/messages", "{\"content\": \"unterminated");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(Raw.json(response).path("code").asInt()).isEqualTo(50109);
        assertThat(Raw.json(response).path("message").asText()).isEqualTo("The request body contains invalid JSON.");
    }
}
