package dev.voicetrack.core.storage.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.LevelMultiplierConfig;
import dev.voicetrack.core.LevelReward;
import dev.voicetrack.core.LevelRewards;
import dev.voicetrack.core.VoiceTimeConfig;
import dev.voicetrack.core.XpConfig;
import java.time.Duration;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GuildConfigCodecTest {

    /** Every stored option away from its default (and a strategy name that needs URL encoding). */
    static GuildConfig everyOption() {
        var roles = new LinkedHashMap<Long, Long>();
        roles.put(30L, 7L);
        roles.put(20L, 9L); // not sorted: the order is kept
        return GuildConfig.builder()
                .trackBots(true)
                .trackAllChannels(false)
                .channelIds(List.of(6L, 5L))
                .trackMuted(false)
                .trackDeafened(false)
                .minUsersToTrack(2)
                .maxUsersToTrack(9)
                .exemptPermissions(Set.of("MANAGE_SERVER", "ADMINISTRATOR"))
                .xpStrategy("my strategy/ü=1")
                .xpConfig(new XpConfig(7L, roles, 1.5, 2L, 40L))
                .voiceTimeStrategy("fixed")
                .voiceTimeConfig(new VoiceTimeConfig(3000L, 2.5))
                .levelMultiplierStrategy("custom")
                .levelMultiplierConfig(new LevelMultiplierConfig(0.25))
                .enableLeveling(false)
                .enableVoiceTime(false)
                .excludedChannelIds(List.of(11L))
                .noXpRoleIds(List.of(13L, 12L))
                .noXpChannelIds(List.of(14L))
                .botsCountAsCompany(true)
                .mutedCountAsCompany(true)
                .messageXp(3)
                .messageXpCooldown(Duration.ofMillis(1500))
                .timeZone(ZoneId.of("Europe/Paris"))
                .levelRewards(LevelRewards.of(List.of(
                        new LevelReward(LevelReward.Trigger.LEVEL, 10, Set.of(41L, 40L), false),
                        new LevelReward(LevelReward.Trigger.VOICE_HOURS, 5, Set.of(42L), true))))
                .publicDashboard(false)
                .build();
    }

    @Test
    void everyOption_roundTripsThroughTextAndMap() {
        GuildConfig c = everyOption();
        assertThat(GuildConfigCodec.fromText(GuildConfigCodec.toText(c))).isEqualTo(c);
        assertThat(GuildConfigCodec.fromMap(GuildConfigCodec.toMap(c))).isEqualTo(c);
        assertThat(GuildConfigCodec.fromText(GuildConfigCodec.toText(GuildConfig.defaults())))
                .isEqualTo(GuildConfig.defaults());
        GuildConfig unset = c.toBuilder()
                .xpConfig(XpConfig.EMPTY)
                .voiceTimeConfig(new VoiceTimeConfig(null, null))
                .levelMultiplierConfig(new LevelMultiplierConfig(null))
                .build();
        assertThat(GuildConfigCodec.fromText(GuildConfigCodec.toText(unset))).isEqualTo(unset);
    }

    @Test
    void text_isTheStoredLineFormat() {
        String text = GuildConfigCodec.toText(everyOption());
        assertThat(text)
                .startsWith("format=1\ntrackBots=true\ntrackAllChannels=false\nchannelIds=5,6\n")
                .contains("exemptPermissions=ADMINISTRATOR,MANAGE_SERVER\n")
                .contains("xpStrategy=my+strategy%2F%C3%BC%3D1\n")
                .contains("xpConfig.roles=30:7,20:9\n")
                .contains("noXpRoleIds=12,13\n")
                .contains("messageXpCooldown=PT1.5S\n")
                .contains("timeZone=Europe/Paris\n")
                .endsWith("levelRewards=level%3A10%3Areplace%3A40%2C41,voiceHours%3A5%3Astack%3A42\n"
                        + "publicDashboard=false\n");
        assertThat(GuildConfigCodec.toText(GuildConfig.defaults()))
                .doesNotContain("xpConfig.boosterMultiplier")
                .contains("xpConfig.baseAmount=5\n");
    }

    @Test
    void textWithoutFormat_keepsTheDefaultSubConfigs_andIgnoresUnknownKeys() {
        GuildConfig c = GuildConfigCodec.fromText("trackBots=true\nsomethingNew=1\nnot a line\n");
        assertThat(c).isEqualTo(GuildConfig.builder().trackBots(true).build());
    }

    @Test
    void levelRewards_areWrittenOnlyWhenAGuildHasSome_andOldTextReadsWithout() {
        assertThat(GuildConfigCodec.toText(GuildConfig.defaults())).doesNotContain("levelRewards");
        String old = GuildConfigCodec.toText(
                everyOption().toBuilder().levelRewards(LevelRewards.NONE).build());
        assertThat(GuildConfigCodec.fromText(old).levelRewards()).isEqualTo(LevelRewards.NONE);
        assertThatThrownBy(() -> GuildConfigCodec.fromText("format=1\nlevelRewards=level%3A0%3Astack%3A5\n"))
                .hasMessageStartingWith("stored guild config option levelRewards is invalid, was '[level:0:stack:5]'");
    }

    @Test
    void publicDashboard_isWrittenOnlyForAPrivateGuild_andOldTextReadsPublic() {
        assertThat(GuildConfig.defaults().publicDashboard()).isTrue();
        assertThat(GuildConfigCodec.toText(GuildConfig.defaults())).doesNotContain("publicDashboard");
        GuildConfig hidden = GuildConfig.builder().publicDashboard(false).build();
        assertThat(GuildConfigCodec.toText(hidden)).endsWith("\npublicDashboard=false\n");
        assertThat(GuildConfigCodec.fromText(GuildConfigCodec.toText(hidden)).publicDashboard())
                .isFalse();
        assertThat(GuildConfigCodec.fromText("format=1\ntrackBots=true\n").publicDashboard())
                .isTrue();
        assertThat(hidden).isNotEqualTo(GuildConfig.defaults());
        assertThat(hidden.toBuilder().publicDashboard(true).build()).isEqualTo(GuildConfig.defaults());
        assertThat(hidden.toString()).contains("publicDashboard=false");
    }

    @Test
    void anInvalidStoredValue_isNamed() {
        assertThatThrownBy(() -> GuildConfigCodec.fromText("format=1\nminUsersToTrack=x\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("stored guild config option minUsersToTrack is invalid, was 'x'");
        assertThatThrownBy(() -> GuildConfigCodec.fromText("format=1\nmaxUsersToTrack=-1\n"))
                .hasMessageStartingWith("stored guild config option maxUsersToTrack is invalid, was '-1'");
        assertThatThrownBy(() -> GuildConfigCodec.fromText("format=1\nxpConfig.roles=5\n"))
                .hasMessageStartingWith("stored guild config option xpConfig.roles is invalid, was '5'");
    }

    @Test
    void writer_seesEveryOptionOnce_inTheStoredOrder() {
        var keys = new java.util.ArrayList<String>();
        GuildConfigCodec.write(everyOption(), new RecordingWriter(keys));
        assertThat(keys).doesNotHaveDuplicates().hasSize(31);
        assertThat(GuildConfigCodec.toMap(everyOption()).keySet()).containsExactlyElementsOf(withFormat(keys));
    }

    @Test
    void withoutFilters_dropsOnlyTheRuntimeFilters() {
        GuildConfig c = everyOption().toBuilder().memberFilter(m -> false).build();
        GuildConfig stored = GuildConfigCodec.withoutFilters(c);
        assertThat(stored.hasDefaultFilters()).isTrue();
        assertThat(stored).isEqualTo(everyOption());
    }

    private static List<String> withFormat(List<String> keys) {
        var out = new java.util.ArrayList<String>();
        out.add("format");
        out.addAll(keys);
        return out;
    }

    private record RecordingWriter(List<String> keys) implements GuildConfigCodec.Writer {
        @Override
        public void bool(String key, boolean value) {
            keys.add(key);
        }

        @Override
        public void integer(String key, int value) {
            keys.add(key);
        }

        @Override
        public void number(String key, Long value) {
            keys.add(key);
        }

        @Override
        public void decimal(String key, Double value) {
            keys.add(key);
        }

        @Override
        public void string(String key, String value) {
            keys.add(key);
        }

        @Override
        public void ids(String key, java.util.SortedSet<Long> value) {
            keys.add(key);
        }

        @Override
        public void strings(String key, java.util.SortedSet<String> value) {
            keys.add(key);
        }

        @Override
        public void roleXp(String key, Map<Long, Long> value) {
            keys.add(key);
        }

        @Override
        public void duration(String key, Duration value) {
            keys.add(key);
        }

        @Override
        public void zone(String key, ZoneId value) {
            keys.add(key);
        }
    }
}
