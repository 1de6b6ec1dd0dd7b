package dev.voicetrack.emulator.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.voicetrack.emulator.DiscordEmulator;
import dev.voicetrack.emulator.EmulatedChannel;
import dev.voicetrack.emulator.EmulatedGuild;
import dev.voicetrack.emulator.EmulatedMember;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Guild, channel, role and member-list routes JDA may call. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RoutesConformanceIT {

    @Test
    void getGuild_getChannel_getRoles_listMembers() {
        try (DiscordEmulator emulator = DiscordEmulator.start()) {
            EmulatedGuild guild = emulator.createGuild("Demo");
            EmulatedChannel general = guild.createTextChannel("general");
            EmulatedMember alice = guild.addMember("alice", false);
            guild.addMember("bob", false);
            Raw raw = new Raw(emulator);

            HttpResponse<String> guildResponse = raw.get("guilds/" + guild.id() + "?with_counts=true");
            assertThat(guildResponse.statusCode()).isEqualTo(200);
            assertThat(Raw.json(guildResponse).path("name").asText()).isEqualTo("Demo");
            assertThat(Raw.json(guildResponse).path("approximate_member_count").asInt())
                    .isEqualTo(3);
            assertThat(Raw.json(guildResponse).has("channels")).isFalse();

            HttpResponse<String> channel = raw.get("channels/" + general.id());
            assertThat(channel.statusCode()).isEqualTo(200);
            assertThat(Raw.json(channel).path("name").asText()).isEqualTo("general");
            assertThat(raw.get("channels/1").statusCode()).isEqualTo(404);

            HttpResponse<String> roles = raw.get("guilds/" + guild.id() + "/roles");
            assertThat(roles.statusCode()).isEqualTo(200);
            assertThat(names(Raw.json(roles), "name")).contains("@everyone", "VoiceTrack");

            HttpResponse<String> firstPage = raw.get("guilds/" + guild.id() + "/members?limit=2");
            assertThat(firstPage.statusCode()).isEqualTo(200);
            assertThat(Raw.json(firstPage)).hasSize(2);
            String last = Raw.json(firstPage).get(1).at("/user/id").asText();
            HttpResponse<String> secondPage = raw.get("guilds/" + guild.id() + "/members?limit=2&after=" + last);
            assertThat(Raw.json(secondPage)).hasSize(1);
            assertThat(Raw.json(secondPage).get(0).at("/user/username").asText())
                    .isEqualTo("bob");
            assertThat(alice.user().id())
                    .isLessThan(Long.parseLong(
                            Raw.json(secondPage).get(0).at("/user/id").asText()));
            assertThat(raw.get("guilds/" + guild.id() + "/members?limit=1001").statusCode())
                    .isEqualTo(400);
        }
    }

    private static List<String> names(JsonNode array, String field) {
        List<String> names = new ArrayList<>();
        array.forEach(node -> names.add(node.path(field).asText()));
        return names;
    }
}
