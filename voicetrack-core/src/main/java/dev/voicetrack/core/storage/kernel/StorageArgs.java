package dev.voicetrack.core.storage.kernel;

import dev.voicetrack.core.Metric;
import dev.voicetrack.core.storage.DayRange;
import dev.voicetrack.core.storage.StorageException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Every argument check of the {@link dev.voicetrack.core.storage.Storage} SPI and its error text, in
 * one place. {@link AbstractStorage} runs them before it calls a backend's primitive; a backend that
 * does not extend it calls them itself. Each check throws {@link IllegalArgumentException} (or {@link
 * NullPointerException} for a missing argument) naming the argument and the value it was given.
 */
public final class StorageArgs {
    private StorageArgs() {}

    /**
     * @return {@code value}
     * @throws NullPointerException "{@code name} must not be null"
     */
    public static <T> T notNull(@Nullable T value, String name) {
        return Objects.requireNonNull(value, () -> name + " must not be null");
    }

    /** @throws IllegalArgumentException if {@code limit < 1} or {@code offset < 0} (a leaderboard page) */
    public static void page(int limit, int offset) {
        if (limit < 1 || offset < 0) {
            throw new IllegalArgumentException(
                    "limit must be >= 1 and offset >= 0, was limit=" + limit + ", offset=" + offset);
        }
    }

    /** @throws IllegalArgumentException if {@code limit < 0} (a list of sessions) */
    public static void sessionLimit(int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0, was " + limit);
        }
    }

    /**
     * A ranked metric and its window: {@link Metric#LEVEL} is only ranked over all time.
     *
     * @throws NullPointerException if metric is null
     * @throws IllegalArgumentException for {@link Metric#LEVEL} with a range
     */
    public static void metric(Metric metric, @Nullable DayRange range) {
        notNull(metric, "metric");
        if (metric == Metric.LEVEL && range != null) {
            throw new IllegalArgumentException("metric level is only ranked over all time, was windowed " + range);
        }
    }

    /** @throws IllegalArgumentException if xp or level is negative (an absolute set) */
    public static void xpAndLevel(long xp, int level) {
        if (xp < 0 || level < 0) {
            throw new IllegalArgumentException("xp and level must be >= 0, was xp=" + xp + ", level=" + level);
        }
    }

    /** @throws IllegalArgumentException if level is negative */
    public static void level(int level) {
        if (level < 0) {
            throw new IllegalArgumentException("level must be >= 0, was " + level);
        }
    }

    /**
     * Checks a guild and a user id (Discord snowflakes are positive).
     *
     * @throws IllegalArgumentException naming the id that is not positive
     */
    public static void ids(long guildId, long userId) {
        if (guildId <= 0 || userId <= 0) {
            throw new IllegalArgumentException("ids must be > 0, was guildId=" + guildId + ", userId=" + userId);
        }
    }

    /**
     * A metadata edit: keys and values must not be null.
     *
     * @return immutable copies: {@code set} and then {@code remove}, in the order given
     * @throws NullPointerException naming what is null: set, remove, or a key or value in them
     */
    public static MetadataEdit metadata(Map<String, String> set, Collection<String> remove) {
        notNull(set, "set");
        notNull(remove, "remove");
        set.forEach((k, v) -> {
            metadataKey(k);
            notNull(v, "metadata value of key '" + k + "'");
        });
        remove.forEach(StorageArgs::metadataKey);
        return new MetadataEdit(Map.copyOf(set), List.copyOf(remove));
    }

    private static void metadataKey(@Nullable String key) {
        notNull(key, "metadata key");
    }

    /** A checked metadata edit: put {@link #set}, then remove {@link #remove}. */
    public record MetadataEdit(Map<String, String> set, List<String> remove) {}

    /**
     * The one wording of a rejected batch: a member's total would overflow a {@code long}.
     *
     * @return the exception to throw (nothing of the batch may have been written)
     */
    public static StorageException overflow(long guildId, long userId) {
        return new StorageException(
                "batch rejected: a total of member " + userId + " in guild " + guildId + " would overflow");
    }
}
