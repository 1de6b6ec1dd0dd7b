package dev.voicetrack.bot.internal;

import dev.voicetrack.jda.AnnouncementStore;
import dev.voicetrack.jda.LevelUpAnnouncement;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeSet;

/**
 * The bot's level-up announcement settings, kept in a properties file so that {@code /config levelup}
 * survives a restart: {@code <guild>.mode}, {@code <guild>.channel} and {@code <guild>.template} per
 * guild. Loaded once at start; every change rewrites the file through a temporary file and an atomic
 * move, so a crash leaves either the old file or the new one. A file that cannot be read or holds an
 * invalid setting stops start-up with the file and the key named, and is never overwritten.
 *
 * <p>Thread safe: changes are rare (an admin command), so one lock guards the map and the write.
 */
final class FileAnnouncementStore implements AnnouncementStore {

    private final Path file;
    private final Map<Long, LevelUpAnnouncement> settings = new HashMap<>();

    FileAnnouncementStore(Path file) {
        this.file = Objects.requireNonNull(file, "file");
        if (Files.exists(file)) {
            load();
        }
    }

    private void load() {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException(
                    "announcement settings file " + file + " cannot be read: " + e.getMessage(), e);
        }
        for (String key : p.stringPropertyNames()) {
            if (!key.endsWith(".mode")) {
                continue;
            }
            String guild = key.substring(0, key.length() - ".mode".length());
            try {
                long guildId = Long.parseLong(guild);
                var mode = LevelUpAnnouncement.Mode.valueOf(p.getProperty(key));
                long channel = Long.parseLong(p.getProperty(guild + ".channel", "0"));
                String template = p.getProperty(guild + ".template", LevelUpAnnouncement.DEFAULT_TEMPLATE);
                settings.put(guildId, new LevelUpAnnouncement(mode, channel, template));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(
                        "announcement settings file " + file + " has an invalid entry for guild '" + guild + "': "
                                + e.getMessage(),
                        e);
            }
        }
    }

    @Override
    public synchronized LevelUpAnnouncement get(long guildId) {
        return settings.getOrDefault(guildId, LevelUpAnnouncement.OFF);
    }

    @Override
    public synchronized void put(long guildId, LevelUpAnnouncement announcement) {
        Objects.requireNonNull(announcement, "announcement");
        Map<Long, LevelUpAnnouncement> next = new HashMap<>(settings);
        next.put(guildId, announcement);
        write(next);
        settings.put(guildId, announcement);
    }

    private void write(Map<Long, LevelUpAnnouncement> all) {
        Properties p = new Properties() {
            private static final long serialVersionUID = 1L;

            @Override
            public synchronized java.util.Set<Object> keySet() {
                return java.util.Collections.unmodifiableSet(new TreeSet<>(super.keySet()));
            }
        };
        for (var e : all.entrySet()) {
            String g = Long.toString(e.getKey());
            p.setProperty(g + ".mode", e.getValue().mode().name());
            p.setProperty(g + ".channel", Long.toString(e.getValue().channelId()));
            p.setProperty(g + ".template", e.getValue().template());
        }
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
            try {
                try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                    p.store(out, "VoiceTrack level-up announcements (written by /config levelup)");
                }
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("announcement settings could not be written to " + file, e);
        }
    }
}
