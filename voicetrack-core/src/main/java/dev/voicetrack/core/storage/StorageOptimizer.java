package dev.voicetrack.core.storage;

/**
 * A {@link StorageMaintenance} that can reclaim space and refresh its query planner's statistics:
 * SQLite and PostgreSQL in this project.
 */
public interface StorageOptimizer extends StorageMaintenance {

    /**
     * Reclaims space and refreshes the planner's statistics (SQLite: {@code PRAGMA optimize}, {@code
     * VACUUM} when there are free pages; PostgreSQL: {@code VACUUM (ANALYZE)}). Blocks for I/O; call it
     * off gateway and tick threads.
     *
     * @throws StorageException if the database fails
     */
    Optimized optimizeStorage();
}
