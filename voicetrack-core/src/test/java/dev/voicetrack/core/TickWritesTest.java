package dev.voicetrack.core;

import static dev.voicetrack.core.Fixture.C1;
import static dev.voicetrack.core.Fixture.C2;
import static dev.voicetrack.core.Fixture.G;
import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.core.storage.Batch;
import dev.voicetrack.core.storage.InMemoryStorage;
import dev.voicetrack.core.storage.MemberDelta;
import dev.voicetrack.core.storage.MemberTotals;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * What a tick writes: the members' own accumulators (reused across ticks) must carry every increment
 * across channel moves, midnight and failed writes; open session rows are written at the first tick
 * and then once per {@code openSessionWriteInterval}, spread over it, so that a crash loses at most one
 * tick of totals, no session, and at most that interval of a session's own row.
 */
class TickWritesTest {

    /** Records every batch; fails while {@code failing}. */
    static final class RecordingStorage extends ForwardingStorage {
        final List<Batch> batches = new CopyOnWriteArrayList<>();
        volatile boolean failing;

        RecordingStorage(InMemoryStorage delegate) {
            super(delegate);
        }

        @Override
        public List<MemberTotals> apply(Batch batch) {
            if (failing) {
                throw new dev.voicetrack.core.storage.StorageException("injected failure");
            }
            batches.add(batch);
            return super.apply(batch);
        }
    }

    @Test
    void withAZeroInterval_everyTickWritesEveryOpenSession_atTheTickInstant() {
        var storage = new RecordingStorage(new InMemoryStorage());
        var b = VoiceTracker.builder().manualTicks().openSessionWriteInterval(Duration.ZERO);
        try (var f = new Fixture(b, null, storage, VoiceView.EMPTY)) {
            f.join(1, C1);
            f.join(2, C1);
            for (int i = 1; i <= 3; i++) {
                f.tickAfterSeconds(5);
                Instant now = f.clock.instant();
                Batch last = storage.batches.get(storage.batches.size() - 1);
                assertThat(last.sessions()).hasSize(2).allSatisfy(s -> {
                    assertThat(s.open()).isTrue();
                    assertThat(s.lastAccrual()).isEqualTo(now);
                });
                // one delta per member per tick: the reused accumulator, no duplicates
                assertThat(last.deltas()).extracting(MemberDelta::userId).containsExactlyInAnyOrder(1L, 2L);
                int tick = i;
                assertThat(storage.openSessions()).hasSize(2).allSatisfy(s -> {
                    assertThat(s.durationMs()).isEqualTo(5_000L * tick);
                    assertThat(s.xpEarned()).isEqualTo(5L * tick);
                });
            }
        }
    }

    @Test
    void openRows_areWrittenAtTheFirstTick_thenOncePerInterval_spreadOverIt() {
        var storage = new RecordingStorage(new InMemoryStorage());
        var b = VoiceTracker.builder().manualTicks().openSessionWriteInterval(Duration.ofSeconds(60));
        int members = 600;
        try (var f = new Fixture(b, null, storage, VoiceView.EMPTY)) {
            for (int u = 1; u <= members; u++) {
                f.join(u, C1);
            }
            f.tickAfterSeconds(5);
            assertThat(storage.batches.get(0).sessions()).hasSize(members);
            assertThat(storage.batches.get(0).deltas()).hasSize(members);
            Map<String, Instant> lastWritten = new HashMap<>();
            storage.batches.get(0).sessions().forEach(s -> lastWritten.put(s.id(), s.lastAccrual()));
            // 36 more ticks of 5 s = three intervals: every tick still writes every member's totals,
            // each open row is written once per 60 s, and no tick writes more than a fair share of them
            for (int i = 1; i <= 36; i++) {
                f.tickAfterSeconds(5);
                Instant now = f.clock.instant();
                Batch last = storage.batches.get(storage.batches.size() - 1);
                assertThat(last.deltas()).hasSize(members);
                assertThat(last.sessions()).hasSizeLessThanOrEqualTo(members / 12 * 2);
                for (VoiceSession row : last.sessions()) {
                    assertThat(row.lastAccrual()).isEqualTo(now);
                    Instant before = lastWritten.put(row.id(), row.lastAccrual());
                    if (i > 12) { // after the first interval, which sets each row's phase
                        assertThat(Duration.between(before, now)).isEqualTo(Duration.ofSeconds(60));
                    }
                }
                // no stored open row is ever older than the interval
                for (VoiceSession stored : storage.openSessions()) {
                    assertThat(Duration.between(stored.lastAccrual(), now)).isLessThanOrEqualTo(Duration.ofSeconds(60));
                }
            }
            assertThat(lastWritten).hasSize(members);
            // close writes every open row as of the final tick
            f.clock.advanceSeconds(2);
            Instant end = f.clock.instant();
            f.tracker.close();
            assertThat(storage.openSessions()).hasSize(members).allSatisfy(s -> {
                assertThat(s.lastAccrual()).isEqualTo(end);
                assertThat(s.durationMs()).isEqualTo(187_000);
            });
        }
    }

