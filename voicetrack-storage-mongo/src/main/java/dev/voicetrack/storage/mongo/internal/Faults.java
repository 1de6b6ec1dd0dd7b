package dev.voicetrack.storage.mongo.internal;

/**
 * Points in a batch write where tests inject a crash (by throwing). Production uses {@link #NONE}.
 * Not part of the API.
 */
@FunctionalInterface
public interface Faults {
    /** Before the batch's journal is committed (chunks may be written, the header is not). */
    String BEFORE_COMMIT = "before-commit";
    /** After the journal is committed, before any document is changed. */
    String AFTER_COMMIT = "after-commit";
    /** After one chunk of guarded updates was applied. */
    String AFTER_CHUNK = "after-chunk";

    Faults NONE = point -> {};

    void at(String point);
}
