package dev.voicetrack.bench.cache;

import java.io.Serializable;

/**
 * The cached value of the benchmarks: a small immutable record shaped like a member's stats. Every
 * component is primitive, so the VoiceTrack cache's immutability check classifies the type once and
 * then costs a map look-up per write. Serializable, for the JCache benchmarks' store-by-value caches.
 */
public record MemberSnapshot(long guildId, long userId, long voiceMillis, long xp, int level) implements Serializable {}
