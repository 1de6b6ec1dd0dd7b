package dev.voicetrack.jda.internal;

import dev.voicetrack.jda.AnnouncementStore;
import dev.voicetrack.jda.LevelUpAnnouncement;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

public final class InMemoryAnnouncementStore implements AnnouncementStore {
    private final Map<Long, LevelUpAnnouncement> settings = new ConcurrentHashMap<>();

    @Override
    public LevelUpAnnouncement get(long guildId) {
        return settings.getOrDefault(guildId, LevelUpAnnouncement.OFF);
    }

    @Override
    public void put(long guildId, LevelUpAnnouncement announcement) {
        settings.put(guildId, Objects.requireNonNull(announcement, "announcement must not be null"));
    }
}
