package dev.voicetrack.bot.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.core.storage.StorageMigration.Progress;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** What {@code migrate} shows while it copies, driven by a manual clock. */
class MigrationProgressTest {
    private static final long SECOND = 1_000_000_000L;

    private final AtomicLong now = new AtomicLong(5 * SECOND);
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private String text() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void terminal_rewritesOneLine_withRateAndTimeLeftByMembers() {
        // guild 1 holds a quarter of the members: after it, three times its time is left
        try (MigrationProgress p = new MigrationProgress(out, true, null, now::get, Map.of(1L, 100L, 2L, 300L))) {
            p.onGuildStart(1, 0, 2);
            assertThat(text()).startsWith("\r").contains("0/2 guilds").contains("(copying guild 1: 100 members)");
            now.addAndGet(10 * SECOND);
            p.onProgress(new Progress(1, 1, 2, 1_000));
            String line = text().substring(text().lastIndexOf('\r'));
            assertThat(line.stripTrailing())
                    .isEqualTo("\r  1/2 guilds, 1,000 rows, 100 rows/s, 0:10 elapsed, about 0:30 left");
            assertThat(line)
                    .hasSize(text().substring(0, text().lastIndexOf('\r')).length()); // old text blanked
            assertThat(text()).doesNotContain("\n");
            p.onGuildStart(2, 1, 2);
            now.addAndGet(30 * SECOND);
            p.onProgress(new Progress(2, 2, 2, 4_000));
        }
        assertThat(text())
                .contains("\r  2/2 guilds, 4,000 rows, 100 rows/s, 0:40 elapsed")
                .endsWith("\n");
        assertThat(text().chars().filter(c -> c == '\n').count()).isEqualTo(1);
    }

    @Test
    void plain_printsALinePerGuild_andAnnouncesLargeGuilds() {
        try (MigrationProgress p = new MigrationProgress(out, false, null, now::get, Map.of(7L, 20_000L, 8L, 5L))) {
            p.onGuildStart(7, 0, 2);
            now.addAndGet(2 * SECOND);
            p.onProgress(new Progress(7, 1, 2, 40_000));
            p.onGuildStart(8, 1, 2);
            p.onProgress(new Progress(8, 2, 2, 40_010));
        }
        assertThat(text())
                .isEqualTo("  guild 7: copying 20,000 members...\n"
                        + "  guild 7: 1/2 guilds, 40,000 rows, 20,000 rows/s, 0:02 elapsed, about 0:00 left\n"
                        + "  guild 8: 2/2 guilds, 40,010 rows, 20,005 rows/s, 0:02 elapsed\n");
    }

    @Test
    void clock_formatsMinutesAndHours() {
        assertThat(MigrationProgress.clock(59.4)).isEqualTo("0:59");
        assertThat(MigrationProgress.clock(61)).isEqualTo("1:01");
        assertThat(MigrationProgress.clock(3 * 3600 + 62)).isEqualTo("3:01:02");
    }
}
