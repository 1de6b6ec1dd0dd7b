package dev.voicetrack.bot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Every file under a directory with its size, modification time and SHA-256: two snapshots compared
 * show exactly which files a command created, changed or deleted.
 */
record TreeSnapshot(Path root, Map<String, String> files) {

    static TreeSnapshot of(Path root) {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            walk.filter(Files::isRegularFile).forEach(p -> {
                try {
                    files.put(
                            root.relativize(p).toString(),
                            Files.size(p) + " " + Files.getLastModifiedTime(p).toMillis() + " " + sha256(p));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new TreeSnapshot(root, files);
    }

    private static String sha256(Path p) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What changed from {@code this} to {@code after}: one line per created, changed or deleted file. */
    String diff(TreeSnapshot after) {
        StringBuilder sb = new StringBuilder();
        files.forEach((name, v) -> {
            String now = after.files.get(name);
            if (now == null) {
                sb.append("deleted ").append(name).append('\n');
            } else if (!now.equals(v)) {
                sb.append("changed ").append(name).append('\n');
            }
        });
        after.files.keySet().stream()
                .filter(n -> !files.containsKey(n))
                .forEach(n -> sb.append("created ").append(n).append('\n'));
        return sb.toString();
    }
}
