package dev.voicetrack.jda.internal;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The {@code /rank} card (issue 19's goal: "a few milliseconds each"): an uncached render, drawn and encoded as PNG,
 * with the default avatar and with a fetched 128×128 avatar scaled into its circle; drawing alone, without the
 * encoding; and a hit of {@link RankCards}' cache for unchanged values. The baseline in the same run is the least
 * any card of this size costs: a plain Java2D fill of an {@value RankCard#WIDTH}×{@value RankCard#HEIGHT} image and
 * its PNG encoding through the same in-memory writer, and the same through the one-line {@link ImageIO#write}.
 *
 * <p>It lives in the adapter's internal package (on the benchmarks' class path only) because the card is internal
 * to the adapter: nothing is made public for it.
 *
 * <p>Run from the repository root, after {@code ./mvnw -B -q -ntp -o -pl voicetrack-bench -am -DskipTests
 * package}:
 *
 * <pre>{@code
 * java -Djava.awt.headless=true -jar voicetrack-bench/target/benchmarks.jar 'RankCardBenchmark' -f 1 -wi 3 -i 5
 * }</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Djava.awt.headless=true", "-Xms512m", "-Xmx512m"})
@State(Scope.Benchmark)
public class RankCardBenchmark {
    private static final String AVATAR_URL = "https://cdn.example/avatars/1/a.png";

    private RankCard.Values defaultAvatar;
    private RankCard.Values withAvatar;
    private BufferedImage avatar;
    private RankCards cards;

    @Setup
    public void setUp() {
        defaultAvatar = values("");
        withAvatar = values(AVATAR_URL);
        avatar = new BufferedImage(128, 128, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = avatar.createGraphics();
        try {
            // not one colour, so scaling it does real work: four quadrants
            g.setColor(new Color(0x3BA55C));
            g.fillRect(0, 0, 64, 64);
            g.setColor(new Color(0xED4245));
            g.fillRect(64, 0, 64, 64);
            g.setColor(new Color(0xFEE75C));
            g.fillRect(0, 64, 64, 64);
            g.setColor(new Color(0x5865F2));
            g.fillRect(64, 64, 64, 64);
        } finally {
            g.dispose();
        }
        cards = new RankCards(url -> Optional.of(avatar));
        cards.png(withAvatar); // cached from here on
    }

    private static RankCard.Values values(String avatarKey) {
        return new RankCard.Values(
                "Alice the Voice Regular", 42, 1_234_567, 63, 18_400, 7, 987_654_321L, 0x5865F2, avatarKey);
    }

    private static BufferedImage filled() {
        BufferedImage img = new BufferedImage(RankCard.WIDTH, RankCard.HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setColor(RankCard.BACKGROUND);
            g.fillRect(0, 0, RankCard.WIDTH, RankCard.HEIGHT);
        } finally {
            g.dispose();
        }
        return img;
    }

    /** The baseline: fill the card's size with one colour and encode it as PNG the way the card is encoded. */
    @Benchmark
    public byte[] baselineFillAndEncode() {
        return RankCard.encode(filled());
    }

    /**
     * The same with the one-line {@code ImageIO.write(img, "png", out)}, which under ImageIO's default cache setting
     * buffers through a temporary file (what the card did before).
     */
    @Benchmark
    public byte[] baselineFillAndImageIoWrite() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        ImageIO.write(filled(), "png", out);
        return out.toByteArray();
    }

    /** An uncached card with the default avatar (the initial on the accent colour), drawn and encoded. */
    @Benchmark
    public byte[] renderDefaultAvatar() {
        return RankCard.png(defaultAvatar, null);
    }

    /** An uncached card with a fetched avatar scaled into its circle, drawn and encoded. */
    @Benchmark
    public byte[] renderWithAvatar() {
        return RankCard.png(withAvatar, avatar);
    }

    /** Drawing alone (the part of a render that is the card's own, before the PNG encoding). */
    @Benchmark
    public BufferedImage drawOnly() {
        return RankCard.draw(withAvatar, avatar);
    }

    /** {@code /rank} for unchanged values: a hit of the card cache. */
    @Benchmark
    public byte[] cachedHit() {
        return cards.png(withAvatar);
    }
}
