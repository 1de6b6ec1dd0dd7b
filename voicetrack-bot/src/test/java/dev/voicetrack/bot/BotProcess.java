package dev.voicetrack.bot;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The packaged bot ({@code java -jar target/voicetrack.jar ...}) as a child process. */
final class BotProcess implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(60);
    static final String ADMIN_TOKEN = "test-admin-token-0123456789abcdef";
    private static final Pattern API = Pattern.compile("admin-api: (http://\\S+)");
    private static final Pattern JACOCO_DATA_FILE = Pattern.compile("destfile=([^,]+)");

    final Process process;
    private final List<String> stdout = new ArrayList<>();
    private final Path stderr;
    private final Thread reader;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private BotProcess(Process process, Path stderr) {
        this.process = process;
        this.stderr = stderr;
        this.reader = new Thread(() -> {
            try (BufferedReader r =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (stdout) {
                        stdout.add(line);
                        stdout.notifyAll();
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        });
        reader.setDaemon(true);
        reader.start();
    }

    static Path jar() {
        return Path.of(System.getProperty("voicetrack.jar", "target/voicetrack.jar"));
    }

    static BotProcess start(Path workDir, Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(javaBin(), "-Xmx256m"));
        coverageAgent().ifPresent(cmd::add);
        cmd.addAll(List.of("-jar", jar().toAbsolutePath().toString()));
        cmd.addAll(List.of(args));
        return launch(workDir, env, cmd);
    }

    /**
     * The packaged bot's {@code run} with its tracker on the {@link SharedClock} in {@code clockFile}: {@link
     * SharedClockBot} from this module's test classes, on the class path after the jar (under the coverage
     * agent too). {@code env} must set a {@code CHECK_INTERVAL} of at least {@link
     * SharedClockBot#MIN_CHECK_INTERVAL}: the bot ticks when the clock moves.
     */
    static BotProcess startSharedClock(Path workDir, Map<String, String> env, Path clockFile) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(javaBin(), "-Xmx256m"));
        coverageAgent().ifPresent(cmd::add);
        cmd.add("-D" + SharedClockBot.CLOCK_FILE + "=" + clockFile.toAbsolutePath());
        cmd.addAll(List.of(
                "-cp", jar().toAbsolutePath() + File.pathSeparator + testClasses(), SharedClockBot.class.getName()));
        return launch(workDir, env, cmd);
    }

    /** Where this module's test classes are (target/test-classes under Maven). */
    private static Path testClasses() {
        try {
            return Path.of(SharedClockBot.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("the test classes' location is not a path", e);
        }
    }

    private static BotProcess launch(Path workDir, Map<String, String> env, List<String> cmd) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile());
        pb.environment().keySet().removeIf(k -> BotConfig.SETTINGS.containsKey(k) || k.startsWith("VOICETRACK_"));
        pb.environment().putAll(env);
        Path err = Files.createTempFile(workDir.getParent(), "bot-stderr", ".log");
        pb.redirectError(err.toFile());
        return new BotProcess(pb.start(), err);
    }

    /** Settings for a bot against the emulator, with SQLite in {@code workDir}. */
    static Map<String, String> emulatorEnv(dev.voicetrack.emulator.DiscordEmulator discord, String checkInterval) {
        Map<String, String> env = new HashMap<>();
        env.put("DISCORD_BOT_TOKEN", discord.botToken());
        env.put("DISCORD_API_URL", discord.httpBaseUrl());
        env.put("DISCORD_GATEWAY_URL", discord.gatewayUrl());
        env.put("ADMIN_API_BIND", "127.0.0.1:0");
        env.put("ADMIN_API_TOKEN", ADMIN_TOKEN);
        env.put("CHECK_INTERVAL", checkInterval);
        env.put("TRACK_MEMBER_UPDATES", "false");
        return env;
    }

    /**
     * The JaCoCo agent this test JVM runs under (the build's {@code prepare-agent-integration}),
     * handed on to the bot with its own data file next to the integration tests' one, so the code
     * the packaged jar runs counts in the module's coverage report (the build merges the files).
     * Empty when the tests run without the agent, from an IDE say.
     */
    static Optional<String> coverageAgent() {
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            Matcher m = JACOCO_DATA_FILE.matcher(arg);
            if (arg.startsWith("-javaagent:") && arg.contains("org.jacoco.agent") && m.find()) {
                Path dataFile = Path.of(m.group(1)).resolveSibling("jacoco-child.exec");
                String options = m.replaceFirst(Matcher.quoteReplacement("destfile=" + dataFile));
                return Optional.of(options.replace("append=false", "append=true"));
            }
        }
        return Optional.empty();
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Waits (bounded) for a stdout line containing {@code text}; returns it. */
    String awaitLine(String text) {
        return awaitLine(text, WAIT);
    }

    /** Waits at most {@code within} for a stdout line containing {@code text}; returns it. */
    String awaitLine(String text, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        synchronized (stdout) {
            int seen = 0;
            while (true) {
                for (; seen < stdout.size(); seen++) {
                    if (stdout.get(seen).contains(text)) {
                        return stdout.get(seen);
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || (!process.isAlive() && seen == stdout.size())) {
                    throw new AssertionError(
                            "no line '" + text + "' from the bot; stdout=" + stdout + "\nstderr=" + stderr());
                }
                try {
                    stdout.wait(Math.max(1, Math.min(200, TimeUnit.NANOSECONDS.toMillis(left))));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                }
            }
        }
    }

    String apiBase() {
        Matcher m = API.matcher(awaitLine("admin-api: "));
        if (!m.find()) {
            throw new AssertionError("bad admin-api line");
        }
        return m.group(1);
    }

    String stderr() {
        try {
            return Files.readString(stderr);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    HttpResponse<String> send(String method, String path, String token) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(apiBase() + path))
                .timeout(Duration.ofSeconds(15))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send("GET", path, null);
    }

    /** SIGTERM (what Ctrl-C and service managers send); waits for the exit. */
    int terminate() throws InterruptedException {
        // Through the handle: Process.destroy() would also close our end of the bot's stdout.
        process.toHandle().destroy();
        return awaitExit();
    }

    /** SIGKILL: no shutdown hook runs. */
    int kill9() throws InterruptedException {
        process.toHandle().destroyForcibly();
        return awaitExit();
    }

    int awaitExit() throws InterruptedException {
        if (!process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the bot did not exit; stderr=" + stderr());
        }
        reader.join(TimeUnit.SECONDS.toMillis(10)); // the rest of stdout, up to end of stream
        return process.exitValue();
    }

    List<String> stdoutLines() {
        synchronized (stdout) {
            return List.copyOf(stdout);
        }
    }

    /** A bounded wait for something the bot does in real time (a hang guard, never a timing assertion). */
    interface Check {
        boolean test() throws Exception;
    }

    static void await(String what, Check condition) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.test()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
