package dev.voicetrack.bot.internal;

import dev.voicetrack.bot.BotConfig;
import dev.voicetrack.bot.ConfigException;
import dev.voicetrack.storage.jdbc.JdbcStorage;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the bot claims before it opens anything, so that a clash fails at once (exit 1 or 2) having
 * written nothing: the admin API's port, the SQLite database (one bot per file), and a usable {@code
 * BACKUP_DIR}. Each is a {@link Component}, present only when the configuration needs it.
 */
final class Preflight {
    private static final Logger LOG = LoggerFactory.getLogger(Preflight.class);

    private final List<Component> components = new ArrayList<>();
    private final Optional<AdminPortHold> adminPort;

    Preflight(BotConfig config) {
        adminPort = config.adminApi()
                .bind()
                .filter(a -> a.getPort() != 0) // any free port: nothing to hold
                .map(AdminPortHold::new);
        adminPort.ifPresent(components::add);
        if (config.storageKind() == BotConfig.StorageKind.SQLITE) {
            components.add(databaseClaim(config.storage().sqlitePath()));
        }
        components.add(Component.of("backup directory", () -> requireUsableBackupDir(config), () -> {}));
    }

    /** In the order they are claimed. */
    List<Component> components() {
        return components;
    }

    /** The held admin port, for the admin API to take over. */
    Optional<AdminPortHold> adminPort() {
        return adminPort;
    }

    /**
     * SQLite: one bot per database file; released after the storage is closed (its final writes are
     * done). A second bot is refused naming the file and, on Linux, the process.
     */
    private static Component databaseClaim(Path database) {
        Started<JdbcStorage.OwnerClaim> claim = new Started<>("database claim");
        return Component.of("database claim", () -> claim.set(JdbcStorage.claimSqliteOwner(database)), () -> claim.get()
                .close());
    }

    /**
     * Refuses a {@code BACKUP_DIR} that backups could never be written to (a file, or a directory that
     * cannot be created), at start rather than at the first backup hours later. Only for SQLite with
     * backups on (a schedule or the shutdown backup); creates the directory, which the backups need
     * anyway.
     *
     * @throws ConfigException naming {@code BACKUP_DIR}, the value and why
     */
    static void requireUsableBackupDir(BotConfig config) {
        if (config.storageKind() != BotConfig.StorageKind.SQLITE
                || !config.backup().any()) {
            return;
        }
        Path dir = config.backup().dir();
        String shown = BotConfig.abbreviate(dir.toString());
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new ConfigException("BACKUP_DIR must be a directory, was '" + shown + "' (an existing file)");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException | RuntimeException e) {
            throw new ConfigException("BACKUP_DIR cannot be created, was '" + shown + "': " + e);
        }
        if (!Files.isWritable(dir)) {
            throw new ConfigException("BACKUP_DIR is not writable, was '" + shown + "'");
        }
    }

    /**
     * The admin API's address, bound and held until the API takes it over ({@link #release}), so that a
     * port in use fails at once (exit 2), before Discord, storage or any file is touched.
     */
    static final class AdminPortHold implements Component {
        private final InetSocketAddress address;
        private volatile Optional<ServerSocket> socket = Optional.empty();

        AdminPortHold(InetSocketAddress address) {
            this.address = address;
        }

        @Override
        public String name() {
            return "held admin port";
        }

        @Override
        public void start() {
            ServerSocket s = null;
            try {
                s = new ServerSocket();
                s.setReuseAddress(true); // as Jetty does, so that it can bind the port right after we let go
                s.bind(address);
                socket = Optional.of(s);
            } catch (IOException e) {
                try {
                    if (s != null) {
                        s.close();
                    }
                } catch (IOException ignored) {
                    // nothing was bound
                }
                throw new ConfigException("ADMIN_API_BIND: cannot listen on "
                        + address.getAddress().getHostAddress() + ":"
                        + address.getPort() + " (" + e.getMessage() + "); another process may use the port."
                        + " Choose another ADMIN_API_BIND, or off");
            }
        }

        @Override
        public void stop() {
            release();
        }

        /** Lets the port go; idempotent. */
        synchronized void release() {
            Optional<ServerSocket> s = socket;
            socket = Optional.empty();
            s.ifPresent(held -> {
                try {
                    held.close();
                } catch (IOException e) {
                    LOG.debug("Closing the held admin port failed", e);
                }
            });
        }
    }
}
