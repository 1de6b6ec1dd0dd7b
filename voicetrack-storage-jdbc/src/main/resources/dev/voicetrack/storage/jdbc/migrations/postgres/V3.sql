-- VoiceTrack schema 3 (PostgreSQL): a guild's hourly activity, per local hour slot (epoch day * 24 +
-- hour of day, in the guild's time zone; see the kernel's HourlyRule) and channel (0 = none).
-- Written with each batch; pruned past the retention by a range delete on the key. Every tick
-- rewrites the current hour's rows without changing an indexed column (heap-only updates).
CREATE TABLE vt_hourly_activity (
    guild_id   BIGINT NOT NULL,
    hour       BIGINT NOT NULL,
    channel_id BIGINT NOT NULL,
    voice_ms   BIGINT NOT NULL,
    messages   BIGINT NOT NULL,
    PRIMARY KEY (guild_id, hour, channel_id)
) WITH (fillfactor = 70);
