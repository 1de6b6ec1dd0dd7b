package dev.voicetrack.jda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.core.storage.InMemoryStorage;
import dev.voicetrack.core.storage.Storage;
import dev.voicetrack.emulator.DiscordEmulator;
import dev.voicetrack.emulator.EmulatedChannel;
import dev.voicetrack.emulator.EmulatedGuild;
import dev.voicetrack.emulator.EmulatedInteraction;
import dev.voicetrack.emulator.EmulatedMember;
import dev.voicetrack.emulator.InteractionResponse;
import dev.voicetrack.testkit.ManualClock;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The bot against the emulator's interaction deadlines (3 s for the callback, 15 min for the token): a command stuck
 * on slow storage is deferred in time and answered later through the token. The emulator's clock is moved by hand, so
 * "later" is 10 s of Discord time without sleeping.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class InteractionDeadlineIT {
    private static final Duration WAIT = TestBot.WAIT;

    @Test
    void commandStuckOnStorage_isDeferredBeforeDiscordsDeadline_andAnsweredPastIt() throws Exception {
        CountDownLatch storageReleased = new CountDownLatch(1);
        Storage stuckLeaderboard = gated(new InMemoryStorage(), "leaderboard", storageReleased);
        ManualClock discordClock = new ManualClock(Instant.now());
        try (DiscordEmulator emulator =
                DiscordEmulator.builder().clock(discordClock).start()) {
            EmulatedGuild guild = emulator.createGuild("Deadlines");
            EmulatedChannel general = guild.createTextChannel("general");
            EmulatedMember member = guild.addMember("member", false);
            try (TestBot bot = TestBot.start(
                    emulator, stuckLeaderboard, new ManualClock(), o -> o.deferAfter(Duration.ofMillis(200)))) {
                assertThat(bot.installation.commandsRegistered()).isCompleted();
                EmulatedInteraction interaction = member.invokeCommand(general, "leaderboard", Map.of());

                // the storage is still stuck: the bot must have deferred on its own timer
                InteractionResponse first = interaction.awaitResponse(WAIT);
                assertThat(first.callbackType()).isEqualTo(5);
                discordClock.advance(Duration.ofSeconds(10)); // a callback now would be "Unknown interaction"
                storageReleased.countDown();

                InteractionResponse answer = interaction.awaitResponse(
                        r -> r.kind() == InteractionResponse.Kind.FOLLOW_UP
                                || r.kind() == InteractionResponse.Kind.EDIT_ORIGINAL,
                        WAIT);
                assertThat(answer.message().content()).isEqualTo("No leaderboard data yet.");
                assertThat(interaction.responses())
                        .filteredOn(r -> r.kind() == InteractionResponse.Kind.CALLBACK)
                        .hasSize(1);
            } finally {
                storageReleased.countDown();
            }
        }
    }

    /** A storage whose {@code method} waits for {@code gate} before it runs. */
    private static Storage gated(Storage real, String method, CountDownLatch gate) {
        return (Storage) Proxy.newProxyInstance(
                Storage.class.getClassLoader(), new Class<?>[] {Storage.class}, (proxy, m, args) -> {
                    if (m.getName().equals(method) && !gate.await(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                        throw new IllegalStateException("the test never released " + method);
                    }
                    try {
                        return m.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
