package dev.voicetrack.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DiscordEmulatorBuilderTest {

    @Test
    void port_outOfRange_namesFieldAndValue() {
        assertThatThrownBy(() -> DiscordEmulator.builder().port(70_000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("port must be in 0..65535, was 70000");
    }

    @Test
    void heartbeatInterval_belowMinimum_namesFieldAndValue() {
        assertThatThrownBy(() -> DiscordEmulator.builder().heartbeatInterval(Duration.ofMillis(5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("heartbeatInterval must be >= 100 ms, was 5 ms");
    }

    @Test
    void botToken_withWhitespace_isRejected() {
        assertThatThrownBy(() -> DiscordEmulator.builder().botToken("a b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("botToken");
        assertThatThrownBy(() -> DiscordEmulator.builder().botName(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("botName");
    }

    @Test
    void strictnessOptions_refuseBadValues_namingThem() {
        assertThatThrownBy(() -> DiscordEmulator.builder().interactionAckDeadline(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("interactionAckDeadline must be positive, was PT0S");
        assertThatThrownBy(() -> DiscordEmulator.builder().interactionTokenLifetime(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("interactionTokenLifetime must be positive, was PT-1S");
        assertThatThrownBy(() -> DiscordEmulator.builder().botPermissions(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("botPermissions must not be negative, was -1");
        assertThatThrownBy(() -> RateLimits.Limit.of(0, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("requests must be >= 1, was 0");
        assertThatThrownBy(() -> RateLimits.Limit.of(5, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("window must be positive, was PT0S");
        assertThatThrownBy(() -> DiscordEmulator.builder().rateLimits(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("rateLimits");
    }

    @Test
    void recordedMessage_findsButtonsInActionRows_andEphemeralFlag() {
        Map<String, Object> button = Map.of("type", 2, "custom_id", "refresh", "style", 1);
        Map<String, Object> link = Map.of("type", 2, "url", "https://example.invalid", "style", 5);
        Map<String, Object> row = Map.of("type", 1, "components", List.of(button, link));
        RecordedMessage message = new RecordedMessage(
                1, 2, 3, "hi", RecordedMessage.EPHEMERAL_FLAG, List.of(), List.of(row), 0, List.of());

        assertThat(message.buttonCustomIds()).containsExactly("refresh");
        assertThat(message.ephemeral()).isTrue();
    }

    @Test
    void idsFrom_theSameScriptGetsTheSameIdsAtEveryStart() {
        java.time.Instant origin = java.time.Instant.parse("2025-01-01T00:00:00Z");
        List<Long> first = script(origin);
        List<Long> second = script(origin);
        assertThat(second).isEqualTo(first).doesNotHaveDuplicates();
        assertThat(script(origin.plusSeconds(1))).doesNotContainAnyElementsOf(first);
        assertThatThrownBy(() -> DiscordEmulator.builder().idsFrom(java.time.Instant.parse("2014-01-01T00:00:00Z")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("idsFrom");
    }

    @Test
    void createGuildOnShard_landsOnThatShard_reproduciblyWithIdsFrom() {
        java.time.Instant origin = java.time.Instant.parse("2025-01-01T00:00:00Z");
        List<Long> first = guildsOnShards(origin);
        assertThat(first.stream().map(id -> (id >> 22) % 3).toList()).containsExactly(0L, 1L, 2L, 2L, 1L, 0L);
        assertThat(first).isSorted().doesNotHaveDuplicates();
        assertThat(guildsOnShards(origin)).isEqualTo(first);
        try (DiscordEmulator discord = DiscordEmulator.builder().shards(3).start()) {
            assertThatThrownBy(() -> discord.createGuild("g", 3))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("shard must be in 0..2")
                    .hasMessageContaining("was 3");
            assertThat((discord.createGuild("clock ids", 1).id() >> 22) % 3).isEqualTo(1);
        }
    }

    private static List<Long> guildsOnShards(java.time.Instant origin) {
        try (DiscordEmulator discord =
                DiscordEmulator.builder().idsFrom(origin).shards(3).start()) {
            List<Long> ids = new java.util.ArrayList<>();
            for (int shard : new int[] {0, 1, 2, 2, 1, 0}) {
                EmulatedGuild g = discord.createGuild("g" + ids.size(), shard);
                g.createVoiceChannel("v"); // ids in between: the next guild's search starts further on
                ids.add(g.id());
            }
            return ids;
        }
    }

    private static List<Long> script(java.time.Instant origin) {
        try (DiscordEmulator discord = DiscordEmulator.builder().idsFrom(origin).start()) {
            EmulatedGuild guild = discord.createGuild("g");
            EmulatedChannel voice = guild.createVoiceChannel("v");
            EmulatedMember member = guild.addMember("m", false);
            return List.of(
                    discord.botUser().id(),
                    guild.id(),
                    voice.id(),
                    member.user().id());
        }
    }
}
