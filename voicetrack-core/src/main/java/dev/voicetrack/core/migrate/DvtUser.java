package dev.voicetrack.core.migrate;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A discord-vc-tracker member record ({@code UserData}) as its storage holds it.
 *
 * @param userId the user id as stored
 * @param totalVoiceTime credited voice time, ms
 * @param xp total XP
 * @param level the stored level (kept even when the formula would give another)
 * @param channels the per-channel entries, in stored order
 * @param lastSeen the stored {@code lastSeen}, or null if missing
 * @param streak the stored streak (the original never changes it from 0)
 * @param totalSessions sessions started
 * @param metadata the free-form metadata object, or null when the member has none; values are plain
 *     trees as in {@link DvtGuild}
 */
public record DvtUser(
        String userId,
        long totalVoiceTime,
        long xp,
        long level,
        List<DvtChannel> channels,
        @Nullable Instant lastSeen,
        long streak,
        long totalSessions,
        @Nullable Map<String, Object> metadata) {

    public DvtUser {
        Objects.requireNonNull(userId, "userId must not be null");
        channels = List.copyOf(channels);
        metadata = metadata == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /**
     * One per-channel entry ({@code ChannelData}).
     *
     * @param channelId the channel id as stored
     * @param voiceTime voice time credited in the channel, ms
     * @param sessions the stored session count (the original sets it to 1 and never raises it)
     * @param lastActivity the last credit in the channel, or null if missing
     */
    public record DvtChannel(String channelId, long voiceTime, long sessions, @Nullable Instant lastActivity) {
        public DvtChannel {
            Objects.requireNonNull(channelId, "channelId must not be null");
        }
    }
}
