-- VoiceTrack schema 3 (SQLite): a guild's hourly activity, per local hour slot (epoch day * 24 +
-- hour of day, in the guild's time zone; see the kernel's HourlyRule) and channel (0 = none).
-- Written with each batch; pruned past the retention by a range delete on the key.
CREATE TABLE vt_hourly_activity (
    guild_id   INTEGER NOT NULL,
    hour       INTEGER NOT NULL,
    channel_id INTEGER NOT NULL,
    voice_ms   INTEGER NOT NULL,
    messages   INTEGER NOT NULL,
    PRIMARY KEY (guild_id, hour, channel_id)
) STRICT, WITHOUT ROWID;
