package dev.voicetrack.bot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock whose time is one 8-byte value in a file, so that a test and the bot processes it starts read
 * the same time: the test {@linkplain #create creates} the file and {@linkplain #advance moves} the time,
 * each bot {@linkplain #open opens} it read-only as its tracker's clock ({@link SharedClockBot}).
 *
 * <p>The value is the epoch millisecond, in native byte order, at offset 0 of a memory-mapped region (page
 * aligned, so the long is aligned). It is written and read with a volatile access through a byte-buffer
 * view {@link VarHandle}, which is atomic for an aligned long: a reader never sees half of an update (no
 * torn read), and a process sees the other's write as soon as the shared page has it. Only the test
 * writes. Thread safe.
 */
final class SharedClock extends Clock {
    private static final VarHandle MILLIS =
            MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());

    private final MappedByteBuffer time;
    private final boolean writable;

    private SharedClock(MappedByteBuffer time, boolean writable) {
        this.time = time;
        this.writable = writable;
    }

    /** Creates (or overwrites) the clock file at {@code start}; the returned clock can be moved. */
    static SharedClock create(Path file, Instant start) {
        try (FileChannel ch =
                FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            SharedClock clock = new SharedClock(ch.map(FileChannel.MapMode.READ_WRITE, 0, Long.BYTES), true);
            MILLIS.setVolatile(clock.time, 0, start.toEpochMilli());
            return clock;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the shared clock file " + file, e);
        }
    }

    /** Opens a clock file the test created, read-only. */
    static SharedClock open(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            if (ch.size() < Long.BYTES) {
                throw new IllegalArgumentException(
                        "the shared clock file must hold 8 bytes, was " + ch.size() + " bytes: " + file);
            }
            return new SharedClock(ch.map(FileChannel.MapMode.READ_ONLY, 0, Long.BYTES), false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the shared clock file " + file, e);
        }
    }

    @Override
    public long millis() {
        return (long) MILLIS.getVolatile(time, 0);
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis());
    }

    /**
     * Moves the time forward by {@code step}, for every process that reads the file.
     *
     * @throws IllegalArgumentException if {@code step} is negative or below a millisecond
     * @throws IllegalStateException on a clock opened read-only
     */
    void advance(Duration step) {
        if (!writable) {
            throw new IllegalStateException("this shared clock was opened read-only");
        }
        if (step.toMillis() < 1) {
            throw new IllegalArgumentException("step must be at least 1 ms, was " + step);
        }
        MILLIS.setVolatile(time, 0, millis() + step.toMillis());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        if (!zone.equals(ZoneOffset.UTC)) {
            throw new UnsupportedOperationException("a shared clock is in UTC, was asked for " + zone);
        }
        return this;
    }

    @Override
    public String toString() {
        return "SharedClock[" + instant() + "]";
    }
}
