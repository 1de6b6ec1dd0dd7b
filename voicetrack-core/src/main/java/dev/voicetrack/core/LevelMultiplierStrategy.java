package dev.voicetrack.core;

/**
 * The {@code m} of {@code level = floor(m * sqrt(xp))} for a guild. Called once per guild per tick
 * and by queries; must be fast, must not block, and must return a finite number > 0.
 */
@FunctionalInterface
public interface LevelMultiplierStrategy {
    double multiplier(long guildId, GuildConfig config);
}
