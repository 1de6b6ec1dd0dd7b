package dev.voicetrack.bot.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voicetrack.jda.LevelUpAnnouncement;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileAnnouncementStoreTest {

    @TempDir
    Path dir;

    @Test
    void settings_surviveARestart() {
        Path file = dir.resolve("data").resolve("announcements.properties");
        var store = new FileAnnouncementStore(file);
        assertThat(store.get(1L)).isEqualTo(LevelUpAnnouncement.OFF);

        store.put(1L, LevelUpAnnouncement.inChannel(42L, "GG {user}: level {level} ({xp} XP) é"));
        store.put(2L, LevelUpAnnouncement.byDirectMessage("{user} reached {level}"));

        var reopened = new FileAnnouncementStore(file);
        assertThat(reopened.get(1L))
                .isEqualTo(LevelUpAnnouncement.inChannel(42L, "GG {user}: level {level} ({xp} XP) é"));
        assertThat(reopened.get(2L)).isEqualTo(LevelUpAnnouncement.byDirectMessage("{user} reached {level}"));
        assertThat(reopened.get(3L)).isEqualTo(LevelUpAnnouncement.OFF);
        try (var files = java.nio.file.Files.list(file.getParent())) {
            assertThat(files).containsExactly(file); // no temporary file left behind
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void anInvalidEntry_stopsStartUpNamingTheFileAndGuild_andLeavesTheFileAlone() throws Exception {
        Path file = dir.resolve("announcements.properties");
        String content = "7.mode=CHANNEL\n7.channel=0\n7.template=hi {user}\n";
        Files.writeString(file, content, StandardCharsets.UTF_8);

        assertThatThrownBy(() -> new FileAnnouncementStore(file))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("guild '7'")
                .hasMessageContaining("channelId");
        assertThat(Files.readString(file, StandardCharsets.UTF_8)).isEqualTo(content);
    }

    @Test
    void anUnknownPlaceholder_inTheFile_isRefused() throws Exception {
        Path file = dir.resolve("announcements.properties");
        Files.writeString(file, "8.mode=DM\n8.template=hi {nobody}\n", StandardCharsets.UTF_8);

        assertThatThrownBy(() -> new FileAnnouncementStore(file))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("guild '8'")
                .hasMessageContaining("{nobody}");
    }
}
