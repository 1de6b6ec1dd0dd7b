package dev.voicetrack.jda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voicetrack.cache.Cache;
import dev.voicetrack.cache.CacheConfig;
import dev.voicetrack.cache.InProcessCache;
import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.VoiceTrackerBuilder;
import dev.voicetrack.core.storage.StorageMaintenance;
import dev.voicetrack.emulator.DiscordEmulator;
import dev.voicetrack.emulator.EmulatedChannel;
import dev.voicetrack.emulator.EmulatedGuild;
import dev.voicetrack.emulator.EmulatedInteraction;
import dev.voicetrack.emulator.EmulatedMember;
import dev.voicetrack.emulator.InteractionResponse;
import dev.voicetrack.emulator.RecordedMessage;
import dev.voicetrack.testkit.ManualClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import net.dv8tion.jda.api.Permission;
import net.dv8tion.jda.api.interactions.components.buttons.Button;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 24, "Error paths of the slash commands": every way a command can go wrong, through real JDA and the
 * emulator, ends in one clear ephemeral answer (never silence, never a stack trace), and bad input writes nothing.
 * Each test has its own emulator, guild, storage and bot; no state is shared between tests.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SlashCommandErrorPathsIT {
    private static final Duration WAIT = TestBot.WAIT;

    private DiscordEmulator emulator;
    private EmulatedGuild guild;
    private EmulatedChannel general;
    private EmulatedChannel lounge;
    private EmulatedMember admin;
    private EmulatedMember member;
    private ManualClock clock;
    private FaultyStorage faulty;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeEach
    void start() {
        emulator = DiscordEmulator.start();
        guild = emulator.createGuild("Errors");
        general = guild.createTextChannel("general");
        lounge = guild.createVoiceChannel("Lounge");
        admin = guild.addMember("admin", false);
        admin.addRole(guild.createRole("Admins", Permission.ADMINISTRATOR.getRawValue()));
        member = guild.addMember("member", false);
        clock = new ManualClock();
        faulty = new FaultyStorage();
    }

    @AfterEach
    void stop() throws Exception {
        faulty.release();
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        emulator.close();
    }

    private TestBot bot(UnaryOperator<VoiceTrackJdaBuilder> options) throws InterruptedException {
        return bot(UnaryOperator.identity(), options);
    }

    private TestBot bot(UnaryOperator<VoiceTrackerBuilder> trackerOptions, UnaryOperator<VoiceTrackJdaBuilder> options)
            throws InterruptedException {
        TestBot bot = TestBot.start(emulator, faulty.storage, clock, trackerOptions, options);
        closeables.add(bot);
        return bot;
    }

    /** Runs a command as the admin in a fresh rate-limit window and returns the answer. */
    private RecordedMessage run(EmulatedMember who, String command, Map<String, ?> options) {
        clock.advance(Duration.ofMinutes(1));
        return who.invokeCommand(general, command, options).awaitReply(WAIT);
    }

    private static void assertError(RecordedMessage answer, String expected) {
        assertThat(answer.ephemeral()).as("ephemeral: " + answer.content()).isTrue();
        assertThat(answer.content()).isEqualTo(expected);
    }

    // ---- /config set: numbers ----

    @Test
    void configSet_hugeNegativeAndNonNumericNumbers_areRefusedNamingOptionAndValue_andNothingIsWritten()
            throws InterruptedException {
        TestBot bot = bot(o -> o);
        GuildConfig before = bot.tracker.config(guild.id());
        Map<List<String>, String> cases = new java.util.LinkedHashMap<>();
        cases.put(
                List.of("minUsersToTrack", "99999999999"),
                "❌ minUsersToTrack must be a whole number up to 2147483647, was '99999999999'");
        cases.put(List.of("maxUsersToTrack", "-3"), "❌ maxUsersToTrack must be >= 0, was -3");
        cases.put(
                List.of("minUsersToTrack", "two"),
                "❌ minUsersToTrack must be a whole number up to 2147483647, was 'two'");
        cases.put(
                List.of("messageXp", "99999999999999999999"),
                "❌ messageXp must be a whole number, was '99999999999999999999'");
        cases.put(List.of("messageXp", "-1"), "❌ messageXp must be >= 0, was -1");
        cases.put(List.of("messageXp", "1.5"), "❌ messageXp must be a whole number, was '1.5'");
        cases.put(List.of("messageXpCooldownSeconds", "-5"), "❌ messageXpCooldownSeconds must be >= 0, was -5");
        cases.put(
                List.of("messageXpCooldownSeconds", "9223372036854775807"),
                "❌ messageXpCooldownSeconds must be at most 31536000 (one year), was 9223372036854775807");
        cases.put(List.of("xpConfig.baseAmount", "1e3"), "❌ xpConfig.baseAmount must be a whole number, was '1e3'");
        cases.put(List.of("xpPerCheck", "-10"), "❌ xpPerCheck must be >= 0, was -10");
        cases.put(
                List.of("xpConfig.boosterMultiplier", "NaN"),
                "❌ xpConfig.boosterMultiplier must be a finite number such as 1.5, was 'NaN'");
        cases.put(
                List.of("xpConfig.boosterMultiplier", "1e999"),
                "❌ xpConfig.boosterMultiplier must be a finite number such as 1.5, was '1e999'");
        cases.put(
                List.of("voiceTimeConfig.multiplier", "lots"),
                "❌ voiceTimeConfig.multiplier must be a number such as 1.5, was 'lots'");
        List<String> wrong = new ArrayList<>();
        for (var e : cases.entrySet()) {
            RecordedMessage answer = run(
                    admin,
                    "config set",
                    Map.of("option", e.getKey().get(0), "value", e.getKey().get(1)));
            if (!answer.ephemeral() || !answer.content().equals(e.getValue())) {
                wrong.add(e.getKey() + " answered '" + answer.content() + "' (ephemeral " + answer.ephemeral() + ")");
            }
        }
        assertThat(wrong).isEmpty();
        assertThat(bot.tracker.config(guild.id())).isEqualTo(before);
        assertThat(faulty.real.guildConfig(guild.id())).isEmpty();
    }

    @Test
    void configSet_hugeValue_isStillAnswered_withTheEchoCutToOneDiscordMessage() throws InterruptedException {
        TestBot bot = bot(o -> o);
        GuildConfig before = bot.tracker.config(guild.id());
        String huge = "y".repeat(5000); // Discord allows 6,000 characters in a string option
        RecordedMessage answer = run(admin, "config set", Map.of("option", "trackBots", "value", huge));
        assertThat(answer.ephemeral()).isTrue();
        assertThat(answer.content())
                .startsWith("❌ trackBots must be true or false, was 'yyyy")
                .endsWith("…")
                .hasSizeLessThanOrEqualTo(2000);
        RecordedMessage option = run(admin, "config set", Map.of("option", huge, "value", "1"));
        assertThat(option.ephemeral()).isTrue();
        assertThat(option.content()).startsWith("❌ option must be one of ").hasSizeLessThanOrEqualTo(2000);
        assertThat(bot.tracker.config(guild.id())).isEqualTo(before);
    }

    // ---- /config set timeZone ----

    @Test
    void configSet_invalidTimeZone_isRefusedNamingTheValue() throws InterruptedException {
        TestBot bot = bot(o -> o);
        for (String zone : List.of("Mars/Olympus_Mons", "+99:00", "utc+2")) {
            RecordedMessage answer = run(admin, "config set", Map.of("option", "timeZone", "value", zone));
            assertError(answer, "❌ timeZone must be a zone id such as Europe/Paris or UTC, was '" + zone + "'");
        }
        assertThat(bot.tracker.config(guild.id()).timeZone())
                .isEqualTo(GuildConfig.defaults().timeZone());
        assertThat(faulty.real.guildConfig(guild.id())).isEmpty();
    }

    // ---- /config levelup ----

    @Test
    void configLevelUp_channelModeWithoutChannel_isRefused() throws InterruptedException {
        bot(o -> o);
        RecordedMessage answer = run(admin, "config levelup", Map.of("mode", "channel"));
        assertError(answer, "❌ channel is required for mode channel, was not given");
        RecordedMessage show = run(admin, "config show", Map.of());
        assertThat(show.content()).contains("mode: off");
    }

    @Test
    void configLevelUp_channelModeWithAVoiceChannel_isRefusedNamingTheChannel() throws InterruptedException {
        bot(o -> o);
        RecordedMessage answer = run(admin, "config levelup", Map.of("mode", "channel", "channel", lounge));
        assertError(answer, "❌ channel must be a text channel, was Lounge (VOICE)");
        assertThat(run(admin, "config show", Map.of()).content()).contains("mode: off");
    }

    // ---- /cache-clear ----

    @Test
    void cacheClear_withNeitherOption_isRefusedAndClearsNothing() throws InterruptedException {
        Cache<Object> cache =
                InProcessCache.create(CacheConfig.builder().name("errors").build());
        closeables.add(cache);
        bot(o -> o.cache(cache));
        cache.put("user:1:2", "x");
        assertError(run(admin, "cache-clear", Map.of()), "❌ Give a pattern (all = everything) or a tag.");
        assertThat(cache.contains("user:1:2")).isTrue();
    }

    @Test
    void cacheClear_withBothOptions_isRefusedAndClearsNothing() throws InterruptedException {
        Cache<Object> cache =
                InProcessCache.create(CacheConfig.builder().name("errors").build());
        closeables.add(cache);
        bot(o -> o.cache(cache));
        cache.put("user:1:2", "x", dev.voicetrack.cache.WriteOptions.tags("guild:1"));
        assertError(
                run(admin, "cache-clear", Map.of("pattern", "all", "tag", "guild:1")),
                "❌ Give a pattern or a tag, not both.");
        assertThat(cache.contains("user:1:2")).isTrue();
    }

    // ---- /leaderboard ----

    /**
     * Discord refuses an option value outside the command's declared choices before the bot sees it, and so
     * does the emulator; such values reach the handler only through forged button ids (the next test).
     */
    @Test
    void leaderboard_valuesOutsideTheDeclaredChoices_neverReachTheBot_asOnDiscord() throws InterruptedException {
        bot(o -> o);
        assertThatThrownBy(() -> member.invokeCommand(general, "leaderboard", Map.of("metric", "karma")))
                .isInstanceOf(dev.voicetrack.emulator.EmulatorException.class)
                .hasMessageContaining("metric")
                .hasMessageContaining("karma");
        for (String window : List.of("fortnight", "-3d", "0d", "99999999999d")) {
            assertThatThrownBy(() -> member.invokeCommand(general, "leaderboard", Map.of("window", window)))
                    .as(window)
                    .isInstanceOf(dev.voicetrack.emulator.EmulatorException.class)
                    .hasMessageContaining(window);
        }
    }

    // ---- leaderboard buttons ----

    @Test
    void leaderboardButton_forgedIds_areAnsweredWithAnEphemeralErrorAndTheMessageIsLeftAlone()
            throws InterruptedException {
        TestBot bot = bot(o -> o);
        bot.tracker.addXp(guild.id(), member.user().id(), 100);
        Map<String, String> forged = new java.util.LinkedHashMap<>();
        forged.put("vt-lb:karma:all:0", "❌ metric must be one of xp, voiceTime, level, messages, was 'karma'");
        forged.put("vt-lb:xp:forever:0", "❌ window must be all, week, month or <N>d (last N days), was 'forever'");
        forged.put("vt-lb:xp:all:-1", "❌ page must be >= 0, was -1");
        forged.put("vt-lb:xp:all:next", "❌ page must be a number, was 'next'");
        forged.put("vt-lb:xp:all:999999999", "❌ page must be at most 100000, was 999999999");
        forged.put("vt-lb:xp:all", "❌ This button is not one of VoiceTrack's, was 'vt-lb:xp:all'");
        forged.put("vt-lb:level:7d:0", "❌ The level leaderboard is all-time only, was window 7d");
        List<Button> buttons = forged.keySet().stream()
                .map(id -> Button.secondary(id, "forged " + id.hashCode()))
                .toList();
        // a message carrying the forged ids, as a modified client could send them
        var channel = bot.jda.getTextChannelById(general.id());
        var builder = channel.sendMessage("forged buttons");
        for (int i = 0; i < buttons.size(); i += 5) {
            builder.addActionRow(buttons.subList(i, Math.min(i + 5, buttons.size())));
        }
        builder.complete();
        RecordedMessage message = general.awaitBotMessage(m -> m.content().equals("forged buttons"), WAIT);
        List<String> wrong = new ArrayList<>();
        for (var e : forged.entrySet()) {
            clock.advance(Duration.ofMinutes(1));
            EmulatedInteraction click = member.clickButton(message, e.getKey());
            RecordedMessage answer = click.awaitReply(WAIT);
            if (!answer.ephemeral() || !answer.content().equals(e.getValue())) {
                wrong.add(e.getKey() + " answered '" + answer.content() + "' (ephemeral " + answer.ephemeral() + ")");
            }
            assertThat(click.responses())
                    .extracting(InteractionResponse::callbackType)
                    .doesNotContain(7); // never an edit of the message the button is on
        }
        assertThat(wrong).isEmpty();
        assertThat(general.botMessages())
                .filteredOn(m -> m.id() == message.id())
                .singleElement()
                .extracting(RecordedMessage::content)
                .isEqualTo("forged buttons");
    }

    // ---- time-outs ----

    @Test
    void handlerTimeout_ofABlockingStorageRead_isAnsweredWithTookTooLong() throws InterruptedException {
        bot(o -> o.commandTimeout(Duration.ofMillis(300)).deferAfter(Duration.ZERO));
        faulty.block("member");
        clock.advance(Duration.ofMinutes(1));
        RecordedMessage answer = member.invokeCommand(general, "stats", Map.of())
                .awaitResponse(r -> r.showsMessage(), WAIT)
                .message();
        assertError(answer, "❌ That took too long and was given up; try again later.");
    }

    @Test
    void handlerTimeout_ofStorageMaintenanceThatNeverAnswers_isAnsweredWithTookTooLong() throws InterruptedException {
        CompletableFuture<Void> never = new CompletableFuture<>();
        StorageMaintenance hanging = () -> {
            never.join();
            return new StorageMaintenance.MaintenanceStats("hanging", 0, 0, 0, -1, "");
        };
        bot(o -> o.storageMaintenance(hanging).commandTimeout(Duration.ofMillis(300)));
        closeables.add(() -> never.complete(null)); // frees the maintenance thread before the bot closes
        assertError(run(admin, "dbstats", Map.of()), "❌ That took too long and was given up; try again later.");
    }

    // ---- storage errors ----

    @Test
    void storageError_onARead_isAnsweredWithStorageNotAnswering() throws InterruptedException {
        bot(o -> o);
        faulty.fail("member", "rank", "leaderboard");
        for (String command : List.of("stats", "rank", "leaderboard")) {
            assertError(run(member, command, Map.of()), "❌ The storage is not answering right now; try again later.");
        }
    }

    @Test
    void storageError_onAReadThroughTheTrackersCache_isAnsweredWithStorageNotAnswering() throws InterruptedException {
        Cache<Object> cache =
                InProcessCache.create(CacheConfig.builder().name("reads").build());
        closeables.add(cache);
        bot(t -> t.cache(cache), o -> o);
        faulty.fail("member", "rank", "leaderboard");
        for (String command : List.of("stats", "rank", "leaderboard")) {
            assertError(run(member, command, Map.of()), "❌ The storage is not answering right now; try again later.");
        }
    }

    @Test
    void storageError_onConfigSet_isAnsweredAndTheConfigIsUnchanged() throws InterruptedException {
        TestBot bot = bot(o -> o);
        GuildConfig before = bot.tracker.config(guild.id());
        faulty.fail("saveGuildConfig");
        assertError(
                run(admin, "config set", Map.of("option", "minUsersToTrack", "value", "3")),
                "❌ The storage is not answering right now; try again later.");
        assertThat(bot.tracker.config(guild.id())).isEqualTo(before);
    }

    // ---- a full executor ----

    @Test
    void fullExecutor_isAnsweredWithBusy_forQuickAndForDeferredCommands() throws InterruptedException {
        ThreadPoolExecutor one = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new SynchronousQueue<>());
        closeables.add(one::shutdownNow);
        CountDownLatch hold = new CountDownLatch(1);
        closeables.add(hold::countDown);
        bot(o -> o.commandExecutor(one));
        CountDownLatch running = new CountDownLatch(1);
        one.execute(() -> {
            running.countDown();
            try {
                hold.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        running.await(); // the only worker is taken, and there is no queue
        assertError(run(member, "rank", Map.of()), "❌ VoiceTrack is busy right now; try again in a few seconds.");
        // /dbstats is deferred before it is handed to the executor: the error replaces the deferral
        assertError(run(admin, "dbstats", Map.of()), "❌ VoiceTrack is busy right now; try again in a few seconds.");
        hold.countDown();
    }

    // ---- REST failures when answering ----

    @Test
    void restFailure_whenTheDeferredMessageIsGone_theAnswerIsSentAsAFollowUp() throws Exception {
        TestBot bot = bot(o -> o.deferAfter(Duration.ZERO));
        bot.tracker.addXp(guild.id(), member.user().id(), 100);
        faulty.block("member");
        clock.advance(Duration.ofMinutes(1));
        EmulatedInteraction stats = member.invokeCommand(general, "stats", Map.of());
        assertThat(stats.awaitResponse(WAIT).callbackType()).isEqualTo(5);
        faulty.awaitBlocked();
        // the "thinking..." message is deleted before the answer comes (the user dismissed it)
        HttpResponse<String> deleted = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(emulator.httpBaseUrl() + "webhooks/"
                                        + emulator.applicationId() + "/" + stats.token() + "/messages/@original"))
                                .DELETE()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(deleted.statusCode()).isEqualTo(204);
        faulty.release();
        InteractionResponse followUp = stats.awaitResponse(r -> r.kind() == InteractionResponse.Kind.FOLLOW_UP, WAIT);
        assertThat(Embeds.title(followUp.message())).isEqualTo("Voice stats for member");
    }

    @Test
    void restFailure_whenAnErrorCannotReplaceTheDeferral_itIsSentAsAnEphemeralFollowUp() throws Exception {
        bot(o -> o.deferAfter(Duration.ZERO));
        faulty.block("member");
        clock.advance(Duration.ofMinutes(1));
        EmulatedInteraction stats = member.invokeCommand(general, "stats", Map.of());
        assertThat(stats.awaitResponse(WAIT).callbackType()).isEqualTo(5);
        faulty.awaitBlocked();
        faulty.fail("member");
        HttpResponse<String> deleted = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(emulator.httpBaseUrl() + "webhooks/"
                                        + emulator.applicationId() + "/" + stats.token() + "/messages/@original"))
                                .DELETE()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(deleted.statusCode()).isEqualTo(204);
        faulty.release();
        InteractionResponse followUp = stats.awaitResponse(r -> r.kind() == InteractionResponse.Kind.FOLLOW_UP, WAIT);
        assertError(followUp.message(), "❌ The storage is not answering right now; try again later.");
        assertThat(stats.responses())
                .filteredOn(r -> r.kind() == InteractionResponse.Kind.FOLLOW_UP)
                .hasSize(1);
    }

    @Test
    void restFailure_whenAnotherListenerAnsweredFirst_theAnswerIsSentAsAFollowUp() throws Exception {
        TestBot bot = bot(o -> o.deferAfter(VoiceTrackJdaBuilder.MAX_DEFER_AFTER));
        bot.tracker.addXp(guild.id(), member.user().id(), 100);
        faulty.block("member");
        // another listener of the same application answers /stats first (on the event thread, after VoiceTrack
        // handed the work to its executor)
        CountDownLatch answeredFirst = new CountDownLatch(1);
        bot.jda.addEventListener((net.dv8tion.jda.api.hooks.EventListener) event -> {
            if (event instanceof net.dv8tion.jda.api.events.interaction.command.SlashCommandInteractionEvent e
                    && e.getName().equals("stats")) {
                e.reply("someone else was quicker").complete();
                answeredFirst.countDown();
            }
        });
        clock.advance(Duration.ofMinutes(1));
        EmulatedInteraction stats = member.invokeCommand(general, "stats", Map.of());
        answeredFirst.await();
        faulty.release();
        InteractionResponse followUp = stats.awaitResponse(r -> r.kind() == InteractionResponse.Kind.FOLLOW_UP, WAIT);
        assertThat(Embeds.title(followUp.message())).isEqualTo("Voice stats for member");
        assertThat(stats.responses().get(0).message().content()).isEqualTo("someone else was quicker");
    }

    @Test
    void rejectedExecution_fromAnExecutorThatRefusesEverything_isAnsweredBusy() throws InterruptedException {
        bot(o -> o.commandExecutor(r -> {
            throw new RejectedExecutionException("shut down");
        }));
        assertError(run(member, "stats", Map.of()), "❌ VoiceTrack is busy right now; try again in a few seconds.");
    }
}
