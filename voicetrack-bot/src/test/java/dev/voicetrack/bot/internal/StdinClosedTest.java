package dev.voicetrack.bot.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The watch runs its action once at the end of the input, and not for what is written before it. */
class StdinClosedTest {

    @Test
    void endOfInput_runsTheActionOnce_andInputBeforeItDoesNot() throws Exception {
        PipedOutputStream writer = new PipedOutputStream();
        PipedInputStream in = new PipedInputStream(writer);
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch ran = new CountDownLatch(1);

        Thread watch = StdinClosed.watch(in, () -> {
            runs.incrementAndGet();
            ran.countDown();
        });
        writer.write("anything\n".getBytes(StandardCharsets.UTF_8));
        writer.flush();

        assertThat(watch.isDaemon()).isTrue();
        assertThat(runs).as("runs while the input is open").hasValue(0);
        writer.close();
        assertThat(ran.await(10, TimeUnit.SECONDS))
                .as("ran after the end (hang guard)")
                .isTrue();
        watch.join(TimeUnit.SECONDS.toMillis(10));
        assertThat(watch.isAlive()).isFalse();
        assertThat(runs).hasValue(1);
    }
}
