package dev.voicetrack.bot.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The bot processes of {@code voicetrack demo --processes N}: each is this program's {@code run}
 * command in a JVM of its own (the same Java, the same class path), with the settings the demo gives
 * it in its environment on top of the operator's, its output in a log file of its own.
 *
 * <p>The demo learns each process's admin API from the {@code admin-api: } line the bot prints, and
 * that it is up from {@code voicetrack: ready}; its status comes from the process's {@code /health}.
 * {@link #close} stops every process as Ctrl-C stops one bot (SIGTERM: last tick, shard leases given
 * up), then forcibly after the bot's shutdown timeout.
 *
 * <p>A demo that dies without stopping them ({@code kill -9}, a crash) leaves no process behind: each
 * is started with {@code --stop-when-stdin-closes} and a pipe from this process as its standard
 * input, which nothing writes to and which the system closes when this process ends, however it ends;
 * the process then stops as on SIGTERM.
 */
final class DemoProcesses implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    /** A JVM's exit status after SIGTERM when its shutdown hooks ran to the end (a bot that failed to stop halts with 1). */
    private static final int SIGTERM_STATUS = 143;

    /** One bot process: its number (from 1), its shard, the process and where its output goes. */
    static final class Child {
        final int number;
        final int shard;
        final Process process;
        final Path log;
        final CompletableFuture<String> api = new CompletableFuture<>();
        final CompletableFuture<Void> ready = new CompletableFuture<>();
        private final Deque<String> lastLines = new ArrayDeque<>();

        Child(int number, int shard, Process process, Path log) {
            this.number = number;
            this.shard = shard;
            this.process = process;
            this.log = log;
        }

        /** The last lines the process wrote, for a report of why it stopped. */
        synchronized List<String> lastLines() {
            return List.copyOf(lastLines);
        }

        private synchronized void remember(String line) {
            lastLines.addLast(line);
            if (lastLines.size() > 15) {
                lastLines.removeFirst();
            }
        }
    }

    private final List<Child> children = new ArrayList<>();
    private final int shardCount;
    private final Duration stopTimeout;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    DemoProcesses(int shardCount, Duration stopTimeout) {
        this.shardCount = shardCount;
        this.stopTimeout = stopTimeout;
    }

    /**
     * Starts process {@code number} for {@code shard} with {@code settings} added to this process's
     * environment and {@code args} after {@code run}.
     */
    Child start(int number, int shard, Map<String, String> settings, List<String> args, Path log) throws IOException {
        Files.createDirectories(log.toAbsolutePath().getParent());
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "dev.voicetrack.bot.Main",
                "run",
                "--stop-when-stdin-closes"));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(settings);
        Child child = new Child(number, shard, pb.start(), log);
        Writer out = Files.newBufferedWriter(log, StandardCharsets.UTF_8);
        Thread pump = new Thread(() -> pump(child, out), "demo-process-" + number + "-output");
        pump.setDaemon(true);
        pump.start();
        child.process
                .onExit()
                .thenRun(() -> child.ready.completeExceptionally(new IllegalStateException("process " + number
                        + " exited with status " + child.process.exitValue() + " before it was ready")));
        synchronized (children) {
            children.add(child);
        }
        return child;
    }

    private static void pump(Child child, Writer out) {
        try (out;
                BufferedReader r = new BufferedReader(
                        new InputStreamReader(child.process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                out.write(line);
                out.write('\n');
                out.flush();
                child.remember(line);
                if (line.startsWith("admin-api: ")) {
                    child.api.complete(line.substring("admin-api: ".length()).strip());
                } else if (line.equals("voicetrack: ready")) {
                    child.ready.complete(null);
                }
            }
        } catch (IOException e) {
            // the process ended; its exit is reported through onExit
        }
    }

    /**
     * Waits (bounded by {@link #START_TIMEOUT}) until {@code child} is ready; returns its admin API's
     * base URL.
     *
     * @throws IllegalStateException naming the process, its log and its last lines when it stopped or
     *     did not get ready in time
     */
    static String awaitReady(Child child) throws InterruptedException {
        try {
            child.ready.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return child.api.getNow("(admin API off)");
        } catch (ExecutionException | TimeoutException e) {
            String why = e instanceof TimeoutException
                    ? "was not ready after " + START_TIMEOUT.toSeconds() + " s"
                    : e.getCause().getMessage();
            throw new IllegalStateException("demo: process " + child.number + " (shard " + child.shard + ") " + why
                    + "; its log is " + child.log.toAbsolutePath() + ", ending:\n  "
                    + String.join("\n  ", child.lastLines()));
        }
    }

    List<Child> children() {
        synchronized (children) {
            return List.copyOf(children);
        }
    }

    /**
     * One line on {@code child}: its shard, pid and, from its {@code /health}, the gateway's state, the
     * guilds it is connected to, the shards it tracks (holds the lease of) and the members in voice at
     * its latest tick.
     */
    String status(Child child) {
        String head = "process " + child.number + " (shard " + child.shard + " of " + shardCount + ", pid "
                + child.process.pid() + ")";
        if (!child.process.isAlive()) {
            return head + ": exited with status " + child.process.exitValue() + "; see " + child.log;
        }
        String api = child.api.getNow(null);
        if (api == null) {
            return head + ": starting";
        }
        try {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create(api + "/health"))
                            .timeout(Duration.ofSeconds(3))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode h = JSON.readTree(r.body());
            JsonNode gw = h.path("gateway");
            JsonNode tick = h.path("lastTick");
            return head + ": " + h.path("status").asText("?") + ", gateway "
                    + gw.path("state").asText("?") + ", "
                    + gw.path("guilds").asInt() + " guilds, tracks shards "
                    + gw.path("shards").path("tracked") + ", "
                    + (tick.isMissingNode()
                            ? "no tick yet"
                            : tick.path("trackedMembers").asLong() + " members in voice at its last tick ("
                                    + atSecond(tick.path("at").asText()) + ")")
                    + ", " + api;
        } catch (IOException | RuntimeException e) {
            return head + ": admin API " + api + " did not answer (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return head + ": interrupted";
        }
    }

    private static String atSecond(String instant) {
        try {
            return java.time.Instant.parse(instant)
                    .truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                    .toString();
        } catch (java.time.format.DateTimeParseException e) {
            return instant;
        }
    }

    /**
     * Stops every process as Ctrl-C stops a bot (SIGTERM), all at once, then waits for each up to the
     * stop timeout and kills what is left. Returns whether every process stopped cleanly (status 0, or 143 after SIGTERM).
     */
    boolean stopAll() {
        List<Child> all = children();
        all.forEach(c -> c.process.toHandle().destroy());
        boolean clean = true;
        long deadline = System.nanoTime() + stopTimeout.toNanos();
        for (Child c : all) {
            try {
                long left = Math.max(0, deadline - System.nanoTime());
                if (!c.process.waitFor(left, TimeUnit.NANOSECONDS)) {
                    System.err.println("demo: process " + c.number + " did not stop within " + stopTimeout.toSeconds()
                            + " s; killed");
                    c.process.destroyForcibly();
                    c.process.waitFor(5, TimeUnit.SECONDS);
                    clean = false;
                } else if (c.process.exitValue() != 0 && c.process.exitValue() != SIGTERM_STATUS) {
                    clean = false;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                c.process.destroyForcibly();
                clean = false;
            }
        }
        return clean;
    }

    @Override
    public void close() {
        stopAll();
    }
}
