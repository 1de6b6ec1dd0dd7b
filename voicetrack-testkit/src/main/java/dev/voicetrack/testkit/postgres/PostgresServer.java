package dev.voicetrack.testkit.postgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL server for integration tests, handing out throwaway databases ({@code CREATE DATABASE
 * vt_test_<random>}, dropped on {@link Database#close()}), so that tests never see each other's data
 * or leave anything behind on a shared server.
 *
 * <p>{@link #shared()} uses the server named by {@code PGHOST}/{@code PGPORT} (default {@code
 * 127.0.0.1:5432}, user {@code PGUSER} or {@code postgres}, password {@code PGPASSWORD} or none) when
 * it answers; otherwise it starts one of its own, once per JVM, stopped at exit. Set {@code
 * VT_PG_SELF_START=true} to skip the external server. {@link #startOwn()} always starts a new one.
 *
 * <p>A self-started server runs {@code initdb} and {@code postgres} from the {@code PATH} or {@code
 * /usr/lib/postgresql/<version>/bin}, in a temporary directory, on a free loopback port, with trust
 * authentication and {@code fsync} off. PostgreSQL refuses to run as root, so when the JVM runs as
 * root both run as the user {@code nobody} through {@code setpriv}. Thread safe.
 */
public final class PostgresServer implements AutoCloseable {

    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
    private static PostgresServer shared;

    private final String host;
    private final int port;
    private final String user;
    private final String password;
    private final boolean selfStarted;
    private final Path dir;
    private Process process;

    private PostgresServer(String host, int port, String user, String password, Path dir, Process process) {
        this.host = host;
        this.port = port;
        this.user = user;
        this.password = password;
        this.selfStarted = process != null;
        this.dir = dir;
        this.process = process;
    }

    /**
     * The external server if it answers, else one started for this JVM (and stopped at exit).
     *
     * @throws IllegalStateException if there is no external server and none can be started
     */
    public static synchronized PostgresServer shared() {
        if (shared == null) {
            PostgresServer external = "true".equalsIgnoreCase(System.getenv("VT_PG_SELF_START")) ? null : external();
            if (external != null) {
                shared = external;
            } else {
                PostgresServer own = startOwn();
                Runtime.getRuntime().addShutdownHook(new Thread(own::close, "postgres-test-server-stop"));
                shared = own;
            }
        }
        return shared;
    }

    /** A fresh throwaway database on {@link #shared()}; close it to drop it. */
    public static Database freshDatabase() {
        return shared().newDatabase();
    }

    private static PostgresServer external() {
        String host = env("PGHOST", "127.0.0.1");
        int port = Integer.parseInt(env("PGPORT", "5432"));
        String user = env("PGUSER", "postgres");
        String password = env("PGPASSWORD", "");
        if (host.startsWith("/")) {
            return null; // a socket directory: JDBC speaks TCP only
        }
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 1000);
        } catch (IOException e) {
            return null;
        }
        var server = new PostgresServer(host, port, user, password, null, null);
        try (Connection c = server.admin()) {
            return c.isValid(5) ? server : null;
        } catch (SQLException e) {
            return null;
        }
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    /**
     * Starts a server of its own on a free loopback port and waits until it accepts connections.
     *
     * @throws IllegalStateException if no PostgreSQL binaries are found or the server does not start
     */
    public static PostgresServer startOwn() {
        Path bin = binDir();
        boolean root = "root".equals(System.getProperty("user.name"));
        Path dir;
        try {
            dir = Files.createTempDirectory("voicetrack-pg-");
            if (root) {
                UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
                PosixFileAttributeView view = Files.getFileAttributeView(dir, PosixFileAttributeView.class);
                view.setOwner(users.lookupPrincipalByName("nobody"));
                GroupPrincipal group = users.lookupPrincipalByGroupName("nogroup");
                view.setGroup(group);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a directory for PostgreSQL", e);
        }
        Path data = dir.resolve("data");
        Path log = dir.resolve("server.log");
        run(
                root,
                dir,
                log,
                List.of(
                        bin.resolve("initdb").toString(),
                        "-D",
                        data.toString(),
                        "-U",
                        "postgres",
                        "-A",
                        "trust",
                        "-E",
                        "UTF8",
                        "--locale=C",
                        "--no-sync"));
        IllegalStateException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            int port = freePort();
            List<String> cmd = List.of(
                    bin.resolve("postgres").toString(),
                    "-D",
                    data.toString(),
                    "-p",
                    Integer.toString(port),
                    "-k",
                    dir.toString(),
                    "-c",
                    "listen_addresses=127.0.0.1",
                    "-c",
                    "fsync=off",
                    "-c",
                    "synchronous_commit=off",
                    "-c",
                    "full_page_writes=off");
            Process p;
            try {
                p = new ProcessBuilder(asUser(root, cmd))
                        .directory(dir.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                        .start();
            } catch (IOException e) {
                throw new IllegalStateException("cannot start " + cmd.get(0) + ": " + e.getMessage(), e);
            }
            var server = new PostgresServer("127.0.0.1", port, "postgres", "", dir, p);
            try {
                server.awaitReady(log);
                return server;
            } catch (IllegalStateException e) {
                last = e;
                server.close();
            }
        }
        throw last;
    }

    private static List<String> asUser(boolean root, List<String> cmd) {
        if (!root) {
            return cmd;
        }
        var out = new ArrayList<String>(List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"));
        out.addAll(cmd);
        return out;
    }

    private static void run(boolean root, Path dir, Path log, List<String> cmd) {
        try {
            Process p = new ProcessBuilder(asUser(root, cmd))
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(cmd.get(0) + " did not finish within 120 s: " + tail(log));
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(cmd.get(0) + " exited with " + p.exitValue() + ": " + tail(log));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + cmd.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + cmd.get(0), e);
        }
    }

    /** The directory holding initdb and postgres: from the PATH, else the newest /usr/lib/postgresql. */
    static Path binDir() {
        String path = Objects.requireNonNullElse(System.getenv("PATH"), "");
        for (String entry : path.split(":")) {
            if (entry.isEmpty()) {
                continue;
            }
            Path initdb = Path.of(entry, "initdb");
            if (Files.isExecutable(initdb)) {
                try {
                    Path real = initdb.toRealPath().getParent();
                    if (Files.isExecutable(real.resolve("postgres"))) {
                        return real;
                    }
                } catch (IOException e) {
                    // try the next entry
                }
            }
        }
        Path lib = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(lib)) {
            try (Stream<Path> versions = Files.list(lib)) {
                var found = versions.map(v -> v.resolve("bin"))
                        .filter(b ->
                                Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("postgres")))
                        .max(Comparator.comparing(PostgresServer::versionOf));
                if (found.isPresent()) {
                    return found.get();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException("no PostgreSQL server binaries (initdb, postgres) on the PATH or in "
                + "/usr/lib/postgresql/*/bin; install the postgresql package");
    }

    private static int versionOf(Path bin) {
        try {
            return Integer.parseInt(bin.getParent().getFileName().toString().replaceAll("\\D.*", ""));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }

    private void awaitReady(Path log) {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "postgres on port " + port + " exited with " + process.exitValue() + ": " + tail(log));
            }
            try (Connection c = admin()) {
                if (c.isValid(5)) {
                    return;
                }
            } catch (SQLException e) {
                last = e;
            }
            try {
                Thread.sleep(100); // polling an external process's start-up; there is no event to wait on
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for postgres", e);
            }
        }
        throw new IllegalStateException("postgres on port " + port + " did not accept connections within "
                + STARTUP_TIMEOUT + ": " + (last == null ? "" : last.getMessage()) + " " + tail(log));
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private Connection admin() throws SQLException {
        return connect("postgres");
    }

    private Connection connect(String database) throws SQLException {
        var props = new Properties();
        props.setProperty("user", user);
        if (!password.isEmpty()) {
            props.setProperty("password", password);
        }
        props.setProperty("connectTimeout", "5");
        return DriverManager.getConnection(jdbcUrl(database), props);
    }

    private String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** The superuser the databases are created with. */
    public String user() {
        return user;
    }

    /** Whether this server was started by this class (rather than found on PGHOST/PGPORT). */
    public boolean selfStarted() {
        return selfStarted;
    }

    /**
     * Creates an empty database {@code vt_test_<random>}.
     *
     * @throws IllegalStateException if the server refuses
     */
    public Database newDatabase() {
        String name = "vt_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        try (Connection c = admin();
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "cannot create database " + name + " on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        return new Database(this, name);
    }

    /** Stops a self-started server (fast shutdown) and deletes its directory; no-op for an external one. */
    @Override
    public synchronized void close() {
        if (process == null) {
            return;
        }
        Process p = process;
        process = null;
        try {
            new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor(10, TimeUnit.SECONDS);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (IOException e) {
            p.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
        }
        deleteTree(dir);
    }

    private static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // best effort: a temporary directory
                }
            });
        } catch (IOException e) {
            // best effort
        }
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT, "PostgresServer[%s:%d, %s]", host, port, selfStarted ? "self-started" : "external");
    }

    /** A throwaway database; {@link #close()} drops it (terminating any connection left open). */
    public static final class Database implements AutoCloseable {
        private final PostgresServer server;
        private final String name;
        private boolean dropped;

        private Database(PostgresServer server, String name) {
            this.server = server;
            this.name = name;
        }

        public String name() {
            return name;
        }

        /** {@code jdbc:postgresql://host:port/name}. */
        public String jdbcUrl() {
            return server.jdbcUrl(name);
        }

        public String host() {
            return server.host;
        }

        public int port() {
            return server.port;
        }

        public String user() {
            return server.user;
        }

        /** The password, empty for none. */
        public String password() {
            return server.password;
        }

        /** A new connection to this database (the caller closes it). */
        public Connection connect() throws SQLException {
            return server.connect(name);
        }

        @Override
        public synchronized void close() {
            if (dropped) {
                return;
            }
            dropped = true;
            try (Connection c = server.admin();
                    Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            } catch (SQLException e) {
                throw new IllegalStateException("cannot drop database " + name + ": " + e.getMessage(), e);
            }
        }

        @Override
        public String toString() {
            return "Database[" + jdbcUrl() + "]";
        }
    }
}
