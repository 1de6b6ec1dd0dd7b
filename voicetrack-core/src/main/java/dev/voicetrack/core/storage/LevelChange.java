package dev.voicetrack.core.storage;

/** A stored level that a {@link Storage#raiseLevels} call raised from {@code oldLevel} to {@code newLevel}. */
public record LevelChange(long guildId, long userId, int oldLevel, int newLevel, long xp) {}
