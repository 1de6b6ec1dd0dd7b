package dev.voicetrack.bot.internal;

import dev.voicetrack.bot.BotConfig;
import dev.voicetrack.core.storage.Storage;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The storage the configuration names, opened and initialised (a damaged SQLite file is refused with
 * how to restore it), and the {@link TimedStorage} in front of it that bounds every call by {@code
 * STORAGE_TIMEOUT} and feeds the storage metrics and health. Stopping closes both: the wrapper's
 * threads, then the storage.
 */
final class StorageStack implements Component {
    private static final Logger LOG = LoggerFactory.getLogger(StorageStack.class);
    private static final Pattern MONGO_REASON = Pattern.compile("caused by \\{([^}]*)}");

    private final BotConfig config;
    private final MeterRegistry registry;
    private final StorageHealth health;
    private final Started<Storage> raw = new Started<>("storage");
    private final Started<TimedStorage> timed = new Started<>("storage");

    StorageStack(BotConfig config, MeterRegistry registry, StorageHealth health) {
        this.config = config;
        this.registry = registry;
        this.health = health;
    }

    @Override
    public String name() {
        return "storage";
    }

    /** The storage itself, for maintenance (backups, optimize, size) that the timeouts must not cut. */
    Storage raw() {
        return raw.get();
    }

    /** The storage as the tracker and the health probe use it. */
    TimedStorage timed() {
        return timed.get();
    }

    Started<Storage> started() {
        return raw;
    }

    @Override
    public void start() {
        Storage storage = Storages.open(config);
        try {
            Storages.init(storage, config);
        } catch (RuntimeException e) {
            closeQuietly(storage);
            throw unreachableMongo(e);
        }
        raw.set(storage);
        String backend = Storages.backendName(storage);
        LOG.info("Storage: {} ({})", backend, config.storage().describe());
        timed.set(new TimedStorage(storage, registry, backend, config.storage().timeout(), health));
    }

    @Override
    public void stop() {
        timed.get().close(); // its threads, then the storage
    }

    private static void closeQuietly(Storage storage) {
        try {
            storage.close();
        } catch (RuntimeException e) {
            LOG.debug("Closing the storage after a failed start failed", e);
        }
    }

    /**
     * A MongoDB server that does not answer within the server-selection bound becomes one line naming
     * {@code MONGODB_URI} (password masked); anything else is returned as it is.
     */
    private RuntimeException unreachableMongo(RuntimeException e) {
        if (config.storageKind() != BotConfig.StorageKind.MONGO) {
            return e;
        }
        String uri = config.storage().mongoUri().orElseThrow();
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof com.mongodb.MongoTimeoutException) {
                Matcher why = MONGO_REASON.matcher(String.valueOf(c.getMessage()));
                String reason = why.find() ? " (" + why.group(1) + ")" : "";
                return new IllegalStateException("MONGODB_URI: no MongoDB server answered at "
                        + BotConfig.maskUrl(uri) + " within "
                        + (uri.toLowerCase(Locale.ROOT).contains("serverselectiontimeoutms=")
                                ? "its serverSelectionTimeoutMS"
                                : Storages.MONGO_SERVER_SELECTION.toSeconds() + " s")
                        + reason + "; is the server running and the URI right?");
            }
        }
        return e;
    }
}
