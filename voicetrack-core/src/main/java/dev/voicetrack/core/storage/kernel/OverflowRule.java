package dev.voicetrack.core.storage.kernel;

/**
 * No total ever overflows a {@code long}: a batch whose increments would take any of a member's totals
 * (voice time, XP, messages, sessions, per-channel or per-day sums) past {@link Long#MAX_VALUE} is
 * rejected whole with {@link StorageArgs#overflow}, and nothing of it is written. Exactly {@code
 * Long.MAX_VALUE} is a valid total.
 */
public final class OverflowRule {
    private OverflowRule() {}

    /**
     * {@code total + increment}.
     *
     * @throws dev.voicetrack.core.storage.StorageException (the {@link StorageArgs#overflow} text) if it
     *     overflows
     */
    public static long add(long total, long increment, long guildId, long userId) {
        long r = total + increment;
        if (((total ^ r) & (increment ^ r)) < 0) {
            throw StorageArgs.overflow(guildId, userId);
        }
        return r;
    }
}
