package dev.voicetrack.jda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voicetrack.core.storage.InMemoryStorage;
import dev.voicetrack.emulator.DiscordEmulator;
import dev.voicetrack.emulator.EmulatedChannel;
import dev.voicetrack.emulator.EmulatedGuild;
import dev.voicetrack.emulator.EmulatedMember;
import dev.voicetrack.emulator.EmulatorException;
import dev.voicetrack.emulator.RecordedMessage;
import dev.voicetrack.testkit.ManualClock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import net.dv8tion.jda.api.Permission;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code /xp} through real JDA and the emulator: changes stick through ticks; a server reset asks first. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class XpCommandsIT {
    private static final Duration WAIT = TestBot.WAIT;

    private DiscordEmulator emulator;
    private EmulatedGuild guild;
    private EmulatedChannel general;
    private EmulatedChannel lounge;
    private EmulatedMember admin;
    private EmulatedMember otherAdmin;
    private EmulatedMember alice;
    private ManualClock clock;
    private TestBot bot;

    @BeforeEach
    void start() throws InterruptedException {
        emulator = DiscordEmulator.start();
        guild = emulator.createGuild("Xp");
        general = guild.createTextChannel("general");
        lounge = guild.createVoiceChannel("lounge");
        var admins = guild.createRole("Admins", Permission.ADMINISTRATOR.getRawValue());
        admin = guild.addMember("admin", false);
        admin.addRole(admins);
        otherAdmin = guild.addMember("other", false);
        otherAdmin.addRole(admins);
        alice = guild.addMember("alice", false);
        clock = new ManualClock();
        bot = TestBot.start(emulator, new InMemoryStorage(), clock, o -> o);
    }

    @AfterEach
    void stop() {
        if (bot != null) {
            bot.close();
        }
        emulator.close();
    }

    private RecordedMessage run(EmulatedMember who, String command, Map<String, ?> options) {
        clock.advance(Duration.ofMinutes(1));
        return who.invokeCommand(general, command, options).awaitReply(WAIT);
    }

    private long xp(EmulatedMember m) {
        return bot.tracker.getUser(guild.id(), m.user().id()).map(s -> s.xp()).orElse(0L);
    }

    @Test
    void addRemoveSet_areAnsweredAndStickThroughTicks() {
        long before = bot.installation.eventsEnqueued();
        alice.joinVoice(lounge);
        bot.awaitEnqueued(before, 1);
        clock.advance(Duration.ofSeconds(5));
        bot.tracker.tickNow();
        before = bot.installation.eventsEnqueued();
        alice.leaveVoice();
        bot.awaitEnqueued(before, 1);
        bot.tracker.tickNow();
        long accrued = xp(alice);
        assertThat(accrued).isPositive();

        RecordedMessage added = run(admin, "xp add", Map.of("user", alice, "amount", 1000));
        assertThat(added.ephemeral()).isTrue();
        assertThat(added.content()).startsWith("✅ Gave <@" + alice.user().id() + "> 1,000 XP: now ");
        assertThat(xp(alice)).isEqualTo(accrued + 1000);

        run(admin, "xp remove", Map.of("user", alice, "amount", 5000));
        assertThat(xp(alice)).isZero();

        RecordedMessage set = run(admin, "xp set", Map.of("user", alice, "amount", 250));
        assertThat(set.content()).isEqualTo("✅ <@" + alice.user().id() + "> now has 250 XP, level 1.");
        clock.advance(Duration.ofSeconds(5));
        bot.tracker.tickNow();
        assertThat(xp(alice)).isEqualTo(250);
    }

    @Test
    void resetServer_asksForConfirmation_onlyTheInvokerConfirms_andEveryMemberIsReset() {
        bot.tracker.addXp(guild.id(), alice.user().id(), 500);
        bot.tracker.addXp(guild.id(), otherAdmin.user().id(), 300);

        RecordedMessage ask = run(admin, "xp reset-server", Map.of());
        assertThat(ask.ephemeral()).isTrue();
        assertThat(ask.content()).contains("every member");
        String confirm = "vt-xpreset:" + admin.user().id();
        assertThat(ask.buttonCustomIds()).containsExactly(confirm);
        assertThat(xp(alice)).isEqualTo(500);

        clock.advance(Duration.ofMinutes(1));
        RecordedMessage refused = otherAdmin.clickButton(ask, confirm).awaitReply(WAIT);
        assertThat(refused.content()).isEqualTo("❌ Only <@" + admin.user().id() + "> can confirm this reset.");
        assertThat(xp(alice)).isEqualTo(500);

        clock.advance(Duration.ofMinutes(1));
        RecordedMessage done = admin.clickButton(ask, confirm).awaitReply(WAIT);
        assertThat(done.content()).isEqualTo("✅ Reset 2 members.");
        assertThat(xp(alice)).isZero();
        assertThat(xp(otherAdmin)).isZero();
    }

    @Test
    void aNonAdmin_cannotUseXp() {
        assertThatThrownBy(() -> alice.invokeCommand(general, "xp add", Map.of("user", alice, "amount", 5)))
                .isInstanceOf(EmulatorException.class);
        assertThat(xp(alice)).isZero();
    }
}
