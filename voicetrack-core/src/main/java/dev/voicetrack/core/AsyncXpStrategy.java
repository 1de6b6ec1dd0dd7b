package dev.voicetrack.core;

import java.util.concurrent.CompletionStage;

/**
 * An XP strategy that may do I/O (for example read your own database). The tick starts every
 * member's stage first and then waits for all of them, at most the tracker's {@code strategyTimeout};
 * a stage that fails or does not complete in time is reported through the {@code error} event and
 * gives that member no XP for that check (its voice time is still recorded).
 */
@FunctionalInterface
public interface AsyncXpStrategy {
    CompletionStage<Long> xp(MemberContext member);
}
