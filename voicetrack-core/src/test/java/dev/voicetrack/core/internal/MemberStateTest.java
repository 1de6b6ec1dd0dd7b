package dev.voicetrack.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.MemberInfo;
import dev.voicetrack.core.VoiceFlags;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A member's session id is kept as two longs when it is a canonical UUID, and read back exactly either way. */
class MemberStateTest {
    private final MemberState m = new MemberState(
            new GuildState(1001, GuildConfig.defaults()),
            11,
            new ChannelState(2001),
            MemberInfo.PLAIN,
            VoiceFlags.NONE,
            Instant.parse("2024-03-10T12:00:00Z"));

    @Test
    void aNewMember_hasTheEmptyId() {
        assertThat(m.sessionId()).isEmpty();
    }

    @Test
    void newSessionId_isACanonicalUuid_readTheSameEachTime_andDiffersFromTheLast() {
        m.newSessionId();
        String first = m.sessionId();
        assertThat(first).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
        assertThat(m.sessionId()).isEqualTo(first);
        m.newSessionId();
        assertThat(m.sessionId()).isNotEqualTo(first);
    }

    @Test
    void storedIds_areReadBackExactly_whateverTheirForm() {
        for (String id : new String[] {
            "0f8fad5b-d9cb-469f-a165-70867728950e", // canonical: kept as two longs
            "0F8FAD5B-D9CB-469F-A165-70867728950E", // a UUID, but not as UUID#toString writes it
            "0f8fad5b-d9cb-469f-a165-70867728950", // 35 characters
            "1-2-3-4-5", // UUID.fromString accepts it; it prints otherwise
            "s-1",
            ""
        }) {
            m.sessionId(id);
            assertThat(m.sessionId()).as(id).isEqualTo(id);
        }
        m.sessionId("s-1");
        m.newSessionId();
        assertThat(m.sessionId()).as("a new id replaces a stored one").isNotEqualTo("s-1");
    }
}
