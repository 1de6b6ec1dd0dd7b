package dev.voicetrack.cache.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The tag index on its own, with a removal that plays the cache's part, so that the moments a
 * concurrent put or a dead slot could break an invariant are reached deterministically: a slot added
 * to a tag while the tag is being invalidated stays in it, dead slots that a tag invalidation left in
 * other tags are counted and dropped by whoever meets them, and a sweep drops only dead slots.
 */
class TagIndexTest {

    private final TagIndex tags = new TagIndex();

    private final Map<KeySlot, String[]> tagsOfSlot = new HashMap<>();
    private final List<String> removedKeys = new ArrayList<>();

    /**
     * Kills each slot it is handed as the cache does: from a one-key tag the slot leaves all its tags
     * ({@link EntryIndex#unindex}), from a tag with many keys only that tag, and the other tags keep it
     * dead ({@link EntryIndex#unindexInvalidated}).
     */
    private final TagIndex.SlotRemoval killing = (slot, invalidated) -> {
        removedKeys.add(slot.key);
        if (invalidated == null) {
            for (String tag : tagsOfSlot.get(slot)) {
                tags.remove(tag, slot);
            }
            slot.dead = true;
        } else {
            invalidated.remove(slot.key, slot);
            slot.dead = true;
            tags.onDeadEntriesLeft(slot.tagCount - 1);
        }
        return true;
    };

    @Test
    void invalidation_removesFromTheInvalidatedTagOnly_andCountsTheDeadSlotsLeftInOthers() {
        KeySlot a = slot("a", "hot", "own:a");
        KeySlot b = slot("b", "hot", "own:b", "g");
        assertThat(tags.invalidate("hot", killing)).isEqualTo(2);
        assertThat(tags.tags()).containsExactlyInAnyOrder("own:a", "own:b", "g");
        assertThat(tags.slotsOf("own:a")).containsExactly(a);
        assertThat(tags.slotsOf("g")).containsExactly(b);
        assertThat(tags.deadEntries()).isEqualTo(3);

        // Invalidating a tag that holds only dead slots removes nothing and drops them.
        assertThat(tags.invalidate("own:a", killing)).isZero();
        assertThat(tags.invalidate("g", killing)).isZero();
        assertThat(removedKeys).containsExactlyInAnyOrder("a", "b");
        assertThat(tags.tags()).containsExactly("own:b");
        assertThat(tags.deadEntries()).isEqualTo(1);

        // A put of the key into the tag overwrites its dead slot.
        KeySlot b2 = slot("b", "own:b");
        assertThat(tags.slotsOf("own:b")).containsExactly(b2);
        assertThat(tags.deadEntries()).isZero();
    }

    @Test
    void deadSlotsInAManyKeyTag_areSkippedByItsInvalidation_andTheLiveOnesRemoved() {
        List<KeySlot> hot = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            hot.add(slot("k" + i, "hot", "g"));
        }
        KeySlot other = slot("other", "g");
        assertThat(tags.invalidate("hot", killing)).isEqualTo(10);
        assertThat(tags.slotsOf("g")).hasSize(11).containsAll(hot).contains(other);
        assertThat(tags.deadEntries()).isEqualTo(10);

        removedKeys.clear();
        assertThat(tags.invalidate("g", killing)).isOne();
        assertThat(removedKeys).containsExactly("other");
        assertThat(tags.tags()).isEmpty();
        assertThat(tags.deadEntries()).isZero();
    }

    @Test
    void aDeadOneKeyTag_isReplacedByTheNextKeyPutIntoIt() {
        slot("a", "hot", "shared");
        slot("x", "hot");
        assertThat(tags.invalidate("hot", killing)).isEqualTo(2);
        assertThat(tags.invalidate("hot", killing)).isZero();
        KeySlot b = slot("b", "shared");
        assertThat(tags.slotsOf("shared")).containsExactly(b); // not a map of a dead and a live slot
        assertThat(tags.deadEntries()).isZero();
    }

    @Test
    void aSlotAddedWhileItsTagIsInvalidated_staysInTheTag() {
        slot("a", "hot", "own:a");
        slot("b", "hot", "own:b");
        KeySlot[] added = new KeySlot[1];
        TagIndex.SlotRemoval racing = (slot, invalidated) -> {
            if (added[0] == null) {
                added[0] = slot("c", "hot", "own:c"); // a put racing the invalidation, after its start
            }
            return killing.remove(slot, invalidated);
        };
        long removed = tags.invalidate("hot", racing);
        // The racing slot is either removed (the iteration met it) or still in the tag, never lost.
        if (added[0].dead) {
            assertThat(removed).isEqualTo(3);
            assertThat(tags.slotsOf("hot")).isEmpty();
        } else {
            assertThat(removed).isEqualTo(2);
            assertThat(tags.slotsOf("hot")).containsExactly(added[0]);
        }
        assertThat(tags.slotsOf("own:c")).containsExactly(added[0]);
    }

    @Test
    void aOneKeyTag_isRemovedFromAllItsTags() {
        slot("a", "own:a", "g");
        slot("b", "g");
        assertThat(tags.invalidate("own:a", killing)).isOne();
        assertThat(tags.tags()).containsExactly("g");
        assertThat(tags.slotsOf("g")).extracting(s -> s.key).containsExactly("b");
        assertThat(tags.deadEntries()).isZero();
    }

    @Test
    void aSlotTheRemovalCannotRemove_staysInTheTag() {
        KeySlot a = slot("a", "hot", "own:a");
        KeySlot b = slot("b", "hot", "own:b");
        // b's node was replaced by a put between the look-up and the removal: b stays, live, for the put.
        TagIndex.SlotRemoval losing = (slot, invalidated) -> slot != b && killing.remove(slot, invalidated);
        assertThat(tags.invalidate("hot", losing)).isOne();
        assertThat(a.dead).isTrue();
        assertThat(tags.slotsOf("hot")).containsExactly(b);
        assertThat(tags.slotsOf("own:b")).containsExactly(b);
    }

    @Test
    void sweep_waitsForMoreDeadThanLiveEntries_thenDropsOnlyDeadSlotsAndEmptiedTags() {
        int n = TagIndex.MIN_DEAD_ENTRIES_BEFORE_SWEEP + 10;
        for (int i = 0; i < n; i++) {
            slot("k" + i, "hot", "own:" + i, "g" + (i % 2));
        }
        KeySlot live = slot("live", "g0");
        tags.invalidate("hot", killing);
        assertThat(tags.deadEntries()).isEqualTo(2L * n);

        tags.sweepIfNeeded(() -> 2L * n); // as many live entries as dead tag entries: no sweep
        assertThat(tags.tags()).hasSize(n + 2);

        tags.sweepIfNeeded(() -> 1);
        assertThat(tags.deadEntries()).isZero();
        assertThat(tags.tags()).containsExactly("g0");
        assertThat(tags.slotsOf("g0")).containsExactly(live);
    }

    @Test
    void sweep_belowTheMinimum_doesNothing() {
        slot("a", "hot", "own:a");
        slot("b", "hot");
        tags.invalidate("hot", killing);
        tags.sweepIfNeeded(() -> 0);
        assertThat(tags.deadEntries()).isOne();
        assertThat(tags.tags()).containsExactly("own:a");
    }

    /** A new live slot for {@code key}, added to each tag as the compute that stores its node does. */
    private KeySlot slot(String key, String... slotTags) {
        KeySlot slot = new KeySlot(key, slotTags.length);
        tagsOfSlot.put(slot, slotTags);
        for (String tag : slotTags) {
            tags.add(tag, slot);
        }
        return slot;
    }
}
