package dev.voicetrack.jda.internal;

import dev.voicetrack.core.storage.StorageException;
import dev.voicetrack.jda.CommandRateLimiter;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import net.dv8tion.jda.api.Permission;
import net.dv8tion.jda.api.entities.Member;
import net.dv8tion.jda.api.events.GenericEvent;
import net.dv8tion.jda.api.events.interaction.command.SlashCommandInteractionEvent;
import net.dv8tion.jda.api.events.interaction.component.ButtonInteractionEvent;
import net.dv8tion.jda.api.hooks.EventListener;
import net.dv8tion.jda.api.interactions.callbacks.IReplyCallback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives slash commands and clicks on the command groups' buttons on JDA's event thread, checks them there (guild only,
 * permission, rate limit: all in memory), and hands the work of the command the {@link CommandRegistry} names to
 * the command executor; commands it does not know (an application's own) are left to their listeners. Every path
 * ends in exactly one answer through a {@link Responder}; every refusal and error is ephemeral.
 */
final class CommandListener implements EventListener {
    private static final Logger LOG = LoggerFactory.getLogger(CommandListener.class);

    private final CommandRegistry commands;
    private final CommandRateLimiter rateLimiter;
    private final Executor executor;
    private final ScheduledExecutorService timer;
    private final Duration deferAfter;
    private final Duration timeout;
    private final Timings timings;

    CommandListener(
            CommandRegistry commands,
            CommandRateLimiter rateLimiter,
            Executor executor,
            ScheduledExecutorService timer,
            Duration deferAfter,
            Duration timeout,
            Timings timings) {
        this.commands = commands;
        this.rateLimiter = rateLimiter;
        this.executor = executor;
        this.timer = timer;
        this.deferAfter = deferAfter;
        this.timeout = timeout;
        this.timings = timings;
    }

    @Override
    public void onEvent(GenericEvent event) {
        long start = System.nanoTime();
        long cpuStart = Timings.cpuNow();
        if (event instanceof SlashCommandInteractionEvent e) {
            Optional<SlashCommand> command = commands.find(e.getName());
            if (command.isPresent()) {
                slash(e, command.get());
                timings.record(System.nanoTime() - start, cpuStart);
            }
        } else if (event instanceof ButtonInteractionEvent e) {
            Optional<ButtonAction> button = commands.findButton(e.getComponentId());
            if (button.isPresent()) {
                button(e, button.get());
                timings.record(System.nanoTime() - start, cpuStart);
            }
        }
    }

    private void slash(SlashCommandInteractionEvent e, SlashCommand command) {
        String name = command.name();
        Responder responder = new Responder(e, null);
        try {
            Optional<Reply> refusal = check(e, name, CommandDefinitions.ADMIN.contains(name));
            if (refusal.isPresent()) {
                responder.complete(refusal.get());
                return;
            }
            boolean ephemeral = CommandDefinitions.ADMIN.contains(name);
            if (command.slow()) {
                responder.deferNow(ephemeral);
            } else {
                responder.deferAfter(timer, deferAfter, ephemeral);
            }
            run(responder, "/" + name, () -> command.action().run(e));
        } catch (RuntimeException ex) {
            LOG.warn("/{} failed before it ran", name, ex);
            responder.complete(Reply.error("Something went wrong; the error was logged."));
        }
    }

    private void button(ButtonInteractionEvent e, ButtonAction button) {
        Responder responder = new Responder(e, e);
        try {
            Optional<Reply> refusal = check(e, button.command(), button.admin());
            if (refusal.isPresent()) {
                responder.complete(refusal.get());
                return;
            }
            responder.deferAfter(timer, deferAfter, button.admin());
            run(
                    responder,
                    button.command() + " button",
                    () -> CompletableFuture.completedFuture(button.action().run(e)));
        } catch (RuntimeException ex) {
            LOG.warn("{} button failed before it ran", button.command(), ex);
            responder.complete(Reply.error("Something went wrong; the error was logged."));
        }
    }

    /** The checks that run on the event thread: all in memory. */
    private Optional<Reply> check(IReplyCallback e, String command, boolean admin) {
        if (!e.isFromGuild() || e.getGuild() == null) {
            return Optional.of(Reply.error("VoiceTrack commands work only in a server, not in direct messages."));
        }
        Member member = e.getMember();
        if (admin && (member == null || !member.hasPermission(Permission.MANAGE_SERVER))) {
            return Optional.of(
                    Reply.error("You need the Manage Server or Administrator permission to use /" + command + "."));
        }
        Optional<Duration> wait = rateLimiter.tryAcquire(e.getUser().getIdLong(), command);
        if (wait.isPresent()) {
            long seconds = Math.max(1, (wait.get().toMillis() + 999) / 1000);
            return Optional.of(
                    Reply.text("⏳ You're using /" + command + " too fast; try again in " + seconds + "s.", true));
        }
        return Optional.empty();
    }

    /**
     * Runs the work on the executor and answers with its result. The time-out counts from the hand-over, so it
     * covers work that blocks on its worker thread (a storage read that hangs) as well as a stage that never
     * completes; whichever answer comes first is the one sent.
     */
    private void run(Responder responder, String what, Supplier<CompletionStage<Reply>> work) {
        CompletableFuture<Reply> result = new CompletableFuture<>();
        result.orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS)
                .whenComplete((reply, ex) -> responder.complete(ex == null ? reply : errorReply(what, ex)));
        try {
            executor.execute(() -> {
                try {
                    work.get().whenComplete((reply, ex) -> {
                        if (ex == null) {
                            result.complete(reply);
                        } else {
                            result.completeExceptionally(ex);
                        }
                    });
                } catch (RuntimeException ex) {
                    result.completeExceptionally(ex);
                }
            });
        } catch (RejectedExecutionException ex) {
            result.complete(Reply.error("VoiceTrack is busy right now; try again in a few seconds."));
        }
    }

    static Reply errorReply(String what, Throwable error) {
        Throwable e = unwrap(error);
        if (e instanceof IllegalArgumentException) {
            return Reply.error(String.valueOf(e.getMessage()));
        }
        if (e instanceof TimeoutException) {
            LOG.warn("{} timed out", what);
            return Reply.error("That took too long and was given up; try again later.");
        }
        if (e instanceof StorageException) {
            LOG.warn("{} failed: storage error", what, e);
            return Reply.error("The storage is not answering right now; try again later.");
        }
        LOG.warn("{} failed", what, e);
        return Reply.error("Something went wrong; the error was logged.");
    }

    private static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
