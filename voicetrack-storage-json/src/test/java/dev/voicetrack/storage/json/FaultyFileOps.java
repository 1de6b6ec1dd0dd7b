package dev.voicetrack.storage.json;

import dev.voicetrack.storage.json.internal.FileOps;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Real file operations with failure injection: once armed, the chosen step writes what a crash
 * would leave (half the bytes of a temp file) and then fails, as a killed process would stop there.
 * Also records every step, to count file writes.
 */
final class FaultyFileOps extends FileOps {
    enum Step {
        WRITE_HALF_OF_A_GUILD_FILE,
        WRITE_SECOND_GUILD_FILE,
        RENAME_GUILD_FILE,
        NONE
    }

    volatile Step failAt = Step.NONE;
    final List<String> log = new ArrayList<>();
    private int guildWrites;

    @Override
    public synchronized void writeAndSync(Path file, byte[] bytes) throws IOException {
        String name = file.getFileName().toString();
        log.add("write " + name);
        boolean guildFile = name.startsWith("guild-");
        if (guildFile) {
            guildWrites++;
        }
        if (guildFile && failAt == Step.WRITE_HALF_OF_A_GUILD_FILE) {
            try (FileChannel ch = FileChannel.open(
                    file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.wrap(bytes, 0, bytes.length / 2));
            }
            throw new IOException("injected crash in the middle of writing " + name);
        }
        if (guildFile && failAt == Step.WRITE_SECOND_GUILD_FILE && guildWrites % 2 == 0) {
            throw new IOException("injected crash before writing " + name);
        }
        super.writeAndSync(file, bytes);
    }

    @Override
    public synchronized void rename(Path from, Path to) throws IOException {
        log.add("rename " + from.getFileName() + " " + to.getFileName());
        if (failAt == Step.RENAME_GUILD_FILE && to.getFileName().toString().startsWith("guild-")) {
            throw new IOException("injected crash before renaming " + from.getFileName());
        }
        super.rename(from, to);
    }

    /** When set, deleting an activity file fails (as on a read-only or failing disk). */
    volatile boolean failDayFileDeletes;

    @Override
    public synchronized void delete(Path file) throws IOException {
        String name = file.getFileName().toString();
        log.add("delete " + name);
        if (failDayFileDeletes && name.contains("-day-")) {
            throw new IOException("injected failure deleting " + name);
        }
        super.delete(file);
    }

    /** Guild files written (each as its temp file). */
    synchronized long guildFileWrites() {
        return log.stream()
                .filter(l -> l.matches("write guild-\\d+\\.json\\.[0-9a-f]+\\.tmp"))
                .count();
    }

    /** Activity (day) files written. */
    synchronized List<String> dayFileWrites() {
        return log.stream().filter(l -> l.matches("write guild-\\d+-day-.*")).toList();
    }
}
