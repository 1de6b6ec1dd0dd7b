package dev.voicetrack.jda;

import dev.voicetrack.jda.internal.InMemoryAnnouncementStore;

/**
 * Where each guild's {@link LevelUpAnnouncement} setting is kept. The default keeps them in memory (lost on
 * restart); the bot supplies one backed by its storage. Implementations must be thread safe; {@link #get} is
 * called on the tracker's listener thread at each level-up and should be cheap.
 */
public interface AnnouncementStore {

    /** The guild's setting, {@link LevelUpAnnouncement#OFF} when none was set. */
    LevelUpAnnouncement get(long guildId);

    /** Replaces the guild's setting. */
    void put(long guildId, LevelUpAnnouncement announcement);

    /** A store in memory. */
    static AnnouncementStore inMemory() {
        return new InMemoryAnnouncementStore();
    }
}
