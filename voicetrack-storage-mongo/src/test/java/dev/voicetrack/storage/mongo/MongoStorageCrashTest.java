package dev.voicetrack.storage.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.MongoException;
import com.mongodb.client.MongoCollection;
import dev.voicetrack.core.VoiceSession;
import dev.voicetrack.core.storage.Batch;
import dev.voicetrack.core.storage.DayRange;
import dev.voicetrack.core.storage.MemberDelta;
import dev.voicetrack.core.storage.StorageException;
import dev.voicetrack.storage.mongo.internal.Faults;
import dev.voicetrack.testkit.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Crash consistency of the batch journal: a process that dies at any point of {@code apply} leaves
 * a batch that the next {@code init()} either never applies (not committed) or applies exactly once.
 * A "crash" is a failure injected at a {@link Faults} point; the crashed instance is then abandoned
 * and a new one opens the same database, as a restarted process would.
 */
class MongoStorageCrashTest {
    private static final long G = 111;
    private static final long CH = 333;
    private static final LocalDate DAY = LocalDate.of(2024, 3, 10);
    private static final Instant T = Instant.parse("2024-03-10T12:00:00.123Z");
    private static final AtomicInteger N = new AtomicInteger();

    private static InProcessMongo mongo;
    private String db;

    @BeforeAll
    static void startServer() {
        mongo = new InProcessMongo();
    }

    @AfterAll
    static void stopServer() {
        mongo.close();
    }

    @BeforeEach
    void freshDatabase() {
        db = "crash" + N.incrementAndGet();
    }

