package dev.voicetrack.storage.jdbc.internal;

import com.zaxxer.hikari.HikariConfig;

/**
 * What {@link Database} needs to know of the one database a store talks to: its dialect, how to
 * configure the pool, and what to do around opening and closing it. {@link SqliteTarget} is a file on
 * this machine, {@link PostgresTarget} a server. Called under {@link Database}'s lifecycle write lock
 * only, so implementations need no locking of their own.
 */
interface Target {

    Dialect dialect();

    /** Whether the store may only read: no journal-mode change, no migration, every write refused. */
    boolean readOnly();

    /** The database for messages: a file path, or a JDBC URL with any password hidden. */
    String describe();

    /** A new pool configuration (each open builds one). */
    HikariConfig poolConfig();

    /**
     * Runs before a pool opens: SQLite refuses a missing file it must not create and, when {@code
     * checkFirst}, a damaged one, then announces to other processes that the file is in use.
     */
    void beforeOpen(boolean checkFirst);

    /** Runs once the store is closed or failed to open: undoes what {@link #beforeOpen} announced. */
    void released();
}
