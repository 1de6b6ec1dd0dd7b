-- VoiceTrack schema 1 (SQLite). Times are epoch milliseconds, days are epoch days.
-- STRICT tables reject a value that is not an integer, so an overflowing sum fails the batch.
-- No foreign keys: nothing is ever deleted by a cascade.
CREATE TABLE vt_guilds (
    guild_id      INTEGER NOT NULL PRIMARY KEY,
    config        TEXT    NOT NULL,
    created_at_ms INTEGER NOT NULL,
    updated_at_ms INTEGER NOT NULL
) STRICT;

CREATE TABLE vt_members (
    guild_id        INTEGER NOT NULL,
    user_id         INTEGER NOT NULL,
    voice_ms        INTEGER NOT NULL,
    xp              INTEGER NOT NULL,
    level           INTEGER NOT NULL,
    sessions        INTEGER NOT NULL,
    messages        INTEGER NOT NULL,
    last_seen_ms    INTEGER NOT NULL,
    streak          INTEGER NOT NULL,
    last_active_day INTEGER NOT NULL,
    PRIMARY KEY (guild_id, user_id)
) STRICT, WITHOUT ROWID;

-- One index per leaderboard metric: ORDER BY metric DESC, user_id and the rank counts use them.
CREATE INDEX vt_members_xp ON vt_members (guild_id, xp DESC, user_id);
CREATE INDEX vt_members_voice ON vt_members (guild_id, voice_ms DESC, user_id);
CREATE INDEX vt_members_messages ON vt_members (guild_id, messages DESC, user_id);
CREATE INDEX vt_members_level ON vt_members (guild_id, level DESC, user_id);

CREATE TABLE vt_member_channels (
    guild_id   INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    channel_id INTEGER NOT NULL,
    voice_ms   INTEGER NOT NULL,
    sessions   INTEGER NOT NULL,
    PRIMARY KEY (guild_id, user_id, channel_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE vt_member_metadata (
    guild_id INTEGER NOT NULL,
    user_id  INTEGER NOT NULL,
    key      TEXT    NOT NULL,
    value    TEXT    NOT NULL,
    PRIMARY KEY (guild_id, user_id, key)
) STRICT, WITHOUT ROWID;

CREATE TABLE vt_daily_activity (
    guild_id   INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    day        INTEGER NOT NULL,
    channel_id INTEGER NOT NULL,
    voice_ms   INTEGER NOT NULL,
    xp         INTEGER NOT NULL,
    messages   INTEGER NOT NULL,
    PRIMARY KEY (guild_id, user_id, day, channel_id)
) STRICT, WITHOUT ROWID;

-- Windowed leaderboards and ranks: every row of a guild within a range of days.
CREATE INDEX vt_daily_activity_guild_day ON vt_daily_activity (guild_id, day, user_id);

CREATE TABLE vt_sessions (
    id              TEXT    NOT NULL PRIMARY KEY,
    guild_id        INTEGER NOT NULL,
    user_id         INTEGER NOT NULL,
    channel_id      INTEGER NOT NULL,
    start_ms        INTEGER NOT NULL,
    end_ms          INTEGER,
    last_accrual_ms INTEGER NOT NULL,
    duration_ms     INTEGER NOT NULL,
    xp_earned       INTEGER NOT NULL,
    muted_ms        INTEGER NOT NULL,
    deafened_ms     INTEGER NOT NULL
) STRICT;

CREATE INDEX vt_sessions_member ON vt_sessions (guild_id, user_id, start_ms DESC, id);
CREATE INDEX vt_sessions_open ON vt_sessions (start_ms, id) WHERE end_ms IS NULL;
