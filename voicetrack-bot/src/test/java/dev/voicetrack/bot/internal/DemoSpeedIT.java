package dev.voicetrack.bot.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.bot.BotConfig;
import dev.voicetrack.emulator.DiscordEmulator;
import dev.voicetrack.emulator.EmulatedGuild;
import dev.voicetrack.emulator.EmulatedMember;
import dev.voicetrack.testkit.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code demo --speed 5}: the real bot on the demo's clock accrues five times the real time for a member
 * who stays in voice. Real time is a manual clock here; ticks are run by hand.
 */
class DemoSpeedIT {
    @Test
    void speedFive_accruesFiveTimesTheRealTime_forAMemberInVoiceAllAlong() throws Exception {
        try (DiscordEmulator discord = DiscordEmulator.start()) {
            EmulatedGuild guild = discord.createGuild("Speed");
            EmulatedMember alice = guild.addMember("alice", false);
            alice.joinVoice(guild.createVoiceChannel("Lounge"));
            BotConfig config = BotConfig.load(
                    Map.of(),
                    null,
                    null,
                    Map.of(
                            "DISCORD_BOT_TOKEN", discord.botToken(),
                            "DISCORD_API_URL", discord.httpBaseUrl(),
                            "DISCORD_GATEWAY_URL", discord.gatewayUrl(),
                            "VOICETRACK_STORAGE", "memory",
                            "ADMIN_API_BIND", "off",
                            "TRACK_MEMBER_UPDATES", "false",
                            "CHECK_INTERVAL", "1d")); // no scheduled tick: this test runs them
            ManualClock real = new ManualClock(Instant.parse("2025-06-01T10:00:00Z"));
            BotRuntime bot = new BotRuntime(config, new Demo.SpeedClock(real, 5, real.instant()));
            bot.start();
            try {
                // alice was in voice before the start: the start's reconciliation follows her from now on
                real.advance(Duration.ofSeconds(60));
                bot.tracker().tickNow();
                long voiceMs = bot.tracker()
                        .getUser(guild.id(), alice.user().id())
                        .orElseThrow()
                        .voiceTimeMs();
                assertThat(voiceMs).isEqualTo(Duration.ofMinutes(5).toMillis());
            } finally {
                bot.shutdown("test");
            }
        }
    }
}
