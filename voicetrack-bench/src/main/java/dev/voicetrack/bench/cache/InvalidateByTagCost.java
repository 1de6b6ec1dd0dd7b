package dev.voicetrack.bench.cache;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;

/**
 * The cost of {@code invalidateByTag} over 10,000 entries against Caffeine's {@code invalidateAll} of
 * the same keys, measured so that a loaded machine does not decide it: the workload is {@link
 * InvalidateByTagBenchmark}'s own (its two states, refilled before every call and checked after), the
 * two calls take turns, each is timed in <em>thread CPU time</em> (time the thread was descheduled
 * does not count), and the result is the median over rounds of each call's time and of the ratio of
 * the two calls of a round. {@link InvalidateByTagBenchmark} (JMH) measures the same on an idle
 * machine.
 *
 * <p>Run from the repository root, after {@code ./mvnw -o -q -pl voicetrack-bench -am package
 * -DskipTests}:
 *
 * <pre>{@code
 * java -Xms1g -Xmx1g -cp voicetrack-bench/target/benchmarks.jar dev.voicetrack.bench.cache.InvalidateByTagCost [rounds]
 * }</pre>
 *
 * Defaults: 400 rounds, after 200 rounds of warm-up.
 */
public final class InvalidateByTagCost {

    private static final int WARM_UP_ROUNDS = 200;

    private InvalidateByTagCost() {}

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 400;
        var voiceTrack = new InvalidateByTagBenchmark.VoiceTrackState();
        var caffeine = new InvalidateByTagBenchmark.CaffeineState();
        voiceTrack.setUpTrial();
        caffeine.setUpTrial();
        var bench = new InvalidateByTagBenchmark();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();

        double[] voiceTrackMillis = new double[rounds];
        double[] caffeineMillis = new double[rounds];
        double[] ratios = new double[rounds];
        for (int round = -WARM_UP_ROUNDS; round < rounds; round++) {
            voiceTrack.refill();
            long start = threads.getCurrentThreadCpuTime();
            bench.voiceTrackInvalidate10k(voiceTrack);
            long voiceTrackNanos = threads.getCurrentThreadCpuTime() - start;
            voiceTrack.check();

            caffeine.refill();
            start = threads.getCurrentThreadCpuTime();
            bench.caffeineInvalidate10k(caffeine);
            long caffeineNanos = threads.getCurrentThreadCpuTime() - start;
            caffeine.check();

            if (round >= 0) {
                voiceTrackMillis[round] = voiceTrackNanos / 1e6;
                caffeineMillis[round] = caffeineNanos / 1e6;
                ratios[round] = (double) voiceTrackNanos / caffeineNanos;
            }
        }
        voiceTrack.tearDownTrial();
        caffeine.tearDownTrial();
        System.out.printf(
                Locale.ROOT,
                "invalidateByTag of 10,000 entries, thread CPU time, medians of %d rounds:%n"
                        + "  VoiceTrack invalidateByTag  %.3f ms%n"
                        + "  Caffeine invalidateAll      %.3f ms%n"
                        + "  ratio (per round)           %.2fx (quartiles %.2fx - %.2fx)%n",
                rounds,
                quantile(voiceTrackMillis, 0.5),
                quantile(caffeineMillis, 0.5),
                quantile(ratios, 0.5),
                quantile(ratios, 0.25),
                quantile(ratios, 0.75));
    }

    private static double quantile(double[] values, double q) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[(int) Math.min(sorted.length - 1, Math.round(q * (sorted.length - 1)))];
    }
}
