package dev.voicetrack.jda.internal;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import net.dv8tion.jda.api.interactions.InteractionHook;
import net.dv8tion.jda.api.interactions.callbacks.IMessageEditCallback;
import net.dv8tion.jda.api.interactions.callbacks.IReplyCallback;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers one interaction exactly once, within Discord's 3 seconds.
 *
 * <p>The answer comes from a worker thread when the command's work is done. If that takes longer than {@code
 * deferAfter}, a timer defers the interaction first ("thinking..."), and the answer then edits the deferred
 * message. Whichever of the two comes first wins a compare-and-set on {@link #state}, so an interaction is never
 * both replied to and deferred. An error answer after a public deferral deletes the placeholder and sends an
 * ephemeral follow-up, so errors are always ephemeral. An answer that cannot be sent as the reply (another
 * listener answered first) or cannot replace the deferred message (it was dismissed or deleted) is sent as a
 * follow-up. Every REST call is queued (asynchronous); other failures are logged.
 */
final class Responder {
    private static final Logger LOG = LoggerFactory.getLogger(Responder.class);
    private static final int PENDING = 0;
    private static final int ANSWERED = 1;
    private static final int DEFERRED = 2;

    private final IReplyCallback interaction;
    private final @Nullable IMessageEditCallback editTarget;
    private final AtomicInteger state = new AtomicInteger(PENDING);
    private volatile boolean deferredEphemeral;
    private volatile @Nullable ScheduledFuture<?> timer;

    /**
     * @param editTarget for a component interaction whose public answer replaces the message it is on; null to
     *     answer with a new message
     */
    Responder(IReplyCallback interaction, @Nullable IMessageEditCallback editTarget) {
        this.interaction = interaction;
        this.editTarget = editTarget;
    }

    /** Defers at once (for work known to be slow). */
    void deferNow(boolean ephemeral) {
        deferredEphemeral = ephemeral;
        if (!state.compareAndSet(PENDING, DEFERRED)) {
            return;
        }
        if (editTarget != null) {
            editTarget.deferEdit().queue(null, e -> LOG.warn("could not defer {}", describe(), e));
        } else {
            interaction.deferReply(ephemeral).queue(null, e -> LOG.warn("could not defer {}", describe(), e));
        }
    }

    /** Defers after {@code after} unless answered by then. */
    void deferAfter(ScheduledExecutorService scheduler, Duration after, boolean ephemeral) {
        timer = scheduler.schedule(() -> deferNow(ephemeral), after.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Sends the answer; later calls are ignored. */
    void complete(Reply reply) {
        ScheduledFuture<?> t = timer;
        if (t != null) {
            t.cancel(false);
        }
        if (state.compareAndSet(PENDING, ANSWERED)) {
            if (editTarget != null && !reply.ephemeral()) {
                editTarget.editMessage(reply.editData()).queue(null, e -> followUpInstead(reply, e));
            } else {
                interaction
                        .reply(reply.createData())
                        .setEphemeral(reply.ephemeral())
                        .queue(null, e -> followUpInstead(reply, e));
            }
            return;
        }
        if (state.getAndSet(ANSWERED) != DEFERRED) {
            return;
        }
        InteractionHook hook = interaction.getHook();
        if (editTarget != null) {
            if (reply.ephemeral()) {
                hook.sendMessage(reply.createData()).setEphemeral(true).queue(null, e -> failed(e));
            } else {
                editOriginal(hook, reply);
            }
        } else if (reply.ephemeral() && !deferredEphemeral) {
            hook.deleteOriginal().queue(null, e -> failed(e));
            hook.sendMessage(reply.createData()).setEphemeral(true).queue(null, e -> failed(e));
        } else {
            editOriginal(hook, reply);
        }
    }

    /**
     * Replaces the deferred message with the answer. When that fails (the user dismissed the "thinking..."
     * message, or it was deleted), the answer is sent as a follow-up instead, so it is not lost.
     */
    private void editOriginal(InteractionHook hook, Reply reply) {
        hook.editOriginal(reply.editData()).queue(null, e -> {
            LOG.info(
                    "could not edit the deferred answer of {} ({}); sending it as a follow-up",
                    describe(),
                    e.getMessage());
            hook.sendMessage(reply.createData()).setEphemeral(reply.ephemeral()).queue(null, f -> failed(f));
        });
    }

    /**
     * The first answer was refused, for example because another listener of the application answered the
     * interaction first: the answer goes out as a follow-up, which works once anyone has acknowledged it.
     */
    private void followUpInstead(Reply reply, Throwable e) {
        LOG.info("could not answer {} ({}); sending the answer as a follow-up", describe(), e.getMessage());
        interaction
                .getHook()
                .sendMessage(reply.createData())
                .setEphemeral(reply.ephemeral())
                .queue(null, f -> failed(f));
    }

    private void failed(Throwable e) {
        LOG.warn("could not answer {}", describe(), e);
    }

    private String describe() {
        return "interaction " + interaction.getId();
    }
}
