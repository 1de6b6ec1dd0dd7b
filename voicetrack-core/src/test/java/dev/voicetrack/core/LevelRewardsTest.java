package dev.voicetrack.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voicetrack.core.LevelReward.Trigger;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LevelRewardsTest {
    private static final long HOUR = 3_600_000L;

    private static LevelReward level(long n, boolean stacks, Long... roles) {
        return new LevelReward(Trigger.LEVEL, n, Set.of(roles), stacks);
    }

    private static LevelReward hours(long n, boolean stacks, Long... roles) {
        return new LevelReward(Trigger.VOICE_HOURS, n, Set.of(roles), stacks);
    }

    @Test
    void stackingRewards_areAllKept() {
        LevelRewards r = LevelRewards.of(List.of(level(10, true, 100L), level(5, true, 50L, 51L)));
        assertThat(r.earnedRoles(4, 0)).isEmpty();
        assertThat(r.earnedRoles(5, 0)).containsExactlyInAnyOrder(50L, 51L);
        assertThat(r.earnedRoles(12, 0)).containsExactlyInAnyOrder(50L, 51L, 100L);
    }

    @Test
    void replacedReward_givesWayToTheNextReached() {
        LevelRewards r = LevelRewards.of(List.of(level(5, false, 50L), level(10, false, 100L), level(20, true, 200L)));
        assertThat(r.earnedRoles(7, 0)).containsExactly(50L);
        assertThat(r.earnedRoles(10, 0)).containsExactly(100L);
        assertThat(r.earnedRoles(25, 0)).containsExactly(200L);
    }

    @Test
    void voiceHours_andLevels_areSeparateLadders() {
        LevelRewards r = LevelRewards.of(List.of(level(5, false, 50L), hours(1, false, 7L), hours(10, false, 8L)));
        assertThat(r.earnedRoles(6, HOUR - 1)).containsExactly(50L);
        assertThat(r.earnedRoles(6, HOUR)).containsExactlyInAnyOrder(50L, 7L);
        assertThat(r.earnedRoles(0, 10 * HOUR)).containsExactly(8L);
        assertThat(r.hasVoiceRewards()).isTrue();
    }

    @Test
    void aRoleInTwoRewards_isHeldWhileEitherGivesIt() {
        LevelRewards r = LevelRewards.of(List.of(level(5, false, 1L, 2L), level(10, true, 2L)));
        assertThat(r.earnedRoles(10, 0)).containsExactly(2L);
    }

    @Test
    void changesFor_addsWhatIsEarned_removesManagedRolesNotEarned_andLeavesOtherRoles() {
        LevelRewards r = LevelRewards.of(List.of(level(5, false, 50L), level(10, false, 100L)));
        LevelRewards.RoleChanges c = r.changesFor(Set.of(50L, 999L), 10, 0);
        assertThat(c.add()).containsExactly(100L);
        assertThat(c.remove()).containsExactly(50L);
        LevelRewards.RoleChanges reset = r.changesFor(Set.of(100L, 999L), 0, 0);
        assertThat(reset.add()).isEmpty();
        assertThat(reset.remove()).containsExactly(100L);
        assertThat(r.changesFor(Set.of(100L), 12, 0).isEmpty()).isTrue();
    }

    @Test
    void newlyEarned_namesTheRolesALevelUpGave() {
        LevelRewards r = LevelRewards.of(List.of(level(5, true, 50L), level(10, true, 100L)));
        assertThat(r.newlyEarned(9, 10, 0)).containsExactly(100L);
        assertThat(r.newlyEarned(6, 7, 0)).isEmpty();
    }

    @Test
    void withAndWithout_replaceByThreshold() {
        LevelRewards r = LevelRewards.NONE.with(level(5, true, 50L)).with(level(5, false, 51L));
        assertThat(r.rewards()).containsExactly(level(5, false, 51L));
        assertThat(r.without(Trigger.LEVEL, 5)).isEqualTo(LevelRewards.NONE);
        assertThat(r.without(Trigger.VOICE_HOURS, 5)).isSameAs(r);
        assertThat(r.find(Trigger.LEVEL, 5)).hasValue(level(5, false, 51L));
    }

    @Test
    void storedForm_roundTrips() {
        LevelRewards r = LevelRewards.of(List.of(level(10, true, 222L, 111L), hours(3, false, 7L)));
        assertThat(r.toStored()).containsExactly("level:10:stack:111,222", "voiceHours:3:replace:7");
        assertThat(LevelRewards.fromStored(r.toStored())).isEqualTo(r);
    }

    @Test
    void badRewards_areRefusedNamingTheValue() {
        assertThatThrownBy(() -> level(0, true, 1L))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("reward threshold must be in 1..1000000, was 0");
        assertThatThrownBy(() -> new LevelReward(Trigger.LEVEL, 3, Set.of(), true))
                .hasMessage("reward roleIds must hold 1..10 roles, was 0");
        assertThatThrownBy(() -> level(3, true, -4L)).hasMessageContaining("was -4");
        assertThatThrownBy(() -> LevelRewards.of(List.of(level(3, true, 1L), level(3, false, 2L))))
                .hasMessage("rewards must have one reward per threshold, was two at level 3");
        assertThatThrownBy(() -> LevelReward.parse("level:x:stack:1"))
                .hasMessageStartingWith("reward 'level:x:stack:1' is invalid");
        assertThatThrownBy(() -> LevelReward.parse("minutes:3:stack:1"))
                .hasMessageContaining("reward trigger must be level or voiceHours, was 'minutes'");
        assertThatThrownBy(() -> LevelReward.parse("level:3:keep:1"))
                .hasMessageContaining("reward mode must be stack or replace, was 'keep'");
        assertThatThrownBy(() -> LevelReward.parse("level:3")).hasMessageContaining("was 'level:3'");
    }
}
