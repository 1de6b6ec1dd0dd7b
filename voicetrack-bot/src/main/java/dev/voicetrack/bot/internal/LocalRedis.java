package dev.voicetrack.bot.internal;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway {@code redis-server} for {@code voicetrack demo --processes N} on a machine without
 * {@code REDIS_URL}: the binary from the {@code PATH}, on a free loopback port, without persistence,
 * stopped with the demo. Only the demo uses it: a bot that runs for real is given its Redis.
 *
 * <p>Why Redis and not PostgreSQL is started: a Redis for a demo holds nothing worth keeping (cache
 * entries and shard leases) and is one command; a PostgreSQL would need a database cluster written to
 * disk, a superuser and a decision on when to delete the demo's data, which the operator should make.
 *
 * <p>The server stops with the demo however the demo ends, {@code kill -9} included. Redis cannot
 * watch the process that started it, so a {@code /bin/sh} watchdog ({@link #WATCHDOG}) starts it and
 * reads its own standard input, a pipe whose other end only the demo holds: the system closes that end
 * when the demo dies, and the watchdog then stops the server (SIGTERM). {@link #close} ends the input
 * the same way, so a normal stop takes the same path. The watchdog exits when the server does, with
 * its status, so a server that fails at start is seen at once.
 */
final class LocalRedis implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(15);

    /**
     * The watchdog, run as {@code sh -c WATCHDOG sh redis-server args...}: the server in the
     * background (its standard input is then {@code /dev/null}), and a background reader of the
     * watchdog's input, kept as descriptor 3 since a background command's own standard input is also
     * {@code /dev/null}, that stops the server at the input's end.
     */
    static final String WATCHDOG =
            """
            "$@" &
            redis=$!
            exec 3<&0
            { cat <&3 >/dev/null; kill "$redis" 2>/dev/null; } &
            wait "$redis"
            """;

    private final Process process;
    private final int port;

    private LocalRedis(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** The {@code redis-server} on the {@code PATH}, if there is one. */
    static Optional<Path> onPath() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                Path candidate = Path.of(dir, "redis-server");
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Starts {@code binary} in {@code dir} (its log is {@code redis.log} there) and waits, bounded,
     * until it answers {@code PING}.
     *
     * @throws IOException if it cannot be started or does not answer in time (the log's path is named)
     */
    static LocalRedis start(Path binary, Path dir) throws IOException {
        Files.createDirectories(dir);
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path log = dir.resolve("redis.log");
        Process p = new ProcessBuilder(List.of(
                        "/bin/sh",
                        "-c",
                        WATCHDOG,
                        "sh",
                        binary.toString(),
                        "--bind",
                        "127.0.0.1",
                        "--port",
                        Integer.toString(port),
                        "--save",
                        "",
                        "--appendonly",
                        "no",
                        "--dir",
                        dir.toAbsolutePath().toString()))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        LocalRedis redis = new LocalRedis(p, port);
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!redis.answersPing()) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                redis.close();
                throw new IOException(
                        "the demo's redis-server (" + binary + ") did not answer on port " + port + "; see " + log);
            }
            try {
                Thread.sleep(50); // a hang guard's poll while the server starts, not a synchronisation
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                redis.close();
                throw new IOException("interrupted while starting redis-server", e);
            }
        }
        return redis;
    }

    private boolean answersPing() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            s.setSoTimeout(1000);
            OutputStream out = s.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] b = new byte[7];
            int n = in.readNBytes(b, 0, b.length);
            return new String(b, 0, n, StandardCharsets.US_ASCII).equals("+PONG\r\n");
        } catch (IOException e) {
            return false;
        }
    }

    String url() {
        return "redis://127.0.0.1:" + port;
    }

    /**
     * Stops the server: ends the watchdog's input, which stops the server with SIGTERM, and kills the
     * watchdog and the server if they have not ended a few seconds later. Idempotent.
     */
    @Override
    public void close() {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // already closed: the watchdog sees the end of its input all the same
        }
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                kill();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
        }
    }

    private void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
