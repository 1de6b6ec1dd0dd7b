package dev.voicetrack.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.entities.channel.concrete.TextChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** JDA against the emulator's enforced rate limits: it reads the headers, waits, and every message arrives in order. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JdaRateLimitIT {

    @Test
    void burstOfMessagePosts_overTheChannelLimit_allArriveInOrder() throws Exception {
        RateLimits tight =
                RateLimits.discordDefaults().withMessagePosts(RateLimits.Limit.of(2, Duration.ofMillis(500)));
        try (DiscordEmulator emulator =
                DiscordEmulator.builder().rateLimits(tight).start()) {
            EmulatedGuild guild = emulator.createGuild("g");
            EmulatedChannel general = guild.createTextChannel("general");
            JDA jda = JdaHarness.connect(emulator);
            try {
                jda.awaitReady();
                TextChannel channel = jda.getTextChannelById(general.id());
                List<CompletableFuture<?>> sends = new ArrayList<>();
                for (int i = 0; i < 7; i++) {
                    sends.add(channel.sendMessage("message " + i).submit());
                }
                CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

                assertThat(general.botMessages())
                        .extracting(RecordedMessage::content)
                        .containsExactly(
                                "message 0",
                                "message 1",
                                "message 2",
                                "message 3",
                                "message 4",
                                "message 5",
                                "message 6");
                // JDA learns the bucket from the first response and then waits instead of running into 429s
                assertThat(emulator.rateLimitedResponses()).isLessThanOrEqualTo(1);
            } finally {
                jda.shutdownNow();
                jda.awaitShutdown(Duration.ofSeconds(10));
            }
        }
    }
}
