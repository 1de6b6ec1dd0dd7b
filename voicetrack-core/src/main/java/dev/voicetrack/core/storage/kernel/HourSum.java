package dev.voicetrack.core.storage.kernel;

/**
 * What a batch adds to one hourly row of a guild ({@link HourlyRule}): the (slot, channel) row's voice
 * time and messages. Part of a {@link FoldedBatch}.
 *
 * @param slot the local hour slot ({@link HourlyRule#slot})
 * @param channelId the channel, 0 for none
 */
public record HourSum(long guildId, long slot, long channelId, long voiceMs, long messages) {}