    @Test
    void aFailedWrite_makesItsOpenRowsDueAgainAtTheNextTick() {
        var storage = new RecordingStorage(new InMemoryStorage());
        var b = VoiceTracker.builder().manualTicks().openSessionWriteInterval(Duration.ofMinutes(10));
        try (var f = new Fixture(b, null, storage, VoiceView.EMPTY)) {
            f.join(1, C1);
            storage.failing = true;
            f.tickAfterSeconds(5); // the new session's first row is lost with the batch
            storage.failing = false;
            f.tickAfterSeconds(5);
            assertThat(storage.batches).singleElement().satisfies(batch -> assertThat(batch.sessions())
                    .singleElement()
                    .satisfies(s -> assertThat(s.durationMs()).isEqualTo(10_000)));
            assertThat(storage.openSessions()).singleElement();
            // Written now. Its next write falls somewhere in the following interval (a phase taken from the
            // random session id, which can be under 5 s), never at once: a tick at the same instant writes
            // the member's increments without the row.
            f.tickAfterSeconds(0);
            assertThat(storage.batches.get(1).sessions()).isEmpty();
            assertThat(storage.batches.get(1).deltas()).singleElement();
        }
    }

    @Test
    void crash_losesAtMostOneTickOfTotals_noSession_andAtMostTheIntervalOfAnOpenRow() {
        var storage = new InMemoryStorage();
        var clock = TestClock.at("2024-03-10T12:00:00Z");
        var first = VoiceTracker.builder()
                .manualTicks()
                .storage(storage)
                .clock(clock)
                .openSessionWriteInterval(Duration.ofSeconds(30))
                .build();
        first.start();
        first.accept(
                new GatewayEvent.VoiceJoined(G, 7, C1, MemberInfo.PLAIN, new VoiceFlags(true, false, false, false)));
        first.accept(new GatewayEvent.VoiceJoined(G, 8, C1, MemberInfo.PLAIN, VoiceFlags.NONE));
        for (int i = 0; i < 6; i++) {
            clock.advanceSeconds(10);
            first.tickNow();
        }
        Instant lastTick = clock.instant();
        VoiceSession row7 = storage.sessions(G, 7, 1).get(0);
        assertThat(row7.open()).isTrue();
        assertThat(Duration.between(row7.lastAccrual(), lastTick)).isLessThanOrEqualTo(Duration.ofSeconds(30));
        // crash: 4 s more in voice that no tick wrote, and no close()
        clock.advanceSeconds(4);
        var second = VoiceTracker.builder()
                .manualTicks()
                .storage(storage)
                .clock(clock)
                .view(() -> List.of(new VoiceMember(G, 8, C1, MemberInfo.PLAIN, VoiceFlags.NONE)))
                .build();
        second.start();
        second.tickNow();
        // member 7 left while we were down: its session is closed where its row was last written
        long rowMs = row7.durationMs();
        assertThat(storage.sessions(G, 7, 10)).singleElement().satisfies(s -> {
            assertThat(s.open()).isFalse();
            assertThat(s.end()).isEqualTo(row7.lastAccrual());
            assertThat(s.durationMs()).isEqualTo(rowMs);
            assertThat(s.mutedMs()).isEqualTo(rowMs);
            assertThat(s.xpEarned()).isEqualTo(row7.xpEarned());
        });
        // the totals miss nothing that a tick accounted
        assertThat(storage.member(G, 7).orElseThrow().voiceTimeMs()).isEqualTo(60_000);
        assertThat(storage.member(G, 7).orElseThrow().xp()).isEqualTo(30); // six checks at the default 5 XP
        // member 8 is still there: its session resumes (spanning the downtime, which is not credited)
        assertThat(storage.openSessions()).singleElement().satisfies(s -> {
            assertThat(s.userId()).isEqualTo(8);
            assertThat(s.durationMs()).isEqualTo(64_000);
        });
        assertThat(storage.member(G, 8).orElseThrow().voiceTimeMs()).isEqualTo(60_000);
        second.close();
    }

