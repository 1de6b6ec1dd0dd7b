package dev.voicetrack.testkit.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away {@code redis-server} process for integration tests, on a free loopback port, with no
 * persistence ({@code --save "" --appendonly no}) and its own temporary directory, so that tests never
 * depend on or disturb a shared server (in particular never the one on port 6379).
 *
 * <p>The binary is {@code redis-server} from the {@code PATH}; if there is none, {@link RedisBinaries}
 * looks for one shipped inside a jar on the test class path. {@link #start()} returns once the server
 * answers {@code PING}. {@link #stop()} shuts it down cleanly, {@link #kill()} sends SIGKILL (a crash,
 * as far as clients can tell), and {@link #restart()} starts it again on the same port, so clients can
 * reconnect to the same URL. Thread safe: every lifecycle method is synchronized.
 */
public final class RedisServer implements AutoCloseable {

    /** The port of the shared server that tests must never use. */
    public static final int SHARED_PORT = 6379;

    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(20);

    private final Path binary;
    private final int port;
    private final Path dir;
    private final List<String> extraArgs;
    private Process process;

    private RedisServer(Path binary, int port, Path dir, List<String> extraArgs) {
        this.binary = binary;
        this.port = port;
        this.dir = dir;
        this.extraArgs = List.copyOf(extraArgs);
    }

    /** Starts a server on a free loopback port and waits until it answers PING. */
    public static RedisServer start() {
        return start(List.of());
    }

    /**
     * Starts a server with extra command-line arguments (for example {@code --requirepass secret}),
     * on a free loopback port, and waits until it answers.
     *
     * @throws IllegalStateException if no binary is found or the server does not come up in time
     */
    public static RedisServer start(List<String> extraArgs) {
        Objects.requireNonNull(extraArgs, "extraArgs");
        Path binary = RedisBinaries.redisServer();
        IllegalStateException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            int port = FreePorts.find(false);
            RedisServer server = new RedisServer(binary, port, createTempDir(port), extraArgs);
            try {
                server.launch();
                return server;
            } catch (IllegalStateException e) {
                // Another process may have taken the port between probing and binding it.
                last = e;
                server.close();
            }
        }
        throw last;
    }

    static RedisServer startOnPort(int port, List<String> extraArgs) {
        RedisServer server = new RedisServer(RedisBinaries.redisServer(), port, createTempDir(port), extraArgs);
        server.launch();
        return server;
    }

    private static Path createTempDir(int port) {
        try {
            return Files.createTempDirectory("voicetrack-redis-" + port + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The loopback host the server listens on. */
    public String host() {
        return "127.0.0.1";
    }

    /** The server's port; never {@link #SHARED_PORT}. */
    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:<port>}. */
    public String url() {
        return "redis://" + host() + ":" + port;
    }

    /** The server's working directory (logs, cluster node files). */
    public Path directory() {
        return dir;
    }

    /** Whether the process is alive. */
    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Shuts the server down cleanly (SIGTERM) and waits for the process to end. Idempotent. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        await(process);
        process = null;
    }

    /** Kills the server with SIGKILL, as a crash would, and waits for the process to end. Idempotent. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        await(process);
        process = null;
    }

    /** Starts the server again on the same port (stopping it first if it runs) and waits for PING. */
    public synchronized void restart() {
        stop();
        launch();
    }

    /** Starts a stopped or killed server again on the same port; does nothing if it runs. */
    public synchronized void startAgain() {
        if (!isRunning()) {
            launch();
        }
    }

    /** Sends one command over a fresh connection and returns the first reply line (for tests). */
    public String command(String... args) {
        return Resp.command(host(), port, args);
    }

    /** Kills the server and deletes its directory. */
    @Override
    public void close() {
        kill();
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temporary directory is harmless
        }
    }

    private synchronized void launch() {
        if (port == SHARED_PORT) {
            throw new IllegalStateException("refusing to start a test server on the shared port " + SHARED_PORT);
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(binary.toString());
        cmd.add("--port");
        cmd.add(Integer.toString(port));
        cmd.add("--bind");
        cmd.add(host());
        cmd.add("--save");
        cmd.add("");
        cmd.add("--appendonly");
        cmd.add("no");
        cmd.add("--dir");
        cmd.add(dir.toString());
        cmd.add("--daemonize");
        cmd.add("no");
        cmd.addAll(extraArgs);
        Path log = dir.resolve("redis.log");
        try {
            process = new ProcessBuilder(cmd)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("could not start " + binary + ": " + e.getMessage(), e);
        }
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "redis-server on port " + port + " exited with " + process.exitValue() + ": " + tail(log));
            }
            if (Resp.answersPing(host(), port)) {
                return;
            }
            sleepBriefly();
        }
        throw new IllegalStateException(
                "redis-server on port " + port + " did not answer PING within " + STARTUP_TIMEOUT + ": " + tail(log));
    }

    private static void await(Process p) {
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for redis-server to end", e);
        }
    }

    static void sleepBriefly() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for redis-server", e);
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 10), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public String toString() {
        return "RedisServer[" + url() + ", running=" + isRunning() + "]";
    }
}
