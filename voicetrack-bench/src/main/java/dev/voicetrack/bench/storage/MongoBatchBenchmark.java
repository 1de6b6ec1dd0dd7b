package dev.voicetrack.bench.storage;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.voicetrack.core.storage.Batch;
import dev.voicetrack.core.storage.MemberDelta;
import dev.voicetrack.core.storage.MemberTotals;
import dev.voicetrack.storage.mongo.MongoStorage;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The MongoDB backend's batch write through the real driver against the in-process wire-protocol
 * server (mongo-java-server, memory backend): {@code hundredTicks} applies 100 batches of 1,000
 * members of one guild (voice time, XP, one channel, a new day every 10 batches so streaks move) to a
 * fresh database, journal and all. The server dominates the figure; it is a regression check of the
 * storage's own work (fold, plan, journal documents), not a MongoDB throughput figure.
 *
 * <p>To compare with an earlier {@code voicetrack-storage-mongo} in the same run, put its classes
 * first on the class path (JMH forks with the same class path):
 *
 * <pre>{@code
 * java -jar voicetrack-bench/target/benchmarks.jar 'dev.voicetrack.bench.storage.MongoBatchBenchmark'
 * java -cp old-mongo-classes:voicetrack-bench/target/benchmarks.jar org.openjdk.jmh.Main \
 *     'dev.voicetrack.bench.storage.MongoBatchBenchmark'
 * }</pre>
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Benchmark)
public class MongoBatchBenchmark {
    private static final long GUILD = 42;
    private static final long CHANNEL = 77;
    private static final int MEMBERS = 1000;
    private static final int BATCHES = 100;
    private static final LocalDate DAY = LocalDate.of(2024, 3, 10);
    private static final Instant NOW = Instant.parse("2024-03-10T12:00:00.123Z");

    private MongoServer server;
    private MongoClient client;
    private MongoStorage storage;
    private List<Batch> batches;
    private int database;

    @Setup(Level.Trial)
    public void startServer() {
        server = new MongoServer(new MemoryBackend());
        server.bind("127.0.0.1", 0);
        InetSocketAddress address = server.getLocalAddress();
        client = MongoClients.create("mongodb://127.0.0.1:" + address.getPort());
        batches = new ArrayList<>(BATCHES);
        for (int b = 0; b < BATCHES; b++) {
            LocalDate day = DAY.plusDays(b / 10);
            Instant seen = NOW.plusSeconds(b * 15L);
            var deltas = new ArrayList<MemberDelta>(MEMBERS);
            for (long u = 1; u <= MEMBERS; u++) {
                deltas.add(new MemberDelta(GUILD, u, CHANNEL, day, 15_000, 5 + u % 3, 0, b == 0 ? 1 : 0, seen));
            }
            batches.add(new Batch(deltas, List.of()));
        }
    }

    @Setup(Level.Iteration)
    public void freshDatabase() {
        storage = MongoStorage.create(client, "bench" + (++database));
        storage.init();
    }

    @TearDown(Level.Iteration)
    public void dropDatabase() {
        storage.close();
        client.getDatabase("bench" + database).drop();
    }

    @TearDown(Level.Trial)
    public void stopServer() {
        client.close();
        server.shutdownNow();
    }

    @Benchmark
    public long hundredTicks() {
        long xp = 0;
        for (Batch b : batches) {
            List<MemberTotals> totals = storage.apply(b);
            xp += totals.get(totals.size() - 1).xp();
        }
        return xp;
    }
}
