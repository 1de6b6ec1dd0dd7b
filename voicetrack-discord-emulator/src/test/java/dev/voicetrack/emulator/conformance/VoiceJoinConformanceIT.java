package dev.voicetrack.emulator.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.voicetrack.emulator.DiscordEmulator;
import dev.voicetrack.emulator.EmulatedChannel;
import dev.voicetrack.emulator.EmulatedGuild;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The bot's own voice join and leave (gateway op 4), over a raw websocket. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class VoiceJoinConformanceIT {
    private static final int GUILDS = 1;
    private static final int GUILD_VOICE_STATES = 1 << 7;

    @Test
    void join_isAnsweredWithVoiceStateAndVoiceServer_leave_withNullChannel() throws Exception {
        try (DiscordEmulator emulator = DiscordEmulator.start()) {
            EmulatedGuild guild = emulator.createGuild("g");
            EmulatedChannel lounge = guild.createVoiceChannel("Lounge");
            Raw.Socket socket = Raw.Socket.connect(emulator);
            JsonNode ready = socket.identify(emulator, GUILDS | GUILD_VOICE_STATES, null);

            socket.send("{\"op\":4,\"d\":{\"guild_id\":\"" + guild.id() + "\",\"channel_id\":\"" + lounge.id()
                    + "\",\"self_mute\":false,\"self_deaf\":true}}");

            JsonNode state = socket.awaitDispatch("VOICE_STATE_UPDATE").path("d");
            assertThat(state.path("user_id").asText())
                    .isEqualTo(Long.toString(emulator.botUser().id()));
            assertThat(state.path("guild_id").asText()).isEqualTo(Long.toString(guild.id()));
            assertThat(state.path("channel_id").asText()).isEqualTo(Long.toString(lounge.id()));
            assertThat(state.path("session_id").asText())
                    .isEqualTo(ready.path("session_id").asText());
            assertThat(state.path("self_deaf").asBoolean()).isTrue();
            assertThat(state.at("/member/user/id").asText())
                    .isEqualTo(Long.toString(emulator.botUser().id()));
            JsonNode server = socket.awaitDispatch("VOICE_SERVER_UPDATE").path("d");
            assertThat(server.path("token").asText()).isNotBlank();
            assertThat(server.path("guild_id").asText()).isEqualTo(Long.toString(guild.id()));
            assertThat(server.path("endpoint").asText()).isNotBlank();
            assertThat(guild.botMember().voiceChannel()).contains(lounge);

            socket.send("{\"op\":4,\"d\":{\"guild_id\":\"" + guild.id()
                    + "\",\"channel_id\":null,\"self_mute\":false,\"self_deaf\":false}}");
            socket.awaitFrame(f -> socket.dispatches("VOICE_STATE_UPDATE").size() == 2);
            socket.sync();

            JsonNode left = socket.dispatches("VOICE_STATE_UPDATE").get(1).path("d");
            assertThat(left.path("user_id").asText())
                    .isEqualTo(Long.toString(emulator.botUser().id()));
            assertThat(left.path("channel_id").isNull()).isTrue();
            assertThat(socket.dispatches("VOICE_SERVER_UPDATE")).hasSize(1);
            assertThat(guild.botMember().voiceChannel()).isEmpty();
        }
    }

    @Test
    void voiceStateUpdate_beforeIdentify_isClosed4003() throws Exception {
        try (DiscordEmulator emulator = DiscordEmulator.start()) {
            EmulatedGuild guild = emulator.createGuild("g");
            EmulatedChannel lounge = guild.createVoiceChannel("Lounge");
            Raw.Socket socket = Raw.Socket.connect(emulator);

            socket.send("{\"op\":4,\"d\":{\"guild_id\":\"" + guild.id() + "\",\"channel_id\":\"" + lounge.id()
                    + "\",\"self_mute\":false,\"self_deaf\":false}}");

            assertThat(socket.awaitClose()).isEqualTo(4003);
        }
    }
}
