-- VoiceTrack schema 2 (SQLite): a write sequence per guild. Every transaction that changes a
-- guild's member totals moves seq forward (to the writer's clock in microseconds, or by one if that
-- is not later) and keeps the value it replaced in prev_seq, so that a process holding ranks in
-- memory can tell its own writes from those of other processes. Never deleted with the guild.
CREATE TABLE vt_guild_writes (
    guild_id INTEGER NOT NULL PRIMARY KEY,
    seq      INTEGER NOT NULL,
    prev_seq INTEGER NOT NULL
) STRICT;
