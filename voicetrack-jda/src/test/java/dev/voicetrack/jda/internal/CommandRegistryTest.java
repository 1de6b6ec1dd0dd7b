package dev.voicetrack.jda.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voicetrack.core.VoiceTracker;
import dev.voicetrack.core.storage.InMemoryStorage;
import dev.voicetrack.jda.AnnouncementStore;
import dev.voicetrack.jda.CommandRateLimiter;
import dev.voicetrack.testkit.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import net.dv8tion.jda.api.interactions.commands.build.SlashCommandData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The command groups an installation answers with, against the commands it registers with Discord: a command added
 * to {@link CommandDefinitions} without a handler (or a handler for a command never registered) fails here.
 */
class CommandRegistryTest {
    private VoiceTracker tracker;
    private List<CommandGroup> groups;

    @BeforeEach
    void setUp() {
        ManualClock clock = new ManualClock();
        tracker = VoiceTracker.builder()
                .manualTicks()
                .storage(new InMemoryStorage())
                .clock(clock)
                .build();
        Installation.Settings settings = new Installation.Settings(
                tracker,
                null,
                null,
                null,
                null,
                null,
                Path.of("backups"),
                clock,
                CommandRateLimiter.perUser(5, Duration.ofSeconds(10), clock),
                null,
                Duration.ofMillis(1500),
                Duration.ofMinutes(2),
                AnnouncementStore.inMemory(),
                true,
                true,
                true,
                null);
        RoleRewards rewards =
                new RoleRewards(tracker, null, Runnable::run, new RewardProblems(AnnouncementStore.inMemory()));
        groups = Installation.commandGroups(
                new StatsCommands(tracker, new RankCards(url -> java.util.Optional.empty()), null),
                settings,
                Runnable::run,
                rewards);
    }

    @AfterEach
    void tearDown() {
        tracker.close();
    }

    @Test
    void everyRegisteredSlashCommand_hasExactlyOneHandler_andEveryHandledCommandIsRegistered() {
        Set<String> registered =
                CommandDefinitions.all().stream().map(SlashCommandData::getName).collect(Collectors.toSet());
        List<String> handled = new ArrayList<>();
        groups.forEach(g -> g.commands().forEach(c -> handled.add(c.name())));

        assertThat(handled).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(registered);
        assertThat(new CommandRegistry(groups).names()).containsExactlyInAnyOrderElementsOf(registered);
    }

    @Test
    void everyAdminCommand_isRegistered() {
        Set<String> registered =
                CommandDefinitions.all().stream().map(SlashCommandData::getName).collect(Collectors.toSet());

        assertThat(registered).containsAll(CommandDefinitions.ADMIN);
    }

    @Test
    void onlyStorageMaintenanceWarmingAndRewards_areDeferredAtOnce() {
        CommandRegistry registry = new CommandRegistry(groups);

        Set<String> slow = registry.names().stream()
                .filter(name -> registry.find(name).orElseThrow().slow())
                .collect(Collectors.toSet());

        assertThat(slow)
                .containsExactlyInAnyOrder(
                        CommandDefinitions.DB_STATS,
                        CommandDefinitions.BACKUP,
                        CommandDefinitions.OPTIMIZE,
                        CommandDefinitions.CACHE_WARM,
                        CommandDefinitions.REWARDS);
    }

    @Test
    void aCommandAnsweredByTwoGroups_isRefusedNamingTheCommand() {
        CommandGroup again = () -> List.of(SlashCommand.of(CommandDefinitions.STATS, e -> Replies.done(null)));

        assertThatThrownBy(() -> new CommandRegistry(List.of(groups.get(0), again)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("command must have one handler, was /stats answered twice");
    }

    @Test
    void aCommandNoGroupAnswers_isNotFound() {
        assertThat(new CommandRegistry(groups).find("not-ours")).isEmpty();
    }
}
