package dev.voicetrack.core;

/**
 * A runtime filter on members (the original's {@code memberFilter}); {@code false} means "do not
 * track". Not persisted: see {@link GuildConfig#memberFilter()}. Called on the tick thread; must be
 * fast and must not block.
 */
@FunctionalInterface
public interface MemberFilter {
    /** Accepts every member. */
    MemberFilter ALL = member -> true;

    boolean test(MemberContext member);
}
