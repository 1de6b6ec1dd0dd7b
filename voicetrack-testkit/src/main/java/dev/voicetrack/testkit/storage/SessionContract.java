package dev.voicetrack.testkit.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.core.VoiceSession;
import dev.voicetrack.core.storage.Batch;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The storage contract for voice sessions: a session is upserted by id with its instants kept to the
 * millisecond, listed newest first, and open sessions are found across guilds.
 *
 * <p>Part of {@link StorageContractTest}, the storage contract: extend that class, not this one.
 */
public abstract class SessionContract extends MemberContract {

    @Test
    void sessions_upsertById_keepMilliseconds_andListNewestFirst() {
        Instant s1 = T;
        Instant s2 = T.plusMillis(60_001);
        storage.apply(new Batch(List.of(), List.of(session("a", 1, s1, s1.plusMillis(10), true))));
        storage.apply(new Batch(List.of(), List.of(session("a", 1, s1, s1.plusMillis(5_555), false))));
        storage.apply(new Batch(List.of(), List.of(session("b", 1, s2, s2.plusMillis(7), true))));
        List<VoiceSession> all = storage.sessions(G, 1, 10);
        assertThat(all).extracting(VoiceSession::id).containsExactly("b", "a");
        assertThat(all.get(1).end()).isEqualTo(s1.plusMillis(5_555));
        assertThat(all.get(1).durationMs()).isEqualTo(5_555);
        assertThat(all.get(0).start()).isEqualTo(s2);
        assertThat(storage.openSessions()).extracting(VoiceSession::id).containsExactly("b");
        assertThat(storage.sessions(G, 1, 1)).hasSize(1);
    }
}
