package dev.voicetrack.core.storage;

/** A member's totals right after a write, as storage holds them. */
public record MemberTotals(long guildId, long userId, long xp, int level, long voiceTimeMs) {}
