package dev.voicetrack.core.storage.kernel;

import dev.voicetrack.core.storage.LevelChange;
import dev.voicetrack.core.storage.LevelRaise;
import org.jspecify.annotations.Nullable;

/**
 * Levels only rise through {@link dev.voicetrack.core.storage.Storage#raiseLevels}: a raise to a level
 * at or below the stored one changes nothing and is not reported; a raise of a member that does not
 * exist creates nothing. (The absolute sets {@code setXp}/{@code setLevel} are admin operations and
 * may lower a level.) Increments never change a level.
 */
public final class LevelRule {
    private LevelRule() {}

    /** Whether a raise to {@code requested} changes a stored {@code level}. */
    public static boolean raises(int level, int requested) {
        return requested > level;
    }

    /**
     * The change a raise makes to a member holding {@code level} and {@code xp}, or null if none.
     */
    public static @Nullable LevelChange apply(LevelRaise raise, int level, long xp) {
        return raises(level, raise.level())
                ? new LevelChange(raise.guildId(), raise.userId(), level, raise.level(), xp)
                : null;
    }

    /**
     * An SQL update that raises one member's level and touches nothing otherwise; parameters: new
     * level, guild id, user id, new level again. Returns one updated row when it raised.
     */
    public static final String SQL_RAISE =
            "UPDATE vt_members SET level = ? WHERE guild_id = ? AND user_id = ? AND level < ?";
}
