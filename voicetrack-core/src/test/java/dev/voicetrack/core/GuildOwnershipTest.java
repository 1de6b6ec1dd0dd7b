package dev.voicetrack.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.core.storage.InMemoryStorage;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * Two trackers on one storage that split the guilds between them ({@link GuildOwnership}), as two bot
 * processes owning different shards do: each guild is ticked by its owner only, whatever events and
 * voice states the other sees, and a guild moved from one to the other resumes its open sessions once.
 */
class GuildOwnershipTest {
    private static final long GA = 1001;
    private static final long GB = 1002;
    private static final long CA = 2001;
    private static final long CB = 2002;

    private final InMemoryStorage storage = new InMemoryStorage();
    private final TestClock clock = TestClock.at("2024-03-10T12:00:00Z");

    private VoiceTracker tracker(GuildOwnership ownership, VoiceView view) {
        VoiceTracker t = VoiceTracker.builder()
                .manualTicks()
                .storage(storage)
                .ownsStorage(false)
                .clock(clock)
                .view(view)
                .ownership(ownership)
                .build();
        t.start();
        return t;
    }

    private static GatewayEvent join(long guild, long user, long channel) {
        return new GatewayEvent.VoiceJoined(guild, user, channel, MemberInfo.PLAIN, VoiceFlags.NONE);
    }

    private static VoiceMember inVoice(long guild, long user, long channel) {
        return new VoiceMember(guild, user, channel, MemberInfo.PLAIN, VoiceFlags.NONE);
    }

    @Test
    void aGuildOfAnotherProcess_isNeverTickedHere_evenWithItsEventsAndVoiceStates() {
        VoiceTracker a = tracker(g -> g == GA, VoiceView.EMPTY);
        VoiceTracker b = tracker(g -> g == GB, VoiceView.EMPTY);
        for (VoiceTracker t : List.of(a, b)) { // both see every event: ownership alone decides
            t.accept(join(GA, 1, CA));
            t.accept(join(GB, 2, CB));
        }
        for (int i = 0; i < 6; i++) {
            clock.advanceSeconds(10);
            a.tickNow();
            b.tickNow();
        }
        assertThat(storage.member(GA, 1).orElseThrow().voiceTimeMs()).isEqualTo(60_000);
        assertThat(storage.member(GB, 2).orElseThrow().voiceTimeMs()).isEqualTo(60_000);
        assertThat(storage.member(GA, 1).orElseThrow().sessions()).isEqualTo(1);
        assertThat(storage.member(GB, 2).orElseThrow().sessions()).isEqualTo(1);

        // A reconcile with a view showing both guilds changes nothing for the other's guild.
        VoiceTracker c = tracker(g -> g == GA, () -> List.of(inVoice(GA, 1, CA), inVoice(GB, 2, CB)));
        a.close(); // A is replaced by C (a restart): C resumes GA's session and leaves GB's alone
        clock.advanceSeconds(10);
        c.tickNow();
        b.tickNow();
        assertThat(storage.member(GB, 2).orElseThrow().voiceTimeMs()).isEqualTo(70_000);
        assertThat(storage.member(GB, 2).orElseThrow().sessions()).isEqualTo(1);
        assertThat(storage.member(GA, 1).orElseThrow().sessions()).isEqualTo(1);
        assertThat(storage.openSessions()).extracting(VoiceSession::guildId).containsExactlyInAnyOrder(GA, GB);
        b.close();
        c.close();
    }

    @Test
    void startingAProcess_leavesTheOpenSessionsOfGuildsItDoesNotOwnOpen() {
        VoiceTracker b = tracker(g -> g == GB, VoiceView.EMPTY);
        b.accept(join(GB, 2, CB));
        clock.advanceSeconds(10);
        b.tickNow();
        // Another process starts with an empty view: without ownership it would close GB's session.
        VoiceTracker a = tracker(g -> g == GA, VoiceView.EMPTY);
        a.tickNow();
        assertThat(storage.openSessions()).singleElement().satisfies(s -> assertThat(s.guildId())
                .isEqualTo(GB));
        clock.advanceSeconds(10);
        b.tickNow();
        assertThat(storage.member(GB, 2).orElseThrow().voiceTimeMs()).isEqualTo(20_000);
        a.close();
        b.close();
    }

    @Test
    void aGuildMovedToAnotherProcess_resumesItsOpenSessionsOnce() {
        Set<Long> ownedByA = ConcurrentHashMap.newKeySet();
        Set<Long> ownedByB = ConcurrentHashMap.newKeySet();
        ownedByA.add(GA);
        VoiceView everyone = () -> List.of(inVoice(GA, 1, CA));
        VoiceTracker a = tracker(ownedByA::contains, everyone);
        VoiceTracker b = tracker(ownedByB::contains, everyone);
        clock.advanceSeconds(30);
        a.tickNow();
        b.tickNow();

        // Stop it here: A lets the guild go; its member's session stays open in storage.
        ownedByA.remove(GA);
        clock.advanceSeconds(5);
        a.tickNow(); // not owned any more: not credited
        a.reconcile();
        assertThat(storage.openSessions()).singleElement().satisfies(s -> assertThat(s.userId())
                .isEqualTo(1L));
        assertThat(storage.member(GA, 1).orElseThrow().voiceTimeMs()).isEqualTo(30_000);

        // Start it there: B takes the guild over and resumes the same session.
        String sessionId = storage.openSessions().get(0).id();
        ownedByB.add(GA);
        b.reconcile();
        clock.advanceSeconds(20);
        a.tickNow();
        b.tickNow();
        MemberStats stats = storage.member(GA, 1).orElseThrow();
        assertThat(stats.voiceTimeMs()).isEqualTo(50_000); // the 5 s while nobody owned it are not credited
        assertThat(stats.sessions()).isEqualTo(1);
        assertThat(storage.openSessions()).singleElement().satisfies(s -> assertThat(s.id())
                .isEqualTo(sessionId));
        a.close();
        b.close();
    }
}
