package dev.voicetrack.core.regression;

import static dev.voicetrack.core.Fixture.C1;
import static dev.voicetrack.core.Fixture.G;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voicetrack.core.Fixture;
import dev.voicetrack.core.ForwardingStorage;
import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.MemberStats;
import dev.voicetrack.core.storage.Batch;
import dev.voicetrack.core.storage.InMemoryStorage;
import dev.voicetrack.core.storage.MemberTotals;
import dev.voicetrack.core.storage.StorageException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Defect: a corrupt JSON file was silently treated as empty and then overwritten; JSON writes were
 * not atomic. The backend-specific half (JSON files) belongs to the JSON backend; the core half is
 * tested here: storage that cannot be read is an error, never "empty", and a write that fails is
 * neither half-applied nor dropped.
 */
class CorruptStorageTreatedAsEmptyTest {

    static final class Unreadable extends ForwardingStorage {
        volatile boolean broken;

        Unreadable() {
            super(new InMemoryStorage());
        }

        @Override
        public Optional<MemberStats> member(long guildId, long userId) {
            if (broken) {
                throw new StorageException("unreadable");
            }
            return super.member(guildId, userId);
        }

        @Override
        public List<MemberTotals> apply(Batch batch) {
            if (broken) {
                throw new StorageException("unwritable");
            }
            return super.apply(batch);
        }
    }

    @Test
    void unreadableStorage_failsLoudly_andWritesWaitInsteadOfOverwriting() {
        var storage = new Unreadable();
        try (var f = new Fixture(GuildConfig.defaults(), null, storage)) {
            f.join(1, C1);
            f.tickAfterSeconds(5);
            storage.broken = true;
            assertThatThrownBy(() -> f.tracker.getUser(G, 1)).isInstanceOf(StorageException.class);
            f.tickAfterSeconds(5);
            storage.broken = false;
            f.tickAfterSeconds(5);
            assertThat(f.user(1).xp()).isEqualTo(15);
            assertThat(f.user(1).voiceTimeMs()).isEqualTo(15_000);
        }
    }
}
