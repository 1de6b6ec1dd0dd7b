-- A later schema: a new table and a new column with a default.
CREATE TABLE vt_test_extra (guild_id INTEGER NOT NULL PRIMARY KEY, note TEXT NOT NULL) STRICT;
ALTER TABLE vt_guilds ADD COLUMN note TEXT;
