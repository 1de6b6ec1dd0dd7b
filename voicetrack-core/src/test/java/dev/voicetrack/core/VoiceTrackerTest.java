package dev.voicetrack.core;

import static dev.voicetrack.core.Fixture.C1;
import static dev.voicetrack.core.Fixture.C2;
import static dev.voicetrack.core.Fixture.G;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voicetrack.core.storage.Batch;
import dev.voicetrack.core.storage.InMemoryStorage;
import dev.voicetrack.core.storage.MemberTotals;
import dev.voicetrack.core.storage.StorageException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class VoiceTrackerTest {

    @Test
    void leavingMidInterval_recordsExactlyTheTimeSpent() {
        try (var f = new Fixture()) {
            f.join(1, C1);
            f.tickAfterSeconds(5);
            f.clock.advanceMillis(2_345);
            f.leave(1);
            f.tickAfterSeconds(3);
            MemberStats u = f.user(1);
            assertThat(u.voiceTimeMs()).isEqualTo(7_345);
            assertThat(u.sessions()).isEqualTo(1);
            assertThat(u.xp()).isEqualTo(5); // one check while present
            var sessions = f.tracker.getSessions(G, 1, 10);
            assertThat(sessions).singleElement().satisfies(s -> {
                assertThat(s.open()).isFalse();
                assertThat(s.durationMs()).isEqualTo(7_345);
                assertThat(s.xpEarned()).isEqualTo(5);
            });
        }
    }

    @Test
    void move_endsOneSessionAndStartsAnother_withPerChannelTime() {
        try (var f = new Fixture()) {
            f.join(1, C1);
            f.clock.advanceSeconds(4);
            f.move(1, C2);
            f.tickAfterSeconds(6);
            MemberStats u = f.user(1);
            assertThat(u.channel(C1).orElseThrow().voiceTimeMs()).isEqualTo(4_000);
            assertThat(u.channel(C2).orElseThrow().voiceTimeMs()).isEqualTo(6_000);
            assertThat(u.sessions()).isEqualTo(2);
            var sessions = f.tracker.getSessions(G, 1, 10);
            assertThat(sessions).hasSize(2);
            assertThat(sessions.get(0).open()).isTrue();
            assertThat(sessions.get(0).channelId()).isEqualTo(C2);
            assertThat(sessions.get(1).durationMs()).isEqualTo(4_000);
            assertThat(sessions).extracting(VoiceSession::id).doesNotHaveDuplicates();
        }
    }

    @Test
    void mutedAndDeafenedTime_isRecordedPerSession() {
        try (var f = new Fixture()) {
            f.join(1, C1);
            f.clock.advanceSeconds(3);
            f.flags(1, new VoiceFlags(true, false, false, false));
            f.clock.advanceSeconds(4);
            f.flags(1, new VoiceFlags(true, false, true, false));
            f.clock.advanceSeconds(2);
            f.leave(1);
            f.tickAfterSeconds(1);
            var s = f.tracker.getSessions(G, 1, 1).get(0);
            assertThat(s.mutedMs()).isEqualTo(6_000);
            assertThat(s.deafenedMs()).isEqualTo(2_000);
            assertThat(s.durationMs()).isEqualTo(9_000);
        }
    }

    @Test
    void untrackedMuted_getNoTimeWhileMuted() {
        try (var f = new Fixture(GuildConfig.builder().trackMuted(false).build())) {
            f.join(1, C1);
            f.clock.advanceSeconds(3);
            f.flags(1, new VoiceFlags(false, true, false, false));
            f.tickAfterSeconds(7);
            assertThat(f.user(1).voiceTimeMs()).isEqualTo(3_000);
            assertThat(f.user(1).xp()).isZero();
        }
    }

    @Test
    void antiAfk_minUsers_excludedChannels_noXpRoles_bots() {
        var cfg = GuildConfig.builder()
                .minUsersToTrack(2)
                .botsCountAsCompany(false)
                .excludedChannelIds(List.of(C2))
                .noXpRoleIds(List.of(77L))
                .build();
        try (var f = new Fixture(cfg)) {
            f.join(1, C1);
            f.join(9, C1, MemberInfo.botMember());
            f.tickAfterSeconds(10); // 1 alone with a bot: not company
            assertThat(f.storage.member(G, 1).map(MemberStats::voiceTimeMs)).hasValue(0L);
            f.join(2, C1, MemberInfo.withRoles(77L));
            f.tickAfterSeconds(10);
            assertThat(f.user(1).voiceTimeMs()).isEqualTo(10_000);
            assertThat(f.user(1).xp()).isEqualTo(5);
            assertThat(f.user(2).voiceTimeMs()).isEqualTo(10_000);
            assertThat(f.user(2).xp()).isZero();
            assertThat(f.storage.member(G, 9).map(MemberStats::voiceTimeMs)).hasValue(0L);
            f.move(2, C2);
            f.tickAfterSeconds(10);
            assertThat(f.user(2).voiceTimeMs()).isEqualTo(10_000);
        }
    }

    @Test
    void messages_areCounted_andGiveXpWithPerUserCooldown() {
        var cfg = GuildConfig.builder()
                .messageXp(3)
                .messageXpCooldown(Duration.ofSeconds(60))
                .build();
        try (var f = new Fixture(cfg)) {
            f.message(1);
            f.clock.advanceSeconds(10);
            f.message(1);
            f.message(2);
            f.clock.advanceSeconds(50);
            f.message(1);
            f.tracker.tickNow();
            assertThat(f.user(1).messages()).isEqualTo(3);
            assertThat(f.user(1).xp()).isEqualTo(6);
            assertThat(f.user(2).xp()).isEqualTo(3);
        }
    }

    @Test
    void levelUp_isDetectedFromStoredTotals_andDelivered() {
        try (var f = new Fixture(
                GuildConfig.builder().xpConfig(XpConfig.ofBaseAmount(60)).build())) {
            f.join(1, C1);
            f.tickAfterSeconds(5);
            f.tickAfterSeconds(5);
            assertThat(f.user(1).level()).isEqualTo(1);
            f.flushed();
            assertThat(f.events.of(TrackerListener.LevelUp.class))
                    .containsExactly(new TrackerListener.LevelUp(G, 1, 0, 1, 120));
            assertThat(f.events.of(TrackerListener.XpGained.class)).hasSize(2);
            assertThat(f.events.all).contains("start:1:" + C1);
        }
    }

    @Test
    void listenersRunOffTheTickThread_andAThrowingListenerBreaksNothing() {
        try (var f = new Fixture()) {
            Thread tickThread = Thread.currentThread();
            var offThread = new AtomicBoolean(true);
            f.tracker.addListener(new TrackerListener() {
                @Override
                public void xpGained(XpGained event) {
                    if (Thread.currentThread() == tickThread) {
                        offThread.set(false);
                    }
                    throw new IllegalStateException("boom");
                }
            });
            f.join(1, C1);
            f.tickAfterSeconds(5);
            f.tickAfterSeconds(5);
            f.flushed();
            assertThat(offThread).isTrue();
            assertThat(f.user(1).xp()).isEqualTo(10);
            assertThat(f.events.errors).anyMatch(e -> e.contains("threw"));
            assertThat(f.events.of(TrackerListener.XpGained.class)).hasSize(2);
        }
    }

    @Test
    void storageFailure_keepsIncrementsBuffered_andRetries() {
        var storage = new FlakyStorage();
        try (var f = new Fixture(GuildConfig.defaults(), null, storage)) {
            f.join(1, C1);
            storage.failing = true;
            TickReport failed = f.tickAfterSeconds(5);
            assertThat(failed.written()).isFalse();
            assertThat(failed.bufferedDeltas()).isPositive();
            f.tickAfterSeconds(5);
            storage.failing = false;
            TickReport ok = f.tickAfterSeconds(5);
            assertThat(ok.written()).isTrue();
            assertThat(f.user(1).voiceTimeMs()).isEqualTo(15_000);
            assertThat(f.user(1).xp()).isEqualTo(15);
            f.flushed();
            assertThat(f.events.errors).anyMatch(e -> e.startsWith("storage write failed"));
        }
    }

    @Test
    void adminOperations_stick() {
        try (var f = new Fixture()) {
            f.join(1, C1);
            f.tickAfterSeconds(5);
            MemberTotals t = f.tracker.addXp(G, 1, 1000);
            assertThat(t.xp()).isEqualTo(1005);
            assertThat(t.level()).isEqualTo(3);
            f.tracker.setLevel(G, 1, 20);
            f.tickAfterSeconds(5);
            assertThat(f.user(1).level()).isEqualTo(20);
            assertThat(f.user(1).xp()).isEqualTo(1010);
            f.tracker.setXp(G, 1, 100);
            f.tickAfterSeconds(5);
            assertThat(f.user(1).xp()).isEqualTo(105);
            assertThat(f.user(1).level()).isEqualTo(1);
            f.tracker.editMetadata(G, 1, Map.of("team", "blue"), List.of());
            f.tickAfterSeconds(5);
            assertThat(f.user(1).metadata()).containsEntry("team", "blue");
            assertThat(f.tracker.resetUser(G, 1)).isTrue();
            f.tickAfterSeconds(5);
            assertThat(f.user(1).xp()).isEqualTo(5);
            assertThat(f.user(1).voiceTimeMs()).isEqualTo(5_000);
            assertThat(f.user(1).metadata()).containsEntry("team", "blue");
        }
    }

    @Test
    void queries_leaderboardRankWindowsAndStats() {
        try (var f = new Fixture(
                GuildConfig.builder().timeZone(ZoneId.of("Europe/Paris")).build())) {
            for (long u = 1; u <= 30; u++) {
                f.tracker.addXp(G, u, u * 10);
            }
            f.join(5, C1);
            f.tickAfterSeconds(60);
            var page = f.tracker.getLeaderboard(G, Metric.XP, Window.allTime(), 10, 0);
            assertThat(page.entries()).hasSize(10);
            assertThat(page.entries().get(0).userId()).isEqualTo(30);
            assertThat(page.entries().get(0).rank()).isEqualTo(1);
            assertThat(f.tracker.getRank(G, 1, Metric.XP, Window.allTime())).hasValue(30);
            assertThat(f.tracker.getRank(G, 5, Metric.VOICE_TIME, Window.lastDays(7)))
                    .hasValue(1);
            assertThat(f.tracker.getRank(G, 99, Metric.VOICE_TIME, Window.thisWeek()))
                    .isEmpty();
            var month = f.tracker.getLeaderboard(G, Metric.VOICE_TIME, Window.thisMonth(), 5, 0);
            assertThat(month.entries()).extracting(LeaderboardEntry::userId).containsExactly(5L, 1L, 2L, 3L, 4L);
            UserActivity stats = f.tracker.getUserStats(G, 5, 7);
            assertThat(stats.voiceTimeMs()).isEqualTo(60_000);
            assertThat(stats.xp()).isEqualTo(55);
            assertThat(stats.channels().get(C1).voiceTimeMs()).isEqualTo(60_000);
            assertThat(stats.to()).isEqualTo(LocalDate.of(2024, 3, 10));
            assertThatThrownBy(() -> f.tracker.getLeaderboard(G, Metric.LEVEL, Window.lastDays(7), 10, 0))
                    .hasMessage("window must be all time for metric level, was 7d");
            assertThatThrownBy(() -> f.tracker.getLeaderboard(G, Metric.XP, Window.allTime(), 0, 0))
                    .hasMessage("limit must be in 1..1000, was 0");
        }
    }

    @Test
    void voiceTimeCrossingMidnight_isSplitBetweenDays() {
        try (var f = new Fixture()) {
            f.clock.set(java.time.Instant.parse("2024-03-10T23:59:50Z"));
            f.join(1, C1);
            f.tickAfterSeconds(20);
            var rows = f.storage.activity(
                    G,
                    1,
                    new dev.voicetrack.core.storage.DayRange(LocalDate.of(2024, 3, 10), LocalDate.of(2024, 3, 11)));
            assertThat(rows).extracting(r -> r.voiceMs()).containsExactly(10_000L, 10_000L);
        }
    }

    @Test
    void startUp_reconcilesPersistedOpenSessionsWithWhoIsInVoice() {
        var storage = new InMemoryStorage();
        var clock = TestClock.at("2024-03-10T12:00:00Z");
        var first = VoiceTracker.builder()
                .manualTicks()
                .storage(storage)
                .clock(clock)
                .build();
        first.start();
        first.accept(new GatewayEvent.VoiceJoined(G, 1, C1, MemberInfo.PLAIN, VoiceFlags.NONE));
        first.accept(new GatewayEvent.VoiceJoined(G, 2, C1, MemberInfo.PLAIN, VoiceFlags.NONE));
        clock.advanceSeconds(10);
        first.tickNow();
        // crash: no close(). 1 left while we were down, 2 stayed, 3 joined.
        clock.advanceSeconds(100);
        VoiceView view = () -> List.of(
                new VoiceMember(G, 2, C1, MemberInfo.PLAIN, VoiceFlags.NONE),
                new VoiceMember(G, 3, C2, MemberInfo.PLAIN, VoiceFlags.NONE));
        var second = VoiceTracker.builder()
                .manualTicks()
                .storage(storage)
                .clock(clock)
                .view(view)
                .build();
        second.start();
        clock.advanceSeconds(10);
        second.tickNow();
        VoiceSession s1 = storage.sessions(G, 1, 5).get(0);
        assertThat(s1.open()).isFalse();
        assertThat(s1.durationMs()).isEqualTo(10_000);
        VoiceSession s2 = storage.sessions(G, 2, 5).get(0);
        assertThat(storage.sessions(G, 2, 5)).hasSize(1);
        assertThat(s2.open()).isTrue();
        assertThat(storage.member(G, 2).orElseThrow().voiceTimeMs()).isEqualTo(20_000);
        assertThat(storage.member(G, 3).orElseThrow().voiceTimeMs()).isEqualTo(10_000);
        assertThat(storage.openSessions()).extracting(VoiceSession::userId).containsExactlyInAnyOrder(2L, 3L);
        second.close();
    }

    /** Fails batch writes on demand (failure injection only). */
    static final class FlakyStorage extends ForwardingStorage {
        volatile boolean failing;

        FlakyStorage() {
            super(new InMemoryStorage());
        }

        @Override
        public List<MemberTotals> apply(Batch batch) {
            if (failing) {
                throw new StorageException("injected failure");
            }
            return super.apply(batch);
        }
    }

    @Test
    void members_filter_isAppliedAtRuntime() {
        var cfg = GuildConfig.builder().memberFilter(m -> m.userId() != 2).build();
        try (var f = new Fixture(cfg)) {
            f.join(1, C1);
            f.join(2, C1);
            f.tickAfterSeconds(5);
            assertThat(f.user(1).xp()).isEqualTo(5);
            assertThat(f.user(2).xp()).isZero();
            assertThat(Set.of(f.user(2).voiceTimeMs())).containsExactly(0L);
        }
    }
}
