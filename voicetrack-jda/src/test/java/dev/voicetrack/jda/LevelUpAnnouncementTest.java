package dev.voicetrack.jda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LevelUpAnnouncementTest {

    @Test
    void render_replacesEveryPlaceholder() {
        LevelUpAnnouncement a = LevelUpAnnouncement.inChannel(42, "{user} reached {level} with {xp} XP, {user}!");
        assertThat(a.render(7, 12, 14_400)).isEqualTo("<@7> reached 12 with 14,400 XP, <@7>!");
    }

    @Test
    void defaultTemplate_isValid() {
        assertThat(LevelUpAnnouncement.byDirectMessage(LevelUpAnnouncement.DEFAULT_TEMPLATE)
                        .render(1, 2, 3))
                .isEqualTo("<@1> just reached **Level 2**!");
    }

    @Test
    void unknownPlaceholder_isRefusedNamingIt() {
        assertThatThrownBy(() -> LevelUpAnnouncement.validateTemplate("hi {name}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("template placeholder must be one of {user}, {level}, {xp}, was '{name}'");
    }

    @Test
    void unbalancedBraces_areRefused() {
        assertThatThrownBy(() -> LevelUpAnnouncement.validateTemplate("hi {user"))
                .hasMessage("template has a '{' without '}' at index 3, was 'hi {user'");
        assertThatThrownBy(() -> LevelUpAnnouncement.validateTemplate("hi user}"))
                .hasMessage("template has a '}' without '{' at index 7, was 'hi user}'");
    }

    @Test
    void blankOrTooLongTemplate_isRefused() {
        assertThatThrownBy(() -> LevelUpAnnouncement.validateTemplate("  "))
                .hasMessage("template must not be blank, was '  '");
        assertThatThrownBy(() -> LevelUpAnnouncement.validateTemplate("x".repeat(1501)))
                .hasMessage("template must be at most 1500 characters, was 1501");
    }

    @Test
    void channelMode_needsAChannel_otherModesRefuseOne() {
        assertThatThrownBy(() -> new LevelUpAnnouncement(LevelUpAnnouncement.Mode.CHANNEL, 0, "{user}"))
                .hasMessage("channelId must be a channel id for mode CHANNEL, was 0");
        assertThatThrownBy(() -> new LevelUpAnnouncement(LevelUpAnnouncement.Mode.DM, 5, "{user}"))
                .hasMessage("channelId must be 0 for mode DM, was 5");
    }
}
