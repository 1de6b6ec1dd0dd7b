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
    void render_templateFullOfPlaceholders_isCutToDiscordsMessageLimit() {
        String template = "{user}{xp}".repeat(150); // 1500 characters, the longest accepted
        LevelUpAnnouncement a = LevelUpAnnouncement.inChannel(42, template);

        String text = a.render(1_234_567_890_123_456_789L, 99, Long.MAX_VALUE);

        assertThat(text).hasSize(LevelUpAnnouncement.MAX_MESSAGE_LENGTH).startsWith("<@1234567890123456789>9,223");
        assertThat(text).endsWith("…");
    }

    @Test
    void render_neverSplitsASurrogatePair() {
        String template = "{user}".repeat(90) + "\uD83C\uDF89".repeat(300); // 90 mentions, then emoji
        String text = LevelUpAnnouncement.inChannel(42, template).render(1_234_567_890_123_456_789L, 1, 1);

        assertThat(text.length()).isLessThanOrEqualTo(LevelUpAnnouncement.MAX_MESSAGE_LENGTH);
        assertThat(Character.isHighSurrogate(text.charAt(text.length() - 2))).isFalse();
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
