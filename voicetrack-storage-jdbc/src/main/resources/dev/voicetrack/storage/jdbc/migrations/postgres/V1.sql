-- VoiceTrack schema 1 (PostgreSQL). Times are epoch milliseconds, days are epoch days.
-- BIGINT arithmetic that overflows raises an error, so an overflowing sum fails the batch.
-- No foreign keys: nothing is ever deleted by a cascade.
CREATE TABLE vt_guilds (
    guild_id      BIGINT NOT NULL PRIMARY KEY,
    config        TEXT    NOT NULL,
    created_at_ms BIGINT  NOT NULL,
    updated_at_ms BIGINT  NOT NULL
);

CREATE TABLE vt_members (
    guild_id        BIGINT  NOT NULL,
    user_id         BIGINT  NOT NULL,
    voice_ms        BIGINT  NOT NULL,
    xp              BIGINT  NOT NULL,
    level           INTEGER NOT NULL,
    sessions        BIGINT  NOT NULL,
    messages        BIGINT  NOT NULL,
    last_seen_ms    BIGINT  NOT NULL,
    streak          INTEGER NOT NULL,
    last_active_day BIGINT  NOT NULL,
    PRIMARY KEY (guild_id, user_id)
);

-- One index per leaderboard metric: ORDER BY metric DESC, user_id and the rank counts use them.
CREATE INDEX vt_members_xp ON vt_members (guild_id, xp DESC, user_id);
CREATE INDEX vt_members_voice ON vt_members (guild_id, voice_ms DESC, user_id);
CREATE INDEX vt_members_messages ON vt_members (guild_id, messages DESC, user_id);
CREATE INDEX vt_members_level ON vt_members (guild_id, level DESC, user_id);

CREATE TABLE vt_member_channels (
    guild_id   BIGINT  NOT NULL,
    user_id    BIGINT  NOT NULL,
    channel_id BIGINT  NOT NULL,
    voice_ms   BIGINT  NOT NULL,
    sessions   BIGINT  NOT NULL,
    PRIMARY KEY (guild_id, user_id, channel_id)
);

CREATE TABLE vt_member_metadata (
    guild_id BIGINT  NOT NULL,
    user_id  BIGINT  NOT NULL,
    key      TEXT    NOT NULL,
    value    TEXT    NOT NULL,
    PRIMARY KEY (guild_id, user_id, key)
);

CREATE TABLE vt_daily_activity (
    guild_id   BIGINT  NOT NULL,
    user_id    BIGINT  NOT NULL,
    day        BIGINT  NOT NULL,
    channel_id BIGINT  NOT NULL,
    voice_ms   BIGINT  NOT NULL,
    xp         BIGINT  NOT NULL,
    messages   BIGINT  NOT NULL,
    PRIMARY KEY (guild_id, user_id, day, channel_id)
);

-- Windowed leaderboards and ranks: every row of a guild within a range of days.
CREATE INDEX vt_daily_activity_guild_day ON vt_daily_activity (guild_id, day, user_id);

CREATE TABLE vt_sessions (
    id              TEXT    NOT NULL PRIMARY KEY,
    guild_id        BIGINT  NOT NULL,
    user_id         BIGINT  NOT NULL,
    channel_id      BIGINT  NOT NULL,
    start_ms        BIGINT  NOT NULL,
    end_ms          BIGINT,
    last_accrual_ms BIGINT  NOT NULL,
    duration_ms     BIGINT  NOT NULL,
    xp_earned       BIGINT  NOT NULL,
    muted_ms        BIGINT  NOT NULL,
    deafened_ms     BIGINT  NOT NULL
);

CREATE INDEX vt_sessions_member ON vt_sessions (guild_id, user_id, start_ms DESC, id);
CREATE INDEX vt_sessions_open ON vt_sessions (start_ms, id) WHERE end_ms IS NULL;
