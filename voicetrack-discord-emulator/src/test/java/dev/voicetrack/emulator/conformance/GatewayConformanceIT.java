package dev.voicetrack.emulator.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.emulator.DiscordEmulator;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** IDENTIFY refusals over a raw websocket: close codes 4013, 4014, 4010 and 4011; the shard count of /gateway/bot. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GatewayConformanceIT {
    private static final int GUILDS = 1;
    private static final int GUILD_MEMBERS = 1 << 1;
    private static final int GUILD_VOICE_STATES = 1 << 7;

    private static int identifyAndAwaitClose(DiscordEmulator emulator, String extraFields) throws Exception {
        Raw.Socket socket = Raw.Socket.connect(emulator);
        socket.send("{\"op\":2,\"d\":{\"token\":\"" + emulator.botToken()
                + "\",\"properties\":{\"os\":\"linux\",\"browser\":\"raw\",\"device\":\"raw\"}" + extraFields + "}}");
        return socket.awaitClose();
    }

    @Test
    void identifyWithoutIntents_isClosed4013() throws Exception {
        try (DiscordEmulator emulator = DiscordEmulator.start()) {
            assertThat(identifyAndAwaitClose(emulator, "")).isEqualTo(4013);
        }
    }

    @Test
    void identifyWithUndefinedIntentBit_isClosed4013() throws Exception {
        try (DiscordEmulator emulator = DiscordEmulator.start()) {
            assertThat(identifyAndAwaitClose(emulator, ",\"intents\":" + (1 << 30)))
                    .isEqualTo(4013);
            assertThat(emulator.gatewayStats().identifies()).isZero();
        }
    }

    @Test
    void identifyWithPrivilegedIntent_whenNotAllowed_isClosed4014() throws Exception {
        try (DiscordEmulator emulator =
                DiscordEmulator.builder().privilegedIntentsAllowed(false).start()) {
            assertThat(identifyAndAwaitClose(emulator, ",\"intents\":" + (GUILDS | GUILD_MEMBERS)))
                    .isEqualTo(4014);
        }
    }

    @Test
    void identifyWithShardIdNotBelowShardCount_isClosed4010() throws Exception {
        try (DiscordEmulator emulator = DiscordEmulator.start()) {
            assertThat(identifyAndAwaitClose(emulator, ",\"intents\":" + GUILDS + ",\"shard\":[2,2]"))
                    .isEqualTo(4010);
        }
    }

    @Test
    void gatewayBot_recommendsTheRequiredShardCount() {
        try (DiscordEmulator emulator = DiscordEmulator.builder().shards(6).start()) {
            var body = Raw.json(new Raw(emulator).get("gateway/bot"));
            assertThat(body.path("shards").asInt()).isEqualTo(6);
            assertThat(body.path("url").asText()).isEqualTo(emulator.gatewayUrl());
        }
        try (DiscordEmulator emulator = DiscordEmulator.start()) {
            assertThat(Raw.json(new Raw(emulator).get("gateway/bot"))
                            .path("shards")
                            .asInt())
                    .isEqualTo(1);
        }
    }

    @Test
    void identifyWithFewerShardsThanRequired_isClosed4011() throws Exception {
        try (DiscordEmulator emulator = DiscordEmulator.builder().shards(6).start()) {
            assertThat(identifyAndAwaitClose(emulator, ",\"intents\":" + GUILDS + ",\"shard\":[1,4]"))
                    .isEqualTo(4011);
            assertThat(identifyAndAwaitClose(emulator, ",\"intents\":" + GUILDS))
                    .isEqualTo(4011);
            assertThat(emulator.gatewayStats().identifies()).isZero();
        }
    }

    @Test
    void identifyWithTheRequiredShardCountOrMore_getsReady() throws Exception {
        try (DiscordEmulator emulator = DiscordEmulator.builder().shards(2).start()) {
            for (String shard : new String[] {"[1,2]", "[2,3]"}) {
                Raw.Socket socket = Raw.Socket.connect(emulator);
                socket.send("{\"op\":2,\"d\":{\"token\":\"" + emulator.botToken() + "\",\"intents\":" + GUILDS
                        + ",\"shard\":" + shard + ",\"properties\":{}}}");
                awaitReady(socket);
                assertThat(socket.closed).as(shard).isNotDone();
            }
        }
    }

    private static void awaitReady(Raw.Socket socket) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (socket.frames.stream().noneMatch(f -> "READY".equals(f.path("t").asText()))
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(socket.frames).anyMatch(f -> "READY".equals(f.path("t").asText()));
    }

    @Test
    void validIdentify_withoutPrivilegedIntents_getsReady() throws Exception {
        try (DiscordEmulator emulator =
                DiscordEmulator.builder().privilegedIntentsAllowed(false).start()) {
            Raw.Socket socket = Raw.Socket.connect(emulator);
            socket.send("{\"op\":2,\"d\":{\"token\":\"" + emulator.botToken() + "\",\"intents\":"
                    + (GUILDS | GUILD_VOICE_STATES) + ",\"shard\":[1,2],\"properties\":{}}}");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (socket.frames.stream()
                            .noneMatch(f -> "READY".equals(f.path("t").asText()))
                    && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(socket.frames).anyMatch(f -> "READY".equals(f.path("t").asText()));
            assertThat(socket.closed).isNotDone();
        }
    }
}
