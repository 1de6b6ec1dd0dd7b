package dev.voicetrack.emulator.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.voicetrack.emulator.DiscordEmulator;
import dev.voicetrack.emulator.EmulatedChannel;
import dev.voicetrack.emulator.EmulatedGuild;
import dev.voicetrack.emulator.RateLimits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The gateway's send rate limit (close 4008) and guilds split between shards, over raw websockets. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GatewayLimitsConformanceIT {
    private static final int GUILDS = 1;
    private static final int GUILD_VOICE_STATES = 1 << 7;
    private static final String HEARTBEAT = Raw.Socket.HEARTBEAT;

    private final Raw.ManualClock clock = new Raw.ManualClock();

    @Test
    void the121stPayloadWithin60Seconds_isClosed4008() throws Exception {
        try (DiscordEmulator emulator = DiscordEmulator.builder().clock(clock).start()) {
            Raw.Socket socket = Raw.Socket.connect(emulator);
            sendHeartbeatsAndAwaitAcks(socket, 120);
            assertThat(socket.closed).isNotDone();

            clock.advance(Duration.ofSeconds(59));
            socket.send(HEARTBEAT);

            assertThat(socket.awaitClose()).isEqualTo(4008);
        }
    }

    @Test
    void payloadsInTheNextWindow_areAccepted() throws Exception {
        try (DiscordEmulator emulator = DiscordEmulator.builder().clock(clock).start()) {
            Raw.Socket socket = Raw.Socket.connect(emulator);
            sendHeartbeatsAndAwaitAcks(socket, 120);
            clock.advance(Duration.ofSeconds(60));
            socket.send(HEARTBEAT);
            socket.sync();

            assertThat(socket.closed).isNotDone();
            assertThat(acks(socket)).isEqualTo(122);
        }
    }

    @Test
    void gatewayLimit_isConfigurable() throws Exception {
        try (DiscordEmulator emulator = DiscordEmulator.builder()
                .clock(clock)
                .rateLimits(RateLimits.discordDefaults()
                        .withGatewayCommands(RateLimits.Limit.of(2, Duration.ofSeconds(10))))
                .start()) {
            Raw.Socket socket = Raw.Socket.connect(emulator);
            socket.send(HEARTBEAT);
            socket.send(HEARTBEAT);
            socket.send(HEARTBEAT);

            assertThat(socket.awaitClose()).isEqualTo(4008);
        }
    }

    @Test
    void eachShard_getsOnlyItsGuilds_inReadyGuildCreateAndEvents() throws Exception {
        try (DiscordEmulator emulator = DiscordEmulator.builder().clock(clock).start()) {
            List<EmulatedGuild> guilds = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                guilds.add(emulator.createGuild("g" + i));
                clock.advance(Duration.ofMillis(1));
            }
            Set<String> shard0 = new HashSet<>();
            Set<String> shard1 = new HashSet<>();
            for (EmulatedGuild guild : guilds) {
                ((guild.id() >> 22) % 2 == 0 ? shard0 : shard1).add(Long.toString(guild.id()));
            }
            assertThat(shard0).isNotEmpty();
            assertThat(shard1).isNotEmpty();

            Raw.Socket first = Raw.Socket.connect(emulator);
            Raw.Socket second = Raw.Socket.connect(emulator);
            JsonNode ready0 = first.identify(emulator, GUILDS | GUILD_VOICE_STATES, "[0,2]");
            JsonNode ready1 = second.identify(emulator, GUILDS | GUILD_VOICE_STATES, "[1,2]");
            first.sync();
            second.sync();

            assertThat(ids(ready0.path("guilds"))).isEqualTo(shard0);
            assertThat(ids(ready1.path("guilds"))).isEqualTo(shard1);
            assertThat(guildCreateIds(first)).isEqualTo(shard0);
            assertThat(guildCreateIds(second)).isEqualTo(shard1);

            for (EmulatedGuild guild : guilds) {
                EmulatedChannel lounge = guild.createVoiceChannel("Lounge");
                guild.addMember("member-of-" + guild.name(), false).joinVoice(lounge);
            }
            first.sync();
            second.sync();
            assertThat(eventGuildIds(first, "VOICE_STATE_UPDATE")).isEqualTo(shard0);
            assertThat(eventGuildIds(second, "VOICE_STATE_UPDATE")).isEqualTo(shard1);
            assertThat(eventGuildIds(first, "CHANNEL_CREATE")).isEqualTo(shard0);
            assertThat(eventGuildIds(second, "CHANNEL_CREATE")).isEqualTo(shard1);
        }
    }

    @Test
    void directMessages_goToShardZeroOnly() throws Exception {
        try (DiscordEmulator emulator = DiscordEmulator.builder().clock(clock).start()) {
            int directMessages = 1 << 12;
            Raw.Socket first = Raw.Socket.connect(emulator);
            Raw.Socket second = Raw.Socket.connect(emulator);
            first.identify(emulator, directMessages, "[0,2]");
            second.identify(emulator, directMessages, "[1,2]");

            emulator.createUser("carol", false).sendDirectMessage("hello");
            first.sync();
            second.sync();

            assertThat(first.dispatches("MESSAGE_CREATE")).hasSize(1);
            assertThat(second.dispatches("MESSAGE_CREATE")).isEmpty();
        }
    }

    /** Sends heartbeats and waits until each was answered, so the emulator counted them on the current clock. */
    private static void sendHeartbeatsAndAwaitAcks(Raw.Socket socket, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            socket.send(HEARTBEAT);
        }
        socket.awaitFrame(f -> acks(socket) == count);
    }

    private static long acks(Raw.Socket socket) {
        return socket.frames.stream().filter(f -> f.path("op").asInt() == 11).count();
    }

    private static Set<String> ids(JsonNode guilds) {
        Set<String> ids = new HashSet<>();
        guilds.forEach(g -> ids.add(g.path("id").asText()));
        return ids;
    }

    private static Set<String> guildCreateIds(Raw.Socket socket) {
        Set<String> ids = new HashSet<>();
        socket.dispatches("GUILD_CREATE").forEach(f -> ids.add(f.at("/d/id").asText()));
        return ids;
    }

    private static Set<String> eventGuildIds(Raw.Socket socket, String type) {
        Set<String> ids = new HashSet<>();
        socket.dispatches(type).forEach(f -> ids.add(f.at("/d/guild_id").asText()));
        return ids;
    }
}
