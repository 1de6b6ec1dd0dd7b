package dev.voicetrack.core.storage.kernel;

/**
 * A prune a write does with its hourly rows: delete the guild's rows of every slot before {@code
 * keptFrom} ({@link HourlyRule#keptFrom}).
 */
public record HourPrune(long guildId, long keptFrom) {}
