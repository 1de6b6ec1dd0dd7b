package dev.voicetrack.core;

/**
 * Computes the XP a member in voice earns at one check (the original's {@code registerXPStrategy}
 * callback). Called on the tick thread once per tracked member per tick: it must be fast and must not
 * block; use {@link AsyncXpStrategy} for anything that does I/O.
 */
@FunctionalInterface
public interface XpStrategy {
    /**
     * @return the XP to add, >= 0; a negative result is reported as an error and counted as 0
     */
    long xp(MemberContext member);
}
