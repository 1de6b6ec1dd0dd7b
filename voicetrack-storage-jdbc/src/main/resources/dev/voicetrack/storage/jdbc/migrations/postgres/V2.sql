-- VoiceTrack schema 2 (PostgreSQL): a write sequence per guild. Every transaction that changes a
-- guild's member totals moves seq forward (to the writer's clock in microseconds, or by one if that
-- is not later) and keeps the value it replaced in prev_seq, so that a process holding ranks in
-- memory can tell its own writes from those of other processes. Never deleted with the guild.
CREATE TABLE vt_guild_writes (
    guild_id BIGINT NOT NULL PRIMARY KEY,
    seq      BIGINT NOT NULL,
    prev_seq BIGINT NOT NULL
);

-- Every tick rewrites each open session's row and each active member's per-channel and daily rows,
-- changing no indexed column: with free space left on each page, PostgreSQL makes those heap-only
-- updates that add no index entries. (Member rows change their indexed totals and gain nothing.)
ALTER TABLE vt_sessions SET (fillfactor = 70);
ALTER TABLE vt_member_channels SET (fillfactor = 70);
ALTER TABLE vt_daily_activity SET (fillfactor = 70);