    @Test
    void crash_withAZeroInterval_losesAtMostOneTick_evenOfTheOpenRows() {
        var storage = new InMemoryStorage();
        var clock = TestClock.at("2024-03-10T12:00:00Z");
        var first = VoiceTracker.builder()
                .manualTicks()
                .storage(storage)
                .clock(clock)
                .openSessionWriteInterval(Duration.ZERO)
                .build();
        first.start();
        first.accept(
                new GatewayEvent.VoiceJoined(G, 7, C1, MemberInfo.PLAIN, new VoiceFlags(true, false, false, false)));
        clock.advanceSeconds(10);
        first.tickNow();
        clock.advanceSeconds(10);
        first.tickNow();
        Instant lastTick = clock.instant();
        clock.advanceSeconds(4); // crash
        var second = VoiceTracker.builder()
                .manualTicks()
                .storage(storage)
                .clock(clock)
                .build();
        second.start();
        second.tickNow();
        assertThat(storage.sessions(G, 7, 10)).singleElement().satisfies(s -> {
            assertThat(s.open()).isFalse();
            assertThat(s.end()).isEqualTo(lastTick);
            assertThat(s.durationMs()).isEqualTo(20_000);
            assertThat(s.mutedMs()).isEqualTo(20_000);
            assertThat(s.xpEarned()).isEqualTo(10); // two checks at the default 5 XP
        });
        second.close();
    }

    @Test
    void moveAndMidnight_withinOneTick_keepEveryIncrement_perChannelAndDay() {
        var storage = new InMemoryStorage();
        var clock = TestClock.at("2024-03-10T23:59:50Z");
        var t = VoiceTracker.builder()
                .manualTicks()
                .storage(storage)
                .clock(clock)
                .build();
        t.start();
        t.accept(new GatewayEvent.VoiceJoined(G, 1, C1, MemberInfo.PLAIN, VoiceFlags.NONE));
        clock.advanceSeconds(5);
        t.tickNow(); // 5 s in C1 on the 10th, in the member's accumulator
        clock.advanceSeconds(3);
        t.accept(new GatewayEvent.VoiceMoved(G, 1, C2)); // 3 more s in C1, then C2
        clock.advanceSeconds(7); // 2 s on the 10th, 5 s on the 11th, in C2
        t.tickNow();
        MemberStats m = storage.member(G, 1).orElseThrow();
        assertThat(m.voiceTimeMs()).isEqualTo(15_000);
        assertThat(m.channel(C1).orElseThrow().voiceTimeMs()).isEqualTo(8_000);
        assertThat(m.channel(C2).orElseThrow().voiceTimeMs()).isEqualTo(7_000);
        assertThat(m.sessions()).isEqualTo(2);
        var days = storage.activity(
                G,
                1,
                new dev.voicetrack.core.storage.DayRange(LocalDate.parse("2024-03-10"), LocalDate.parse("2024-03-11")));
        long tenth = days.stream()
                .filter(r -> r.day().equals(LocalDate.parse("2024-03-10")))
                .mapToLong(r -> r.voiceMs())
                .sum();
        assertThat(tenth).isEqualTo(10_000);
        t.close();
    }

