package dev.voicetrack.bot.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 16: {@code backup} and {@code restore} printed nothing while they worked. */
class CopyProgressTest {
    private static final long SECOND = 1_000_000_000L;

    @TempDir
    Path tmp;

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private final AtomicLong now = new AtomicLong();
    private final AtomicReference<OptionalLong> copied = new AtomicReference<>(OptionalLong.empty());

    private String printed() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void terminal_showsBytesRateAndTimeLeft_onOneLineRewrittenInPlace() {
        try (CopyProgress p = new CopyProgress(out, true, "backup", 100L << 20, copied::get, null, now::get)) {
            now.set(2 * SECOND);
            p.tick();
            assertThat(printed()).contains("backup: checking the integrity of the source, 0:02 elapsed");
            copied.set(OptionalLong.of(25L << 20));
            now.set(5 * SECOND);
            p.tick();
            assertThat(printed())
                    .contains("\r  backup: 25.0 MB of about 100.0 MB (25%), 5.0 MB/s, 0:05 elapsed, about 0:15 left");
            assertThat(printed()).doesNotContain("\n");
        }
        assertThat(printed()).endsWith("\n"); // close ends the line
    }

    @Test
    void plainOutput_printsALineEveryFifthRefresh_soAShortCopyPrintsNothing() {
        try (CopyProgress p = new CopyProgress(out, false, "restore", 10L << 20, copied::get, null, now::get)) {
            copied.set(OptionalLong.of(5L << 20));
            for (int i = 1; i < CopyProgress.PLAIN_EVERY; i++) {
                now.addAndGet(SECOND);
                p.tick();
            }
            assertThat(printed()).isEmpty();
            now.addAndGet(SECOND);
            p.tick();
        }
        assertThat(printed())
                .isEqualTo("  restore: 5.0 MB of about 10.0 MB (50%), 1.0 MB/s, 0:05 elapsed, about 0:05 left\n");
    }

    @Test
    void growingFile_readsTheNewestTemporaryCopy_andIsEmptyWithoutOne() throws Exception {
        var size = CopyProgress.growingFile(tmp, ".backup.db.tmp-");
        assertThat(size.get()).isEmpty();
        Files.write(tmp.resolve("other.db"), new byte[10]);
        assertThat(size.get()).isEmpty();
        Files.write(tmp.resolve(".backup.db.tmp-1234"), new byte[4096]);
        assertThat(size.get()).hasValue(4096);
        assertThat(CopyProgress.growingFile(tmp.resolve("missing"), "x").get()).isEmpty();
    }

    @Test
    void databaseBytes_countTheFileAndItsWal() throws Exception {
        Path db = tmp.resolve("v.db");
        Files.write(db, new byte[1000]);
        assertThat(CopyProgress.databaseBytes(db)).isEqualTo(1000);
        Files.write(Path.of(db + "-wal"), new byte[24]);
        assertThat(CopyProgress.databaseBytes(db)).isEqualTo(1024);
    }
}
