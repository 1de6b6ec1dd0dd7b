package dev.voicetrack.core.storage.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voicetrack.core.Metric;
import dev.voicetrack.core.storage.DayRange;
import dev.voicetrack.core.storage.StorageException;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StorageArgsTest {

    @Test
    void messagesNameTheArgumentAndTheValue() {
        assertThatThrownBy(() -> StorageArgs.page(0, 0))
                .hasMessage("limit must be >= 1 and offset >= 0, was limit=0, offset=0");
        assertThatThrownBy(() -> StorageArgs.xpAndLevel(-1, 0))
                .hasMessage("xp and level must be >= 0, was xp=-1, level=0");
        assertThatThrownBy(() -> StorageArgs.level(-2)).hasMessage("level must be >= 0, was -2");
        assertThatThrownBy(() -> StorageArgs.sessionLimit(-1)).hasMessage("limit must be >= 0, was -1");
        assertThatThrownBy(() -> StorageArgs.ids(0, 5)).hasMessage("ids must be > 0, was guildId=0, userId=5");
        var day = LocalDate.of(2024, 1, 1);
        assertThatThrownBy(() -> StorageArgs.metric(Metric.LEVEL, new DayRange(day, day)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("metric level is only ranked over all time");
        assertThatThrownBy(() -> StorageArgs.metric(null, null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("metric must not be null");
        StorageArgs.metric(Metric.XP, new DayRange(day, day));
        StorageArgs.page(1, 0);
    }

    @Test
    void metadata_copiesAndRefusesNulls() {
        var set = new HashMap<String, String>();
        set.put("a", "1");
        var edit = StorageArgs.metadata(set, List.of("b"));
        set.put("c", "2");
        assertThat(edit.set()).isEqualTo(Map.of("a", "1"));
        assertThat(edit.remove()).containsExactly("b");
        var bad = new HashMap<String, String>();
        bad.put("k", null);
        assertThatThrownBy(() -> StorageArgs.metadata(bad, List.of()))
                .hasMessage("metadata value of key 'k' must not be null");
        assertThatThrownBy(() -> StorageArgs.metadata(Map.of(), null)).hasMessage("remove must not be null");
    }

    @Test
    void overflow_isAStorageException() {
        assertThat(StorageArgs.overflow(1, 2))
                .isInstanceOf(StorageException.class)
                .hasMessage("batch rejected: a total of member 2 in guild 1 would overflow");
    }

    @Test
    void lifecycle_newThenReadyThenClosed_andBroken() {
        var l = new Lifecycle();
        assertThatThrownBy(l::checkReady).hasMessage("storage is not initialized: call init() first");
        l.markInitialized();
        l.checkReady();
        l.markBroken("needs a restart: disk full");
        l.markBroken("second");
        assertThatThrownBy(l::checkReady).isInstanceOf(StorageException.class).hasMessage("needs a restart: disk full");
        l.markClosed();
        assertThatThrownBy(l::checkOpen).hasMessage("storage is closed");
    }

    @Test
    void levelRule_raisesOnlyUpwards() {
        assertThat(LevelRule.raises(3, 4)).isTrue();
        assertThat(LevelRule.raises(3, 3)).isFalse();
        assertThat(LevelRule.apply(new dev.voicetrack.core.storage.LevelRaise(1, 2, 2), 3, 10))
                .isNull();
        assertThat(LevelRule.apply(new dev.voicetrack.core.storage.LevelRaise(1, 2, 5), 3, 10))
                .isEqualTo(new dev.voicetrack.core.storage.LevelChange(1, 2, 3, 5, 10));
        assertThat(LastSeenRule.next(5, 3)).isEqualTo(5);
        assertThat(LastSeenRule.next(5, 8)).isEqualTo(8);
    }
}
