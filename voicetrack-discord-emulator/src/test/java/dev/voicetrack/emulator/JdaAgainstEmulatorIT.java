package dev.voicetrack.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.Permission;
import net.dv8tion.jda.api.entities.Guild;
import net.dv8tion.jda.api.entities.Member;
import net.dv8tion.jda.api.entities.channel.concrete.TextChannel;
import net.dv8tion.jda.api.events.guild.member.GuildMemberJoinEvent;
import net.dv8tion.jda.api.events.guild.member.update.GuildMemberUpdateBoostTimeEvent;
import net.dv8tion.jda.api.events.guild.voice.GuildVoiceSelfMuteEvent;
import net.dv8tion.jda.api.events.guild.voice.GuildVoiceUpdateEvent;
import net.dv8tion.jda.api.events.interaction.command.SlashCommandInteractionEvent;
import net.dv8tion.jda.api.events.interaction.component.ButtonInteractionEvent;
import net.dv8tion.jda.api.events.message.MessageReceivedEvent;
import net.dv8tion.jda.api.events.session.SessionResumeEvent;
import net.dv8tion.jda.api.hooks.ListenerAdapter;
import net.dv8tion.jda.api.interactions.InteractionContextType;
import net.dv8tion.jda.api.interactions.commands.DefaultMemberPermissions;
import net.dv8tion.jda.api.interactions.commands.OptionMapping;
import net.dv8tion.jda.api.interactions.commands.OptionType;
import net.dv8tion.jda.api.interactions.commands.build.Commands;
import net.dv8tion.jda.api.interactions.components.buttons.Button;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Real JDA 5 against the emulator: login, READY and GUILD_CREATE, voice and message events, command registration,
 * slash commands with immediate, ephemeral and deferred replies, buttons, and a resumed session that loses nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JdaAgainstEmulatorIT {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final long MANAGE_SERVER = Permission.MANAGE_SERVER.getRawValue();

    private DiscordEmulator emulator;
    private EmulatedGuild guild;
    private EmulatedChannel general;
    private EmulatedChannel lounge;
    private EmulatedChannel quiet;
    private EmulatedRole moderator;
    private EmulatedMember alice;
    private EmulatedMember bob;
    private final EventRecorder events = new EventRecorder();
    private JDA jda;

    @BeforeAll
    void startEmulatorAndConnectJda() throws InterruptedException {
        emulator = DiscordEmulator.start();
        guild = emulator.createGuild("Emulated guild");
        general = guild.createTextChannel("general");
        lounge = guild.createVoiceChannel("Lounge");
        quiet = guild.createVoiceChannel("Quiet");
        moderator = guild.createRole("Moderator", MANAGE_SERVER);
        alice = guild.addMember("alice", false);
        alice.joinVoice(lounge);
        alice.setSelfMute(true);
        bob = guild.addMember("bob", false);
        bob.addRole(moderator);
        bob.setBoosting(true);

        jda = JdaHarness.connect(emulator, events, new TestBot());
        jda.updateCommands()
                .addCommands(
                        Commands.slash("stats", "Show voice stats")
                                .addOption(OptionType.USER, "user", "whose stats", false)
                                .addOption(OptionType.INTEGER, "days", "window in days", false),
                        Commands.slash("rank", "Recompute ranks")
                                .setDefaultPermissions(DefaultMemberPermissions.enabledFor(Permission.MANAGE_SERVER)),
                        Commands.slash("panel", "A panel with a button").setContexts(InteractionContextType.GUILD),
                        Commands.slash("help", "Help, also in DMs")
                                .setContexts(InteractionContextType.GUILD, InteractionContextType.BOT_DM))
                .complete();
    }

    @AfterAll
    void shutDown() throws InterruptedException {
        if (jda != null) {
            jda.shutdownNow();
            jda.awaitShutdown(Duration.ofSeconds(10));
        }
        if (emulator != null) {
            emulator.close();
        }
    }

    /** The bot under test: answers the commands the way a VoiceTrack bot would. */
    private static final class TestBot extends ListenerAdapter {
        @Override
        public void onSlashCommandInteraction(SlashCommandInteractionEvent event) {
            switch (event.getName()) {
                case "stats" -> {
                    OptionMapping user = event.getOption("user");
                    String who = user == null
                            ? event.getUser().getName()
                            : user.getAsUser().getName();
                    long days = event.getOption("days", 7L, OptionMapping::getAsLong);
                    event.reply("stats for " + who + " over " + days + " days")
                            .setEphemeral(true)
                            .queue();
                }
                case "rank" -> event.deferReply().queue(hook -> hook.editOriginal(
                                "rank recomputed by " + event.getUser().getName())
                        .queue());
                case "panel" -> event.reply("panel v1")
                        .addActionRow(Button.primary("refresh", "Refresh"))
                        .queue();
                case "help" -> event.reply("help " + (event.isFromGuild() ? "in guild" : "in DM"))
                        .queue();
                default -> event.reply("unknown").queue();
            }
        }

        @Override
        public void onButtonInteraction(ButtonInteractionEvent event) {
            if (event.getComponentId().equals("refresh")) {
                event.editMessage("panel v2 by " + event.getUser().getName()).queue();
            }
        }
    }

    @Test
    void login_deliversGuildWithChannelsMembersRolesBoostsAndVoiceStates() {
        assertThat(jda.getSelfUser().getIdLong()).isEqualTo(emulator.botUser().id());
        assertThat(jda.getSelfUser().getApplicationIdLong()).isEqualTo(emulator.applicationId());
        Guild jdaGuild = jda.getGuildById(guild.id());
        assertThat(jdaGuild).isNotNull();
        assertThat(jdaGuild.getName()).isEqualTo("Emulated guild");
        assertThat(jdaGuild.getTextChannelById(general.id()).getName()).isEqualTo("general");
        assertThat(jdaGuild.getVoiceChannelById(lounge.id()).getName()).isEqualTo("Lounge");

        Member jdaAlice = jdaGuild.getMemberById(alice.user().id());
        assertThat(jdaAlice).isNotNull();
        assertThat(jdaAlice.getUser().getName()).isEqualTo("alice");
        assertThat(jdaAlice.getVoiceState().getChannel().getIdLong()).isEqualTo(lounge.id());
        assertThat(jdaAlice.getVoiceState().isSelfMuted()).isTrue();

        Member jdaBob = jdaGuild.getMemberById(bob.user().id());
        assertThat(jdaBob.getRoles()).extracting(r -> r.getIdLong()).containsExactly(moderator.id());
        assertThat(jdaBob.hasPermission(Permission.MANAGE_SERVER)).isTrue();
        assertThat(jdaBob.getTimeBoosted()).isNotNull();
        assertThat(jdaGuild.getSelfMember().hasPermission(Permission.ADMINISTRATOR))
                .isTrue();
    }

    @Test
    void scriptedVoiceMoves_reachGuildVoiceUpdateEvents() throws InterruptedException {
        EmulatedMember carol = guild.addMember("carol", false);
        long carolId = carol.user().id();

        carol.joinVoice(lounge);
        GuildVoiceUpdateEvent joined =
                events.await(GuildVoiceUpdateEvent.class, e -> e.getMember().getIdLong() == carolId, WAIT);
        assertThat(joined.getChannelLeft()).isNull();
        assertThat(joined.getChannelJoined().getIdLong()).isEqualTo(lounge.id());

        carol.moveTo(quiet);
        GuildVoiceUpdateEvent moved = events.await(
                GuildVoiceUpdateEvent.class,
                e -> e.getMember().getIdLong() == carolId && e.getChannelLeft() != null && e.getChannelJoined() != null,
                WAIT);
        assertThat(moved.getChannelLeft().getIdLong()).isEqualTo(lounge.id());
        assertThat(moved.getChannelJoined().getIdLong()).isEqualTo(quiet.id());

        carol.setSelfMute(true);
        GuildVoiceSelfMuteEvent muted =
                events.await(GuildVoiceSelfMuteEvent.class, e -> e.getMember().getIdLong() == carolId, WAIT);
        assertThat(muted.isSelfMuted()).isTrue();

        carol.leaveVoice();
        GuildVoiceUpdateEvent left = events.await(
                GuildVoiceUpdateEvent.class,
                e -> e.getMember().getIdLong() == carolId && e.getChannelJoined() == null,
                WAIT);
        assertThat(left.getChannelLeft().getIdLong()).isEqualTo(quiet.id());
        assertThat(jda.getGuildById(guild.id())
                        .getMemberById(carolId)
                        .getVoiceState()
                        .inAudioChannel())
                .isFalse();
    }

    @Test
    void boostAndRoleChanges_reachGuildMemberUpdateEvents() throws InterruptedException {
        EmulatedMember dan = guild.addMember("dan", false);
        dan.setBoosting(true);
        GuildMemberUpdateBoostTimeEvent boost = events.await(
                GuildMemberUpdateBoostTimeEvent.class,
                e -> e.getMember().getIdLong() == dan.user().id(),
                WAIT);
        assertThat(boost.getNewTimeBoosted()).isNotNull();

        dan.addRole(moderator);
        events.await(
                net.dv8tion.jda.api.events.guild.member.GuildMemberRoleAddEvent.class,
                e -> e.getMember().getIdLong() == dan.user().id(),
                WAIT);
        assertThat(jda.getGuildById(guild.id()).getMemberById(dan.user().id()).getRoles())
                .extracting(r -> r.getIdLong())
                .containsExactly(moderator.id());
    }

    @Test
    void systemChannelAndOwner_reachJda_andASystemChannelSetLater_arrivesAsGuildUpdate() throws InterruptedException {
        EmulatedGuild other = emulator.createGuild("Other guild");
        EmulatedChannel welcome = other.createTextChannel("welcome");
        events.await(
                net.dv8tion.jda.api.events.guild.GuildJoinEvent.class,
                e -> e.getGuild().getIdLong() == other.id(),
                WAIT);
        net.dv8tion.jda.api.entities.Guild seen = jda.getGuildById(other.id());
        assertThat(seen.getSystemChannel()).isNull();
        assertThat(seen.getOwnerIdLong()).isEqualTo(other.owner().id());
        assertThat(other.owner().id()).isNotEqualTo(emulator.botUser().id());

        other.setSystemChannel(welcome);
        events.await(
                net.dv8tion.jda.api.events.guild.update.GuildUpdateSystemChannelEvent.class,
                e -> e.getGuild().getIdLong() == other.id(),
                WAIT);
        assertThat(jda.getGuildById(other.id()).getSystemChannel().getIdLong()).isEqualTo(welcome.id());

        EmulatedChannel voice = other.createVoiceChannel("voice");
        assertThatThrownBy(() -> other.setSystemChannel(voice))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("channel must be a text channel of Other guild, was voice");
        assertThatThrownBy(() -> other.setSystemChannel(general))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("channel must be a text channel of Other guild, was general");
    }

    @Test
    void scriptedMessage_reachesMessageReceivedEvent() throws InterruptedException {
        RecordedMessage sent = alice.sendMessage(general, "hello from alice");
        MessageReceivedEvent received =
                events.await(MessageReceivedEvent.class, e -> e.getMessageIdLong() == sent.id(), WAIT);
        assertThat(received.getMessage().getContentRaw()).isEqualTo("hello from alice");
        assertThat(received.getAuthor().getIdLong()).isEqualTo(alice.user().id());
        assertThat(received.getChannel().getIdLong()).isEqualTo(general.id());
        assertThat(received.isFromGuild()).isTrue();
    }

    @Test
    void directMessage_reachesMessageReceivedEventOutsideGuild() throws InterruptedException {
        RecordedMessage sent = bob.user().sendDirectMessage("psst");
        MessageReceivedEvent received =
                events.await(MessageReceivedEvent.class, e -> e.getMessageIdLong() == sent.id(), WAIT);
        assertThat(received.isFromGuild()).isFalse();
        assertThat(received.getMessage().getContentRaw()).isEqualTo("psst");
    }

    @Test
    void commandRegistration_isRecordedWithDefaultPermissionsAndContexts() {
        assertThat(emulator.registeredCommands())
                .extracting(RegisteredCommand::name)
                .containsExactly("stats", "rank", "panel", "help");
        RegisteredCommand rank = emulator.awaitRegisteredCommand("rank", WAIT);
        assertThat(rank.defaultMemberPermissions()).hasValue(MANAGE_SERVER);
        RegisteredCommand stats = emulator.awaitRegisteredCommand("stats", WAIT);
        assertThat(stats.defaultMemberPermissions()).isEmpty();
        assertThat(stats.options()).extracting(o -> o.get("name")).containsExactly("user", "days");
        assertThat(emulator.awaitRegisteredCommand("panel", WAIT).allowedInDirectMessages())
                .isFalse();
        assertThat(emulator.awaitRegisteredCommand("help", WAIT).allowedInDirectMessages())
                .isTrue();
    }

    @Test
    void ephemeralReply_isRecordedWithEphemeralFlag_andStaysOutOfTheChannel() {
        EmulatedInteraction interaction = alice.invokeCommand(general, "stats", Map.of("user", bob, "days", 30));

        RecordedMessage reply = interaction.awaitReply(WAIT);
        assertThat(reply.content()).isEqualTo("stats for bob over 30 days");
        assertThat(reply.ephemeral()).isTrue();
        assertThat(interaction.responses()).singleElement().satisfies(r -> assertThat(r.callbackType())
                .isEqualTo(4));
        assertThat(general.botMessages()).extracting(RecordedMessage::id).doesNotContain(reply.id());
    }

    @Test
    void deferredReply_thenEditOriginal_isRecordedInOrder() {
        EmulatedInteraction interaction = bob.invokeCommand("rank", Map.of());

        RecordedMessage reply = interaction.awaitReply(WAIT);
        assertThat(reply.content()).isEqualTo("rank recomputed by bob");
        assertThat(reply.ephemeral()).isFalse();
        List<InteractionResponse> responses = interaction.responses();
        assertThat(responses)
                .extracting(InteractionResponse::kind)
                .containsExactly(InteractionResponse.Kind.CALLBACK, InteractionResponse.Kind.EDIT_ORIGINAL);
        assertThat(responses.get(0).callbackType()).isEqualTo(5);
        assertThat(general.awaitBotMessage(m -> m.id() == reply.id(), WAIT).content())
                .isEqualTo("rank recomputed by bob");
    }

    @Test
    void commandNeedingPermissions_isRefusedForMemberWithoutThem() {
        assertThatThrownBy(() -> alice.invokeCommand("rank", Map.of()))
                .isInstanceOf(EmulatorException.class)
                .hasMessageContaining("default_member_permissions");
        assertThatThrownBy(() -> alice.invokeCommand("stats", Map.of("days", "thirty")))
                .isInstanceOf(EmulatorException.class)
                .hasMessageContaining("option 'days' must be an Integer or Long");
        assertThatThrownBy(() -> alice.invokeCommand("nope", Map.of()))
                .isInstanceOf(EmulatorException.class)
                .hasMessageContaining("not registered");
    }

    @Test
    void buttonClick_reachesButtonInteractionEvent_andMessageUpdateIsRecorded() throws InterruptedException {
        RecordedMessage panel = alice.invokeCommand(general, "panel", Map.of()).awaitReply(WAIT);
        assertThat(panel.buttonCustomIds()).containsExactly("refresh");

        EmulatedInteraction click = bob.clickButton(panel, "refresh");
        ButtonInteractionEvent event = events.await(
                ButtonInteractionEvent.class, e -> e.getInteraction().getIdLong() == click.id(), WAIT);
        assertThat(event.getComponentId()).isEqualTo("refresh");
        assertThat(event.getMessage().getIdLong()).isEqualTo(panel.id());

        InteractionResponse update = click.awaitResponse(WAIT);
        assertThat(update.callbackType()).isEqualTo(7);
        assertThat(update.message().content()).isEqualTo("panel v2 by bob");
        assertThat(general.awaitBotMessage(m -> m.id() == panel.id(), WAIT).content())
                .isEqualTo("panel v2 by bob");
    }

    @Test
    void dmCommand_isDeliveredWithoutGuild_andAnswered() {
        RecordedMessage reply =
                alice.user().invokeDirectCommand("help", Map.of()).awaitReply(WAIT);
        assertThat(reply.content()).isEqualTo("help in DM");
        assertThatThrownBy(() -> alice.user().invokeDirectCommand("panel", Map.of()))
                .isInstanceOf(EmulatorException.class)
                .hasMessageContaining("not usable in direct messages");
    }

    @Test
    void botMessagesAndRoleChangesThroughRest_areRecorded() throws InterruptedException {
        TextChannel channel = jda.getTextChannelById(general.id());
        long id = channel.sendMessage("level up!").complete().getIdLong();
        assertThat(general.awaitBotMessage(m -> m.id() == id, WAIT).content()).isEqualTo("level up!");

        EmulatedMember erin = guild.addMember("erin", false);
        events.await(
                GuildMemberJoinEvent.class,
                e -> e.getMember().getIdLong() == erin.user().id(),
                WAIT);
        Guild jdaGuild = jda.getGuildById(guild.id());
        jdaGuild.addRoleToMember(jdaGuild.getMemberById(erin.user().id()), jdaGuild.getRoleById(moderator.id()))
                .complete();
        assertThat(erin.roles()).containsExactly(moderator);
    }

    @Test
    void resumableOutage_resumesAndLosesNoEventsSentWhileAway() throws InterruptedException {
        GatewayStats before = emulator.gatewayStats();
        EmulatedMember frank = guild.addMember("frank", false);
        RecordedMessage whileAway;
        Outage outage = emulator.beginOutage(true);
        try {
            frank.joinVoice(lounge);
            whileAway = alice.sendMessage(general, "said while the bot was away");
            frank.setBoosting(true);
        } finally {
            outage.end();
        }

        events.await(SessionResumeEvent.class, e -> true, WAIT);
        events.await(
                GuildVoiceUpdateEvent.class,
                e -> e.getMember().getIdLong() == frank.user().id(),
                WAIT);
        MessageReceivedEvent message =
                events.await(MessageReceivedEvent.class, e -> e.getMessageIdLong() == whileAway.id(), WAIT);
        assertThat(message.getMessage().getContentRaw()).isEqualTo("said while the bot was away");
        events.await(
                GuildMemberUpdateBoostTimeEvent.class,
                e -> e.getMember().getIdLong() == frank.user().id(),
                WAIT);

        GatewayStats after = emulator.gatewayStats();
        assertThat(after.resumes()).isEqualTo(before.resumes() + 1);
        assertThat(after.identifies()).isEqualTo(before.identifies());
        jda.awaitStatus(JDA.Status.CONNECTED); // bounded by the class's @Timeout
    }
}
