package dev.voicetrack.jda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.LevelMultiplierConfig;
import dev.voicetrack.core.VoiceTimeConfig;
import dev.voicetrack.core.XpConfig;
import java.time.Duration;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConfigOptionsTest {

    private static GuildConfig everyOption() {
        var roles = new LinkedHashMap<Long, Long>();
        roles.put(30L, 7L);
        roles.put(20L, 9L);
        return GuildConfig.builder()
                .trackBots(true)
                .trackAllChannels(false)
                .channelIds(List.of(600L, 5L))
                .trackMuted(false)
                .trackDeafened(false)
                .minUsersToTrack(2)
                .maxUsersToTrack(9)
                .exemptPermissions(Set.of("MANAGE_SERVER", "ADMINISTRATOR"))
                .xpStrategy("random")
                .xpConfig(new XpConfig(7L, roles, 1.5, 2L, 40L))
                .voiceTimeStrategy("fixed")
                .voiceTimeConfig(new VoiceTimeConfig(3000L, 2.5))
                .levelMultiplierStrategy("standard")
                .levelMultiplierConfig(new LevelMultiplierConfig(0.25))
                .enableLeveling(false)
                .enableVoiceTime(false)
                .excludedChannelIds(List.of(11L))
                .noXpRoleIds(List.of(13L, 12L))
                .noXpChannelIds(List.of(14L))
                .botsCountAsCompany(false)
                .mutedCountAsCompany(false)
                .messageXp(3)
                .messageXpCooldown(Duration.ofSeconds(90))
                .timeZone(ZoneId.of("Europe/Paris"))
                .publicDashboard(false)
                .build();
    }

    @Test
    void values_nameEveryOption_butTheAlias() {
        assertThat(ConfigOptions.values(GuildConfig.defaults()).keySet())
                .containsExactlyElementsOf(ConfigOptions.names().stream()
                        .filter(n -> !n.equals("xpPerCheck"))
                        .toList());
    }

    @Test
    void everyValue_setBackAsItIsShown_changesNothing() {
        for (GuildConfig c : List.of(GuildConfig.defaults(), everyOption())) {
            ConfigOptions.values(c).forEach((name, text) -> assertThat(ConfigOptions.set(c, name, text))
                    .as(name + "=" + text)
                    .isEqualTo(c));
        }
        assertThat(ConfigOptions.values(everyOption()))
                .containsEntry("channelIds", "5, 600")
                .containsEntry("xpConfig.roles", "30:7, 20:9")
                .containsEntry("messageXpCooldownSeconds", "90")
                .containsEntry("publicDashboard", "false");
        assertThat(ConfigOptions.values(GuildConfig.defaults()))
                .containsEntry("noXpRoleIds", "none")
                .containsEntry("xpConfig.maxXP", "none")
                .containsEntry("publicDashboard", "true");
    }

    @Test
    void publicDashboard_isSetLikeEveryBoolean() {
        assertThat(ConfigOptions.set(GuildConfig.defaults(), "publicDashboard", " FALSE ")
                        .publicDashboard())
                .isFalse();
        assertThat(ConfigOptions.set(everyOption(), "publicDashboard", "true").publicDashboard())
                .isTrue();
        assertThatThrownBy(() -> ConfigOptions.set(GuildConfig.defaults(), "publicDashboard", "hidden"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("publicDashboard must be true or false, was 'hidden'");
    }

    @Test
    void badInput_getsTheMessagesOfConfigSet() {
        GuildConfig c = GuildConfig.defaults();
        assertThatThrownBy(() -> ConfigOptions.set(c, "minUsersToTrack", "x"))
                .hasMessage("minUsersToTrack must be a whole number up to 2147483647, was 'x'");
        assertThatThrownBy(() -> ConfigOptions.set(c, "minUsersToTrack", "-1"))
                .hasMessage("minUsersToTrack must be >= 0, was -1");
        assertThatThrownBy(() -> ConfigOptions.set(c, "karma", "1"))
                .hasMessageStartingWith("option must be one of trackBots, ")
                .hasMessageEndingWith(", publicDashboard, was 'karma'");
    }
}
