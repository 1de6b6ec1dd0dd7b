package dev.voicetrack.emulator.internal;

import dev.voicetrack.emulator.RateLimits;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** Everything the builder configured; validated by {@link dev.voicetrack.emulator.DiscordEmulator.Builder}. */
public record Settings(
        int port,
        String botName,
        String botToken,
        Duration heartbeatInterval,
        Clock clock,
        RateLimits rateLimits,
        Duration interactionAckDeadline,
        Duration interactionTokenLifetime,
        boolean privilegedIntentsAllowed,
        long botPermissions,
        Duration invalidRequestBan,
        @Nullable Instant idsFrom,
        int shards) {}
