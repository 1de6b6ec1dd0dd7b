package dev.voicetrack.emulator;

import java.util.Objects;

/**
 * A file the bot attached to a message (a {@code files[n]} part of a multipart post), as the emulator stored it.
 *
 * @param filename the file name, as {@code attachment://<filename>} in an embed refers to it
 * @param contentType the part's content type
 * @param data the file's bytes (a copy on each call)
 */
public record RecordedAttachment(String filename, String contentType, byte[] data) {
    public RecordedAttachment {
        Objects.requireNonNull(filename, "filename");
        Objects.requireNonNull(contentType, "contentType");
        data = data.clone();
    }

    @Override
    public byte[] data() {
        return data.clone();
    }
}