    /** Thrown by an injected crash; not a MongoException, so nothing in the storage handles it. */
    static final class Crash extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Crash(String point) {
            super("injected crash at " + point);
        }
    }

    private static Faults crashAt(String point, int occurrence) {
        var seen = new AtomicInteger();
        return p -> {
            if (p.equals(point) && seen.incrementAndGet() == occurrence) {
                throw new Crash(p);
            }
        };
    }

    private MongoStorage open(Faults faults, int chunk) {
        MongoStorage s = MongoStorage.create(
                mongo.client(),
                MongoOptions.builder().database(db).journalChunkSize(chunk).build(),
                faults);
        s.init();
        return s;
    }

    private static Batch theBatch() {
        Instant start = T.plusMillis(1);
        return new Batch(
                List.of(
                        new MemberDelta(G, 1, CH, DAY, 100, 10, 0, 1, T),
                        new MemberDelta(G, 2, CH, DAY, 200, 20, 0, 1, T),
                        new MemberDelta(G, 3, CH, DAY, 300, 30, 2, 1, T),
                        new MemberDelta(G, 1, CH, DAY, 1, 1, 0, 0, T)),
                List.of(new VoiceSession("s1", G, 1, CH, start, null, start, 0, 0, 0, 0)));
    }

    /** Exactly one application of {@link #theBatch()} on top of one earlier application. */
    private void assertAppliedTwiceInTotal(MongoStorage s) {
        assertThat(s.member(G, 1).orElseThrow().xp()).isEqualTo(22);
        assertThat(s.member(G, 1).orElseThrow().voiceTimeMs()).isEqualTo(202);
        assertThat(s.member(G, 1).orElseThrow().sessions()).isEqualTo(2);
        assertThat(s.member(G, 1).orElseThrow().channel(CH).orElseThrow().voiceTimeMs())
                .isEqualTo(202);
        assertThat(s.member(G, 2).orElseThrow().xp()).isEqualTo(40);
        assertThat(s.member(G, 3).orElseThrow().messages()).isEqualTo(4);
        assertThat(s.activity(G, 3, new DayRange(DAY, DAY))).singleElement().satisfies(a -> assertThat(a.voiceMs())
                .isEqualTo(600));
        assertThat(s.openSessions()).extracting(VoiceSession::id).containsExactly("s1");
    }

    private void assertAppliedOnce(MongoStorage s) {
        assertThat(s.member(G, 1).orElseThrow().xp()).isEqualTo(11);
        assertThat(s.member(G, 2).orElseThrow().xp()).isEqualTo(20);
        assertThat(s.member(G, 3).orElseThrow().voiceTimeMs()).isEqualTo(300);
    }

    @Test
    void crashBeforeTheCommit_leavesNoTrace() {
        MongoStorage crashed = open(crashAt(Faults.BEFORE_COMMIT, 1), 1);
        assertThatThrownBy(() -> crashed.apply(theBatch())).isInstanceOf(Crash.class);
        MongoStorage restarted = open(Faults.NONE, 1000);
        assertThat(restarted.member(G, 1)).isEmpty();
        assertThat(restarted.openSessions()).isEmpty();
        assertThat(restarted.guildIds()).isEmpty();
    }

    @Test
    void crashRightAfterTheCommit_isAppliedExactlyOnceByTheNextInit() {
        open(Faults.NONE, 1000).apply(theBatch());
        MongoStorage crashed = open(crashAt(Faults.AFTER_COMMIT, 1), 1);
        assertThatThrownBy(() -> crashed.apply(theBatch())).isInstanceOf(Crash.class);
        MongoStorage restarted = open(Faults.NONE, 1000);
        assertAppliedTwiceInTotal(restarted);
    }

    @Test
    void crashPartWayThroughTheUpdates_isCompletedExactlyOnce_andASecondRecoveryChangesNothing() {
        open(Faults.NONE, 1000).apply(theBatch());
        // chunk size 1: one update per bulk write; crash after the 2nd (member 1 and 2 done, not 3)
        MongoStorage crashed = open(crashAt(Faults.AFTER_CHUNK, 2), 1);
        assertThatThrownBy(() -> crashed.apply(theBatch())).isInstanceOf(Crash.class);
        assertThat(crashed.member(G, 2).orElseThrow().xp()).isEqualTo(40); // half applied, visibly
        assertThat(crashed.member(G, 3).orElseThrow().xp()).isEqualTo(30);
        MongoStorage restarted = open(Faults.NONE, 1000);
        assertAppliedTwiceInTotal(restarted);
        MongoStorage again = open(Faults.NONE, 1000);
        assertAppliedTwiceInTotal(again);
    }

    @Test
    void crashAfterEveryUpdateButBeforeTheJournalIsCleared_doublesNothing() {
        open(Faults.NONE, 1000).apply(theBatch());
        // theBatch has 3 member updates + 3 activity updates + 1 session = 7 chunks of 1
        MongoStorage crashed = open(crashAt(Faults.AFTER_CHUNK, 7), 1);
        assertThatThrownBy(() -> crashed.apply(theBatch())).isInstanceOf(Crash.class);
        assertAppliedTwiceInTotal(crashed);
        assertAppliedTwiceInTotal(open(Faults.NONE, 1000));
    }

    @Test
    void aServerErrorAfterTheCommit_returnsNormally_andTheNextOperationCompletesTheBatch() {
        var failures = new AtomicInteger();
        Faults flaky = p -> {
            if (p.equals(Faults.AFTER_CHUNK) && failures.getAndIncrement() == 0) {
                throw new MongoException("injected network error");
            }
        };
        MongoStorage s = open(flaky, 1);
        s.apply(theBatch());
        assertAppliedOnce(s);
        s.apply(new Batch(List.of(new MemberDelta(G, 2, CH, DAY, 0, 5, 0, 0, T)), List.of()));
        assertThat(s.member(G, 2).orElseThrow().xp()).isEqualTo(25);
        MongoStorage restarted = open(Faults.NONE, 1000);
        assertThat(restarted.member(G, 1).orElseThrow().xp()).isEqualTo(11);
        assertThat(restarted.member(G, 2).orElseThrow().xp()).isEqualTo(25);
        assertThat(restarted.member(G, 3).orElseThrow().voiceTimeMs()).isEqualTo(300);
    }

    @Test
    void anUncommittedChunk_isKeptWhileYoung_andDeletedOnceOlderThanTheOrphanAge() {
        var clock = new ManualClock();
        MongoOptions options = MongoOptions.builder()
                .database(db)
                .journalChunkSize(1)
                .orphanChunkAge(Duration.ofMinutes(10))
                .clock(clock)
                .build();
        MongoStorage crashed = MongoStorage.create(mongo.client(), options, crashAt(Faults.BEFORE_COMMIT, 1));
        crashed.init();
        assertThatThrownBy(() -> crashed.apply(theBatch())).isInstanceOf(Crash.class);
        MongoCollection<Document> journal = mongo.client().getDatabase(db).getCollection("journal");
        assertThat(journal.countDocuments()).isEqualTo(7); // 7 chunks of one update, no header

        clock.advance(Duration.ofMinutes(10)); // exactly the age: maybe another process's batch in flight
        MongoStorage.create(mongo.client(), options).init();
        assertThat(journal.countDocuments()).isEqualTo(7);

        clock.advanceMillis(1);
        MongoStorage restarted = MongoStorage.create(mongo.client(), options);
        restarted.init();
        assertThat(journal.countDocuments()).isZero();
        assertThat(restarted.member(G, 1)).isEmpty();
    }

    @Test
    void readOnlyOptions_refuseWrites_andLeaveACommittedBatchForAReadWriteOpen() {
        open(Faults.NONE, 1000).apply(theBatch());
        MongoStorage crashed = open(crashAt(Faults.AFTER_COMMIT, 1), 1);
        assertThatThrownBy(() -> crashed.apply(theBatch())).isInstanceOf(Crash.class);
        MongoOptions readOnly =
                MongoOptions.builder().database(db).readOnly(true).build();
        assertThatThrownBy(() -> MongoStorage.create(mongo.client(), readOnly).init())
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("read-only open cannot complete");
        open(Faults.NONE, 1000);
        MongoStorage reader = MongoStorage.create(mongo.client(), readOnly);
        reader.init();
        assertAppliedTwiceInTotal(reader);
        assertThatThrownBy(() -> reader.apply(theBatch()))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("read-only");
        assertAppliedTwiceInTotal(reader);
    }
}
