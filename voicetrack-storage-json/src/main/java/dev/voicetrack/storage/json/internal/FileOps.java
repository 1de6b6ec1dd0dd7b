package dev.voicetrack.storage.json.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The file-system steps of an atomic write, one method each so that tests can inject a failure (a
 * crash) at any of them. The default implementation is the real one.
 */
public class FileOps {

    /**
     * Creates {@code file}, writes {@code bytes} to it and forces them to disk. Never overwrites: an
     * existing file is left as it is.
     *
     * @throws java.nio.file.FileAlreadyExistsException if {@code file} exists
     */
    public void writeAndSync(Path file, byte[] bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
    }

    /** Renames {@code from} over {@code to} atomically (readers see the old or the new file). */
    public void rename(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the file system of " + to + " cannot rename atomically", e);
        }
    }

    /** Deletes {@code file} if it exists (the storage calls it only for files this run wrote). */
    public void delete(Path file) throws IOException {
        Files.deleteIfExists(file);
    }

    /** Forces the directory entry changes (renames, deletes) to disk; a no-op where unsupported. */
    public void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some platforms cannot open a directory; their rename is durable by other means.
            if (Files.isDirectory(dir) && System.getProperty("os.name", "").startsWith("Windows")) {
                return;
            }
            throw e;
        }
    }
}
