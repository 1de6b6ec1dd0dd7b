package dev.voicetrack.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.events.guild.voice.GuildVoiceUpdateEvent;
import net.dv8tion.jda.api.events.session.SessionRecreateEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The server on its own (HTTP edge cases, snowflakes) and a session that cannot resume. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EmulatorServerIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void unknownRoute_answers404Json() throws IOException, InterruptedException {
        try (DiscordEmulator emulator = DiscordEmulator.start()) {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create(emulator.httpBaseUrl() + "guilds/1/bans"))
                            .header("Authorization", "Bot " + emulator.botToken())
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(404);
            assertThat(response.body()).contains("\"code\":0").contains("GET /api/v10/guilds/1/bans");
        }
    }

    @Test
    void wrongToken_isUnauthorized() throws IOException, InterruptedException {
        try (DiscordEmulator emulator = DiscordEmulator.start()) {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create(emulator.httpBaseUrl() + "users/@me"))
                            .header("Authorization", "Bot wrong")
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(401);
        }
    }

    @Test
    void urls_pointAtLoopback_andIdsIncrease() {
        try (DiscordEmulator emulator = DiscordEmulator.start()) {
            assertThat(emulator.httpBaseUrl()).isEqualTo("http://127.0.0.1:" + emulator.port() + "/api/v10/");
            assertThat(emulator.gatewayUrl()).isEqualTo("ws://127.0.0.1:" + emulator.port() + "/gateway");
            EmulatedGuild guild = emulator.createGuild("g");
            EmulatedChannel first = guild.createTextChannel("a");
            EmulatedChannel second = guild.createTextChannel("b");
            assertThat(second.id()).isGreaterThan(first.id()).isGreaterThan(guild.id());
            // a realistic snowflake: its timestamp part is after 2015 (the Discord epoch) and near now
            long millis = (guild.id() >>> 22) + 1_420_070_400_000L;
            assertThat(millis).isBetween(System.currentTimeMillis() - 60_000, System.currentTimeMillis() + 1_000);
        }
    }

    @Test
    void scriptingMistakes_failWithClearMessages() {
        try (DiscordEmulator emulator = DiscordEmulator.start()) {
            EmulatedGuild guild = emulator.createGuild("g");
            EmulatedChannel text = guild.createTextChannel("general");
            EmulatedMember member = guild.addMember("ann", false);
            assertThatThrownBy(() -> member.joinVoice(text))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("must be a voice channel");
            assertThatThrownBy(member::leaveVoice)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("ann is not in a voice channel");
            assertThatThrownBy(() -> member.invokeCommand("stats", Map.of()))
                    .isInstanceOf(EmulatorException.class)
                    .hasMessageContaining("/stats is not registered");
            assertThat(guild.members()).hasSize(2); // the bot and ann
        }
    }

    @Test
    void nonResumableDisconnect_makesJdaIdentifyAgain_andSeeNewState() throws InterruptedException {
        try (DiscordEmulator emulator = DiscordEmulator.start()) {
            EmulatedGuild guild = emulator.createGuild("g");
            EmulatedChannel voice = guild.createVoiceChannel("v");
            EmulatedMember member = guild.addMember("ann", false);
            EventRecorder events = new EventRecorder();
            JDA jda = JdaHarness.connect(emulator, events);
            try {
                GatewayStats before = emulator.gatewayStats();
                emulator.disconnect(false);
                events.await(SessionRecreateEvent.class, e -> true, WAIT);
                GatewayStats after = emulator.gatewayStats();
                assertThat(after.invalidSessions()).isEqualTo(before.invalidSessions() + 1);
                assertThat(after.resumes()).isEqualTo(before.resumes());

                jda.awaitStatus(JDA.Status.CONNECTED);
                member.joinVoice(voice);
                events.await(
                        GuildVoiceUpdateEvent.class,
                        e -> e.getMember().getIdLong() == member.user().id(),
                        WAIT);
                assertThat(after.identifies()).isEqualTo(before.identifies() + 1);
                assertThat(jda.getGuildById(guild.id())
                                .getVoiceChannelById(voice.id())
                                .getMembers())
                        .extracting(m -> m.getIdLong())
                        .containsExactly(member.user().id());
            } finally {
                jda.shutdownNow();
                jda.awaitShutdown(Duration.ofSeconds(10));
            }
        }
    }
}
