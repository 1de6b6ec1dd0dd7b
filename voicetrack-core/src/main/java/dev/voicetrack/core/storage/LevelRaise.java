package dev.voicetrack.core.storage;

/** A request to raise a stored level to at least {@code level} (never lowers it). */
public record LevelRaise(long guildId, long userId, int level) {}