    @Test
    void failedWrites_thenLeave_keepTheMembersIncrements() {
        var storage = new RecordingStorage(new InMemoryStorage());
        try (var f = new Fixture(GuildConfig.defaults(), null, storage)) {
            f.join(1, C1);
            f.join(2, C1);
            f.tickAfterSeconds(5);
            storage.failing = true;
            assertThat(f.tickAfterSeconds(5).written()).isFalse();
            f.clock.advanceSeconds(2);
            f.leave(1); // its accumulator (5 s + 2 s) must move to the engine's map
            f.move(2, C2);
            assertThat(f.tickAfterSeconds(3).written()).isFalse();
            storage.failing = false;
            assertThat(f.tickAfterSeconds(5).written()).isTrue();
            assertThat(f.user(1).voiceTimeMs()).isEqualTo(12_000);
            assertThat(f.user(2).voiceTimeMs()).isEqualTo(20_000);
            assertThat(f.user(2).channel(C1).orElseThrow().voiceTimeMs()).isEqualTo(12_000);
            assertThat(f.user(2).channel(C2).orElseThrow().voiceTimeMs()).isEqualTo(8_000);
            assertThat(storage.sessions(G, 1, 10)).singleElement().satisfies(s -> {
                assertThat(s.open()).isFalse();
                assertThat(s.durationMs()).isEqualTo(12_000);
            });
            // after success nothing is written twice
            f.tickAfterSeconds(5);
            assertThat(f.user(1).voiceTimeMs()).isEqualTo(12_000);
            assertThat(f.user(2).voiceTimeMs()).isEqualTo(25_000);
        }
    }

    @Test
    void adminResetDuringBufferedIncrements_dropsThem_andOthersStay() {
        var storage = new RecordingStorage(new InMemoryStorage());
        try (var f = new Fixture(GuildConfig.defaults(), null, storage)) {
            f.join(1, C1);
            f.join(2, C1);
            storage.failing = true;
            f.tickAfterSeconds(5);
            storage.failing = false;
            f.tracker.resetUser(G, 1);
            f.tracker.setXp(G, 2, 1_000);
            f.tickAfterSeconds(5);
            assertThat(f.user(1).voiceTimeMs()).isEqualTo(5_000); // only the time after the reset
            assertThat(f.user(2).voiceTimeMs()).isEqualTo(10_000);
            assertThat(f.user(2).xp()).isEqualTo(1_005); // buffered XP dropped by the set, then +5
        }
    }

    @Test
    void deltasOfManyMembers_areOnePerMemberPerTick() {
        var storage = new RecordingStorage(new InMemoryStorage());
        try (var f = new Fixture(GuildConfig.defaults(), null, storage)) {
            var users = new ArrayList<Long>();
            for (long u = 1; u <= 300; u++) {
                f.join(u, u % 2 == 0 ? C1 : C2);
                users.add(u);
            }
            f.tickAfterSeconds(5);
            f.tickAfterSeconds(5);
            Batch last = storage.batches.get(storage.batches.size() - 1);
            assertThat(last.deltas()).extracting(MemberDelta::userId).containsExactlyInAnyOrderElementsOf(users);
            assertThat(last.deltas()).allSatisfy(d -> assertThat(d.voiceMs()).isEqualTo(5_000));
        }
    }
}
