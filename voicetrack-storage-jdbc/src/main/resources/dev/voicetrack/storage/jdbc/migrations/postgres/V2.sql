-- VoiceTrack schema 2 (PostgreSQL): a write sequence per guild. Every transaction that changes a
-- guild's member totals moves seq forward (to the writer's clock in microseconds, or by one if that
-- is not later) and keeps the value it replaced in prev_seq, so that a process holding ranks in
-- memory can tell its own writes from those of other processes. Never deleted with the guild.
CREATE TABLE vt_guild_writes (
    guild_id BIGINT NOT NULL PRIMARY KEY,
    seq      BIGINT NOT NULL,
    prev_seq BIGINT NOT NULL
);
