package dev.voicetrack.core;

/**
 * Computes the voice time (ms) credited to a tracked member at one check. {@code measuredMs} is the
 * time the member actually spent tracked since the previous check (what the {@code elapsed} strategy
 * returns). Called on the tick thread; must be fast and must not block.
 */
@FunctionalInterface
public interface VoiceTimeStrategy {
    long voiceTimeMs(MemberContext member, long measuredMs);
}
