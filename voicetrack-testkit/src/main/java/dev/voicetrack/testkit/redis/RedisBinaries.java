package dev.voicetrack.testkit.redis;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Finds the Redis binaries the launchers run: {@code redis-server} and {@code redis-cli} from the
 * {@code PATH} (or the directory named by the {@code VOICETRACK_REDIS_BIN} environment variable), else
 * a {@code redis-server} binary for this OS and architecture shipped inside a jar on the class path
 * (such as the test-scoped {@code com.github.codemonstur:embedded-redis} artifact), extracted once to
 * a temporary file. Setting the system property or environment variable {@code
 * voicetrack.redis.embedded} / {@code VOICETRACK_REDIS_EMBEDDED} to {@code true} skips the {@code PATH}
 * (to test the embedded binary on a machine that has Redis installed).
 */
public final class RedisBinaries {

    private static Path embedded;

    private RedisBinaries() {}

    /**
     * The {@code redis-server} binary.
     *
     * @throws IllegalStateException if none is found
     */
    public static synchronized Path redisServer() {
        Optional<Path> onPath = forceEmbedded() ? Optional.empty() : onPath("redis-server");
        if (onPath.isPresent()) {
            return onPath.get();
        }
        if (embedded == null) {
            embedded = fromClassPath()
                    .orElseThrow(() -> new IllegalStateException("no redis-server found: install it (apt-get install"
                            + " redis-server), set VOICETRACK_REDIS_BIN to its directory, or put a jar that"
                            + " ships a redis-server binary for " + os() + "/" + arch() + " on the test class path"));
        }
        return embedded;
    }

    /** The {@code redis-cli} binary, if there is one (never when the embedded binary is forced). */
    public static Optional<Path> redisCli() {
        return forceEmbedded() ? Optional.empty() : onPath("redis-cli");
    }

    private static boolean forceEmbedded() {
        return Boolean.parseBoolean(System.getProperty("voicetrack.redis.embedded"))
                || Boolean.parseBoolean(System.getenv("VOICETRACK_REDIS_EMBEDDED"));
    }

    private static Optional<Path> onPath(String name) {
        String dirs = System.getenv("VOICETRACK_REDIS_BIN");
        String path = System.getenv("PATH");
        String all = (dirs == null ? "" : dirs + File.pathSeparator) + (path == null ? "" : path);
        for (String dir : all.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static Optional<Path> fromClassPath() {
        String os = os();
        String arch = arch();
        for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
            if (!entry.endsWith(".jar")) {
                continue;
            }
            try (JarFile jar = new JarFile(entry)) {
                JarEntry best = null;
                for (var it = jar.entries(); it.hasMoreElements(); ) {
                    JarEntry e = it.nextElement();
                    String name = e.getName().toLowerCase(Locale.ROOT);
                    String base = name.substring(name.lastIndexOf('/') + 1);
                    if (!e.isDirectory()
                            && base.startsWith("redis-server")
                            && base.contains(os)
                            && base.contains(arch)
                            && (best == null || e.getName().compareTo(best.getName()) > 0)) {
                        best = e;
                    }
                }
                if (best != null) {
                    Path target = Files.createTempFile("redis-server-", "");
                    try (InputStream in = jar.getInputStream(best)) {
                        Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                    if (!target.toFile().setExecutable(true)) {
                        throw new IOException("could not make " + target + " executable");
                    }
                    target.toFile().deleteOnExit();
                    return Optional.of(target);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("reading " + entry, e);
            }
        }
        return Optional.empty();
    }

    private static String os() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (os.contains("mac") || os.contains("darwin")) {
            return "darwin";
        }
        return os.contains("win") ? "windows" : "linux";
    }

    private static String arch() {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        return arch.contains("aarch64") || arch.contains("arm64") ? "arm64" : "amd64";
    }
}
