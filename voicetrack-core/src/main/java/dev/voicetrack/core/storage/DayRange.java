package dev.voicetrack.core.storage;

import java.time.LocalDate;
import java.util.Objects;

/** Days {@code from..to}, both included, in the guild's time zone. */
public record DayRange(LocalDate from, LocalDate to) {
    public DayRange {
        Objects.requireNonNull(from, "from must not be null");
        Objects.requireNonNull(to, "to must not be null");
        if (from.isAfter(to)) {
            throw new IllegalArgumentException("from must be <= to (" + to + "), was " + from);
        }
    }

    public boolean contains(LocalDate day) {
        return !day.isBefore(from) && !day.isAfter(to);
    }
}
