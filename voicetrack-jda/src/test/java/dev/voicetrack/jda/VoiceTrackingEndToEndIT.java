package dev.voicetrack.jda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voicetrack.core.MemberStats;
import dev.voicetrack.core.VoiceSession;
import dev.voicetrack.core.VoiceTracker;
import dev.voicetrack.core.storage.InMemoryStorage;
import dev.voicetrack.emulator.DiscordEmulator;
import dev.voicetrack.emulator.EmulatedChannel;
import dev.voicetrack.emulator.EmulatedGuild;
import dev.voicetrack.emulator.EmulatedMember;
import dev.voicetrack.emulator.Outage;
import dev.voicetrack.emulator.RecordedMessage;
import dev.voicetrack.testkit.ManualClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import net.dv8tion.jda.api.interactions.components.ActionRow;
import net.dv8tion.jda.api.interactions.components.buttons.Button;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The real bot code, real JDA 5 and the Discord emulator: members join, talk, mute, move and leave while the test
 * advances the tracker's manual clock and runs ticks by hand; stored totals must match the script exactly, and
 * the slash commands must show them. JDA runs on real time, so the test waits (bounded) until each scripted event
 * has been handed to the tracker before it moves the clock.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class VoiceTrackingEndToEndIT {
    private static final Duration WAIT = TestBot.WAIT;

    private DiscordEmulator emulator;
    private TestBot bot;

    @BeforeAll
    void startEmulator() {
        emulator = DiscordEmulator.start();
    }

    @AfterAll
    void stopEmulator() {
        emulator.close();
    }

    @AfterEach
    void stopBot() throws InterruptedException {
        if (bot != null) {
            bot.close();
            bot = null;
        }
    }

    @Test
    void scriptedVoiceActivity_storedTotalsMatchExactly_andCommandsShowThem() throws InterruptedException {
        EmulatedGuild guild = emulator.createGuild("Script");
        EmulatedChannel general = guild.createTextChannel("general");
        EmulatedChannel lounge = guild.createVoiceChannel("Lounge");
        EmulatedChannel quiet = guild.createVoiceChannel("Quiet");
        EmulatedMember alice = guild.addMember("alice", false);
        EmulatedMember bob = guild.addMember("bob", false);
        long gid = guild.id();
        long a = alice.user().id();
        long b = bob.user().id();
        ManualClock clock = new ManualClock();
        InMemoryStorage storage = new InMemoryStorage();
        bot = TestBot.start(emulator, storage, clock, o -> o);
        bot.tracker.updateConfig(
                gid, bot.tracker.config(gid).toBuilder().trackMuted(false).build());

        long n = bot.installation.eventsEnqueued();
        alice.joinVoice(lounge);
        bob.joinVoice(lounge);
        bot.awaitEnqueued(n, 2);
        clock.advance(Duration.ofSeconds(60));
        bot.tracker.tickNow(); // alice 60 s, bob 60 s, 5 XP each

        n = bot.installation.eventsEnqueued();
        alice.sendMessage(general, "hello");
        alice.sendMessage(general, "anyone?");
        bob.setSelfMute(true);
        bot.awaitEnqueued(n, 3);
        clock.advance(Duration.ofSeconds(60));
        bot.tracker.tickNow(); // alice 120 s, 10 XP; bob muted and trackMuted=false: unchanged

        n = bot.installation.eventsEnqueued();
        bob.setSelfMute(false);
        alice.moveTo(quiet);
        bot.awaitEnqueued(n, 2);
        clock.advance(Duration.ofSeconds(30));
        bot.tracker.tickNow(); // alice 150 s, 15 XP; bob 90 s, 10 XP

        n = bot.installation.eventsEnqueued();
        alice.leaveVoice();
        bot.awaitEnqueued(n, 1);
        clock.advance(Duration.ofSeconds(90));
        bot.tracker.tickNow(); // alice unchanged; bob 180 s, 15 XP

        n = bot.installation.eventsEnqueued();
        bob.leaveVoice();
        bot.awaitEnqueued(n, 1);
        clock.advance(Duration.ofSeconds(45));
        bot.tracker.tickNow(); // both gone: nothing more

        MemberStats as = storage.member(gid, a).orElseThrow();
        MemberStats bs = storage.member(gid, b).orElseThrow();
        assertThat(as.voiceTimeMs()).isEqualTo(150_000);
        assertThat(as.xp()).isEqualTo(15);
        assertThat(as.messages()).isEqualTo(2);
        assertThat(as.sessions()).isEqualTo(2); // the move ends one session and starts another
        assertThat(as.channel(lounge.id()).orElseThrow().voiceTimeMs()).isEqualTo(120_000);
        assertThat(as.channel(quiet.id()).orElseThrow().voiceTimeMs()).isEqualTo(30_000);
        assertThat(bs.voiceTimeMs()).isEqualTo(180_000);
        assertThat(bs.xp()).isEqualTo(15);
        assertThat(bs.messages()).isZero();
        assertThat(bs.sessions()).isEqualTo(1);
        List<VoiceSession> bobSessions = storage.sessions(gid, b, 10);
        assertThat(bobSessions).singleElement().satisfies(s -> {
            assertThat(s.mutedMs()).isEqualTo(60_000);
            assertThat(s.durationMs()).isEqualTo(240_000);
        });
        assertThat(storage.openSessions()).isEmpty();

        RecordedMessage stats = alice.invokeCommand(general, "stats", Map.of()).awaitReply(WAIT);
        assertThat(stats.ephemeral()).isFalse();
        assertThat(Embeds.title(stats)).isEqualTo("Voice stats for alice");
        assertThat(Embeds.fields(stats))
                .containsEntry("Voice time", "2m 30s")
                .containsEntry("Level", "0")
                .containsEntry("XP", "15")
                .containsEntry("Progress", "15% → Level 1")
                .containsEntry("XP needed", "85")
                .containsEntry("Rank", a < b ? "#1" : "#2");

        RecordedMessage bobStats =
                alice.invokeCommand(general, "stats", Map.of("user", bob)).awaitReply(WAIT);
        assertThat(Embeds.fields(bobStats)).containsEntry("Voice time", "3m 0s").containsEntry("XP", "15");

        RecordedMessage board = alice.invokeCommand(general, "leaderboard", Map.of("metric", "voiceTime"))
                .awaitReply(WAIT);
        assertThat(Embeds.description(board)).isEqualTo("**1.** <@" + b + "> — 3m 0s\n**2.** <@" + a + "> — 2m 30s");
        assertThat(board.buttonCustomIds())
                .containsExactly("vt-lb:voiceTime:all:-1:" + a, "vt-lb:voiceTime:all:1:" + a);
        assertThat(board.linkButtonUrls()).as("no dashboard URL, no links").isEmpty();

        RecordedMessage rank = bob.invokeCommand(general, "rank", Map.of()).awaitReply(WAIT);
        assertThat(rank.content()).isEqualTo("bob is " + (b < a ? "#1" : "#2") + " by XP and #1 by voice time.");
        assertThat(rank.attachments()).singleElement().satisfies(card -> {
            assertThat(card.filename()).isEqualTo("rank.png");
            assertThat(card.contentType()).startsWith("image/png");
            java.awt.image.BufferedImage img;
            try {
                img = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(card.data()));
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
            assertThat(img.getWidth()).isEqualTo(800);
            assertThat(img.getHeight()).isEqualTo(240);
            // bob has no avatar on the emulator: the default avatar is the accent (blurple) circle
            assertThat(img.getRGB(120, 160) & 0xFFFFFF).isEqualTo(0x5865F2);
        });
        assertThat(rank.embeds()).singleElement().satisfies(embed -> assertThat(embed.toString())
                .contains("attachment://rank.png"));
        RecordedMessage card =
                alice.invokeCommand(general, "stats", Map.of("card", true)).awaitReply(WAIT);
        assertThat(card.attachments()).extracting(a2 -> a2.filename()).containsExactly("rank.png");
    }

    @Test
    void withADashboardUrl_leaderboardAndRankLinkToTheirPages() throws InterruptedException {
        EmulatedGuild guild = emulator.createGuild("Links");
        EmulatedChannel general = guild.createTextChannel("general");
        EmulatedMember alice = guild.addMember("alice", false);
        EmulatedMember bob = guild.addMember("bob", false);
        ManualClock clock = new ManualClock();
        InMemoryStorage storage = new InMemoryStorage();
        bot = TestBot.start(emulator, storage, clock, o -> o.dashboardUrl("https://stats.example.org/vt/"));
        long gid = guild.id();
        long a = alice.user().id();
        long b = bob.user().id();
        bot.tracker.addXp(gid, a, 50);
        bot.tracker.addXp(gid, b, 70);

        RecordedMessage board = alice.invokeCommand(general, "leaderboard", Map.of("metric", "xp", "window", "all"))
                .awaitReply(WAIT);
        assertThat(board.buttonCustomIds()).hasSize(2);
        assertThat(board.linkButtonUrls())
                .containsExactly(
                        "https://stats.example.org/vt/dashboard/guilds/" + gid + "?metric=xp&window=all&me=" + a);

        RecordedMessage rank = bob.invokeCommand(general, "rank", Map.of()).awaitReply(WAIT);
        assertThat(rank.attachments()).hasSize(1);
        assertThat(rank.linkButtonUrls())
                .containsExactly("https://stats.example.org/vt/dashboard/guilds/" + gid + "/members/" + b);

        // A private guild's pages answer 404: the replies offer no link to them, the page buttons stay.
        bot.tracker.updateConfig(
                gid, bot.tracker.config(gid).toBuilder().publicDashboard(false).build());
        clock.advance(java.time.Duration.ofMinutes(1));
        RecordedMessage privateBoard = alice.invokeCommand(
                        general, "leaderboard", Map.of("metric", "xp", "window", "all"))
                .awaitReply(WAIT);
        assertThat(privateBoard.buttonCustomIds()).hasSize(2);
        assertThat(privateBoard.linkButtonUrls()).isEmpty();
        RecordedMessage privateRank =
                bob.invokeCommand(general, "rank", Map.of()).awaitReply(WAIT);
        assertThat(privateRank.attachments()).hasSize(1);
        assertThat(privateRank.linkButtonUrls()).isEmpty();
    }

    @Test
    void aDashboardUrlThatIsNotAnHttpUrl_isRefusedNamingIt() {
        var builder = VoiceTrackJda.builder(VoiceTracker.builder()
                .manualTicks()
                .storage(new InMemoryStorage())
                .build());
        assertThatThrownBy(() -> builder.dashboardUrl("stats.example.org"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'stats.example.org'");
        assertThatThrownBy(() -> builder.dashboardUrl("https://stats.example.org/?x=1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("query");
    }

    @Test
    void leaderboardPageButtons_showTheNextAndPreviousPage() throws InterruptedException {
        EmulatedGuild guild = emulator.createGuild("Pages");
        EmulatedChannel general = guild.createTextChannel("general");
        ManualClock clock = new ManualClock();
        InMemoryStorage storage = new InMemoryStorage();
        bot = TestBot.start(emulator, storage, clock, o -> o);
        EmulatedMember first = null;
        for (int i = 0; i < 12; i++) {
            EmulatedMember m = guild.addMember("member" + i, false);
            bot.tracker.addXp(guild.id(), m.user().id(), 100 - i);
            if (first == null) {
                first = m;
            }
        }

        RecordedMessage page1 =
                first.invokeCommand(general, "leaderboard", Map.of()).awaitReply(WAIT);
        assertThat(Embeds.description(page1).lines())
                .hasSize(10)
                .first()
                .asString()
                .endsWith("— 100 XP");
        long owner = first.user().id();
        assertThat(page1.buttonCustomIds()).containsExactly("vt-lb:xp:all:-1:" + owner, "vt-lb:xp:all:1:" + owner);

        EmulatedMember other = guild.members().stream()
                .filter(m -> m.user().username().equals("member5"))
                .findFirst()
                .orElseThrow();
        RecordedMessage refused =
                other.clickButton(page1, "vt-lb:xp:all:1:" + owner).awaitReply(WAIT);
        assertThat(refused.ephemeral()).isTrue();
        assertThat(refused.content())
                .isEqualTo("❌ Only <@" + owner + "> can page this leaderboard; run /leaderboard for your own.");

        RecordedMessage page2 =
                first.clickButton(page1, "vt-lb:xp:all:1:" + owner).awaitReply(WAIT);
        assertThat(page2.id()).isEqualTo(page1.id());
        assertThat(page2.buttonCustomIds()).containsExactly("vt-lb:xp:all:0:" + owner, "vt-lb:xp:all:2:" + owner);
        assertThat(Embeds.description(page2).lines())
                .containsExactly(
                        "**11.** <@"
                                + guild.members().stream()
                                        .filter(m -> m.user().username().equals("member10"))
                                        .findFirst()
                                        .orElseThrow()
                                        .user()
                                        .id()
                                + "> — 90 XP",
                        "**12.** <@"
                                + guild.members().stream()
                                        .filter(m -> m.user().username().equals("member11"))
                                        .findFirst()
                                        .orElseThrow()
                                        .user()
                                        .id()
                                + "> — 89 XP",
                        "…",
                        "**1.** <@" + owner + "> — 100 XP");

        // a leaderboard posted before the invoker was part of the button ids: Discord still says who ran it
        clock.advance(Duration.ofMinutes(1)); // past the per-user command rate limit
        bot.jda
                .getTextChannelById(general.id())
                .editMessageComponentsById(page1.id(), ActionRow.of(Button.secondary("vt-lb:xp:all:1", "Next ▶")))
                .complete();
        RecordedMessage legacy = general.awaitBotMessage(
                m -> m.id() == page1.id() && m.buttonCustomIds().equals(List.of("vt-lb:xp:all:1")), WAIT);
        RecordedMessage legacyRefused =
                other.clickButton(legacy, "vt-lb:xp:all:1").awaitReply(WAIT);
        assertThat(legacyRefused.ephemeral()).isTrue();
        assertThat(legacyRefused.content())
                .isEqualTo("❌ Only <@" + owner + "> can page this leaderboard; run /leaderboard for your own.");
        RecordedMessage legacyPaged =
                first.clickButton(legacy, "vt-lb:xp:all:1").awaitReply(WAIT);
        assertThat(legacyPaged.buttonCustomIds()).containsExactly("vt-lb:xp:all:0:" + owner, "vt-lb:xp:all:2:" + owner);
    }

    @Test
    void botRestartWhileMembersStayInVoice_sessionsContinue_nothingDoubleCounted() throws InterruptedException {
        EmulatedGuild guild = emulator.createGuild("Restart");
        EmulatedChannel lounge = guild.createVoiceChannel("Lounge");
        EmulatedMember carol = guild.addMember("carol", false);
        EmulatedMember dave = guild.addMember("dave", false);
        long gid = guild.id();
        ManualClock clock = new ManualClock();
        InMemoryStorage storage = new InMemoryStorage();
        bot = TestBot.start(emulator, storage, clock, o -> o);

        long n = bot.installation.eventsEnqueued();
        carol.joinVoice(lounge);
        dave.joinVoice(lounge);
        bot.awaitEnqueued(n, 2);
        clock.advance(Duration.ofSeconds(100));
        bot.tracker.tickNow();
        String carolSession = storage.openSessions().stream()
                .filter(s -> s.userId() == carol.user().id())
                .findFirst()
                .orElseThrow()
                .id();

        clock.advance(Duration.ofSeconds(20));
        bot.close(); // its last tick records the 20 s; the open sessions stay open in storage
        bot = null;
        clock.advance(Duration.ofMinutes(5)); // the bot is down: this time is unknown and not credited

        bot = TestBot.start(emulator, storage, clock, o -> o); // members are still in voice
        clock.advance(Duration.ofSeconds(60));
        bot.tracker.tickNow();

        MemberStats cs = storage.member(gid, carol.user().id()).orElseThrow();
        assertThat(cs.voiceTimeMs()).isEqualTo(180_000);
        assertThat(cs.sessions()).isEqualTo(1);
        assertThat(storage.member(gid, dave.user().id()).orElseThrow().voiceTimeMs())
                .isEqualTo(180_000);
        assertThat(storage.openSessions())
                .filteredOn(s -> s.guildId() == gid)
                .hasSize(2)
                .anySatisfy(s -> assertThat(s.id()).isEqualTo(carolSession));
        // a reconciliation on top (as on a resume) changes nothing
        long before = bot.installation.reconciliations();
        bot.tracker.reconcile();
        bot.tracker.tickNow();
        assertThat(bot.installation.reconciliations()).isGreaterThanOrEqualTo(before);
        assertThat(storage.member(gid, carol.user().id()).orElseThrow().sessions())
                .isEqualTo(1);
    }

    @Test
    void gatewayDisconnectAndResume_losesNoAccrual() throws InterruptedException {
        EmulatedGuild guild = emulator.createGuild("Outage");
        EmulatedChannel lounge = guild.createVoiceChannel("Lounge");
        EmulatedChannel quiet = guild.createVoiceChannel("Quiet");
        EmulatedMember erin = guild.addMember("erin", false);
        EmulatedMember frank = guild.addMember("frank", false);
        long gid = guild.id();
        ManualClock clock = new ManualClock();
        InMemoryStorage storage = new InMemoryStorage();
        bot = TestBot.start(emulator, storage, clock, o -> o);

        long n = bot.installation.eventsEnqueued();
        erin.joinVoice(lounge);
        frank.joinVoice(lounge);
        bot.awaitEnqueued(n, 2);
        clock.advance(Duration.ofSeconds(60));
        bot.tracker.tickNow();

        long reconciled = bot.installation.reconciliations();
        n = bot.installation.eventsEnqueued();
        Outage outage = emulator.beginOutage(true);
        try {
            frank.moveTo(quiet); // happens while the bot is away: replayed on RESUME
        } finally {
            outage.end();
        }
        bot.awaitEnqueued(n, 1);
        bot.await("reconciliation after resume", () -> bot.installation.reconciliations() > reconciled);
        clock.advance(Duration.ofSeconds(60));
        bot.tracker.tickNow();

        // a disconnect that drops the session: JDA identifies again and the adapter reconciles
        long reconciled2 = bot.installation.reconciliations();
        emulator.disconnect(false);
        bot.await("reconciliation after re-identify", () -> bot.installation.reconciliations() > reconciled2);
        clock.advance(Duration.ofSeconds(60));
        bot.tracker.tickNow();

        assertThat(storage.member(gid, erin.user().id()).orElseThrow().voiceTimeMs())
                .isEqualTo(180_000);
        MemberStats fs = storage.member(gid, frank.user().id()).orElseThrow();
        assertThat(fs.voiceTimeMs()).isEqualTo(180_000);
        assertThat(fs.channel(quiet.id()).orElseThrow().voiceTimeMs()).isEqualTo(120_000);
        assertThat(fs.sessions()).isEqualTo(2);
        assertThat(storage.member(gid, erin.user().id()).orElseThrow().sessions())
                .isEqualTo(1);
        assertThat(emulator.gatewayStats().resumes()).isGreaterThanOrEqualTo(1);
    }
}
