package dev.voicetrack.core.storage.kernel;

import dev.voicetrack.core.storage.StorageException;
import org.jspecify.annotations.Nullable;

/**
 * The lifecycle of a storage and its error texts: new, then initialised by {@code init()}, then
 * closed by {@code close()} (final); optionally broken (a failure after which only a restart helps).
 * Every operation but {@code init()} and {@code close()} requires {@link #checkReady()}.
 *
 * <p>Thread safe: the states are volatile, and {@code init()} and {@code close()} are serialised by
 * {@link AbstractStorage} on this object.
 */
public final class Lifecycle {
    private volatile boolean initialized;
    private volatile boolean closed;
    private volatile @Nullable String broken;

    /** @throws StorageException "storage is closed" once {@link #markClosed()} was called */
    public void checkOpen() {
        if (closed) {
            throw new StorageException("storage is closed");
        }
    }

    /**
     * @throws StorageException if the storage is closed, not initialised ("storage is not initialized:
     *     call init() first"), or broken (the message given to {@link #markBroken})
     */
    public void checkReady() {
        checkOpen();
        if (!initialized) {
            throw new StorageException("storage is not initialized: call init() first");
        }
        String why = broken;
        if (why != null) {
            throw new StorageException(why);
        }
    }

    public boolean isInitialized() {
        return initialized;
    }

    public boolean isClosed() {
        return closed;
    }

    public void markInitialized() {
        initialized = true;
    }

    public void markClosed() {
        closed = true;
    }

    /**
     * Refuses every later operation with {@code message} (the first message given stays).
     *
     * @param message the whole error text, e.g. "JSON storage in data needs a restart: ..."
     */
    public void markBroken(String message) {
        if (broken == null) {
            broken = StorageArgs.notNull(message, "message");
        }
    }
}
