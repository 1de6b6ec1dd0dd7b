package dev.voicetrack.jda.internal;

import dev.voicetrack.core.GatewayEvent;
import dev.voicetrack.core.VoiceTracker;
import java.util.concurrent.atomic.LongAdder;
import net.dv8tion.jda.api.entities.Guild;
import net.dv8tion.jda.api.entities.GuildVoiceState;
import net.dv8tion.jda.api.entities.Member;
import net.dv8tion.jda.api.entities.channel.unions.AudioChannelUnion;
import net.dv8tion.jda.api.events.GenericEvent;
import net.dv8tion.jda.api.events.guild.GuildAvailableEvent;
import net.dv8tion.jda.api.events.guild.GuildJoinEvent;
import net.dv8tion.jda.api.events.guild.GuildLeaveEvent;
import net.dv8tion.jda.api.events.guild.member.GuildMemberRoleAddEvent;
import net.dv8tion.jda.api.events.guild.member.GuildMemberRoleRemoveEvent;
import net.dv8tion.jda.api.events.guild.member.update.GuildMemberUpdateBoostTimeEvent;
import net.dv8tion.jda.api.events.guild.voice.GenericGuildVoiceEvent;
import net.dv8tion.jda.api.events.guild.voice.GuildVoiceGuildDeafenEvent;
import net.dv8tion.jda.api.events.guild.voice.GuildVoiceGuildMuteEvent;
import net.dv8tion.jda.api.events.guild.voice.GuildVoiceSelfDeafenEvent;
import net.dv8tion.jda.api.events.guild.voice.GuildVoiceSelfMuteEvent;
import net.dv8tion.jda.api.events.guild.voice.GuildVoiceUpdateEvent;
import net.dv8tion.jda.api.events.message.MessageReceivedEvent;
import net.dv8tion.jda.api.events.role.update.RoleUpdatePermissionsEvent;
import net.dv8tion.jda.api.events.session.ReadyEvent;
import net.dv8tion.jda.api.events.session.SessionRecreateEvent;
import net.dv8tion.jda.api.events.session.SessionResumeEvent;
import net.dv8tion.jda.api.hooks.EventListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps JDA's gateway events to {@link GatewayEvent}s and enqueues them. Runs on JDA's event threads, so it does
 * nothing but map and enqueue: no I/O, no locks shared with ticks ({@link VoiceTracker#accept} only appends to a
 * queue). Session events request a reconciliation, which runs elsewhere.
 */
final class GatewayListener implements EventListener {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayListener.class);

    private final VoiceTracker tracker;
    private final Reconciler reconciler;
    private final boolean trackMessages;
    private final boolean trackMemberUpdates;
    private final Timings timings;
    private final LongAdder enqueued = new LongAdder();
    private volatile boolean closedTrackerReported;

    GatewayListener(
            VoiceTracker tracker,
            Reconciler reconciler,
            boolean trackMessages,
            boolean trackMemberUpdates,
            Timings timings) {
        this.tracker = tracker;
        this.reconciler = reconciler;
        this.trackMessages = trackMessages;
        this.trackMemberUpdates = trackMemberUpdates;
        this.timings = timings;
    }

    long enqueued() {
        return enqueued.sum();
    }

    @Override
    public void onEvent(GenericEvent event) {
        long start = System.nanoTime();
        long cpuStart = Timings.cpuNow();
        boolean handled = true;
        try {
            if (event instanceof GuildVoiceUpdateEvent e) {
                voiceUpdate(e);
            } else if (event instanceof GuildVoiceSelfMuteEvent
                    || event instanceof GuildVoiceGuildMuteEvent
                    || event instanceof GuildVoiceSelfDeafenEvent
                    || event instanceof GuildVoiceGuildDeafenEvent) {
                flags((GenericGuildVoiceEvent) event);
            } else if (event instanceof MessageReceivedEvent e) {
                message(e);
            } else if (trackMemberUpdates && event instanceof GuildMemberRoleAddEvent e) {
                memberUpdated(e.getMember());
            } else if (trackMemberUpdates && event instanceof GuildMemberRoleRemoveEvent e) {
                memberUpdated(e.getMember());
            } else if (trackMemberUpdates && event instanceof GuildMemberUpdateBoostTimeEvent e) {
                memberUpdated(e.getMember());
            } else if (trackMemberUpdates && event instanceof RoleUpdatePermissionsEvent e) {
                rolePermissions(e);
            } else if (event instanceof ReadyEvent
                    || event instanceof SessionResumeEvent
                    || event instanceof SessionRecreateEvent
                    || event instanceof GuildJoinEvent
                    || event instanceof GuildLeaveEvent
                    || event instanceof GuildAvailableEvent) {
                reconciler.request(event.getJDA());
            } else {
                handled = false;
            }
        } catch (RuntimeException e) {
            // never let a mapping problem escape into JDA's event loop
            LOG.warn("could not hand {} to the tracker", event.getClass().getSimpleName(), e);
        }
        if (handled) {
            timings.record(System.nanoTime() - start, cpuStart);
        }
    }

    private void voiceUpdate(GuildVoiceUpdateEvent e) {
        AudioChannelUnion joined = e.getChannelJoined();
        AudioChannelUnion left = e.getChannelLeft();
        Member member = e.getMember();
        long guildId = e.getGuild().getIdLong();
        if (joined != null && left == null) {
            accept(new GatewayEvent.VoiceJoined(
                    guildId,
                    member.getIdLong(),
                    joined.getIdLong(),
                    Mapping.info(member),
                    Mapping.flags(e.getVoiceState())));
        } else if (joined == null && left != null) {
            accept(new GatewayEvent.VoiceLeft(guildId, member.getIdLong()));
        } else if (joined != null) {
            accept(new GatewayEvent.VoiceMoved(guildId, member.getIdLong(), joined.getIdLong()));
        }
    }

    private void flags(GenericGuildVoiceEvent e) {
        GuildVoiceState state = e.getVoiceState();
        if (state.getChannel() == null) {
            return;
        }
        accept(new GatewayEvent.VoiceFlagsChanged(
                e.getGuild().getIdLong(), e.getMember().getIdLong(), Mapping.flags(state)));
    }

    private void message(MessageReceivedEvent e) {
        if (!trackMessages
                || !e.isFromGuild()
                || e.isWebhookMessage()
                || e.getAuthor().isSystem()) {
            return;
        }
        Member member = e.getMember();
        if (member == null) {
            return;
        }
        accept(new GatewayEvent.MessageSent(
                e.getGuild().getIdLong(), member.getIdLong(), e.getChannel().getIdLong(), Mapping.info(member)));
    }

    private void memberUpdated(Member member) {
        accept(new GatewayEvent.MemberUpdated(member.getGuild().getIdLong(), member.getIdLong(), Mapping.info(member)));
    }

    /** Members in voice with the role may have gained or lost an exempt permission. */
    private void rolePermissions(RoleUpdatePermissionsEvent e) {
        Guild guild = e.getGuild();
        for (GuildVoiceState state : guild.getVoiceStates()) {
            Member member = state.getMember();
            if (state.getChannel() != null && member.getRoles().contains(e.getRole())) {
                memberUpdated(member);
            }
        }
    }

    private void accept(GatewayEvent event) {
        try {
            tracker.accept(event);
            enqueued.increment();
        } catch (IllegalStateException closed) {
            if (!closedTrackerReported) {
                closedTrackerReported = true;
                LOG.warn("the tracker is closed; gateway events are dropped until the adapter is closed too");
            }
        }
    }
}
