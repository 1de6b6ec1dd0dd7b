package dev.voicetrack.core.migrate;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Date;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Reads discord-vc-tracker field values the same way whatever the source: ids that may come as
 * strings or integers (never as floating point, which loses digits beyond 2^53), whole numbers that
 * MongoDB may hold as int32, int64 or double, dates as ISO strings, {@link Date}s or epoch numbers.
 * Every error is an {@link ImportException} naming the place ({@code where}) and the value.
 */
public final class DvtValues {
    private DvtValues() {}

    /**
     * An id as a string of digits.
     *
     * @throws ImportException if the value is missing, floating point or not a whole number
     */
    public static String id(@Nullable Object value, String where) {
        if (value instanceof String s && !s.isBlank()) {
            return s;
        }
        if (value instanceof Long || value instanceof Integer || value instanceof BigInteger) {
            return value.toString();
        }
        throw new ImportException(where + " must be an id (a string of digits), was " + show(value));
    }

    /** A whole number, or {@code fallback} when the value is missing (null). */
    public static long integer(@Nullable Object value, long fallback, String where) {
        return value == null ? fallback : integer(value, where);
    }

    /**
     * A whole number held as any integer type, as a double without fraction, or as a string of digits.
     *
     * @throws ImportException if the value is missing, has a fraction or does not fit a long
     */
    public static long integer(@Nullable Object value, String where) {
        try {
            if (value instanceof Long || value instanceof Integer || value instanceof Short) {
                return ((Number) value).longValue();
            }
            if (value instanceof Double || value instanceof Float || value instanceof BigDecimal) {
                return new BigDecimal(value.toString()).longValueExact();
            }
            if (value instanceof BigInteger b) {
                return b.longValueExact();
            }
            if (value instanceof String s) {
                return Long.parseLong(s.strip());
            }
        } catch (ArithmeticException | NumberFormatException e) {
            // reported below
        }
        throw new ImportException(where + " must be a whole number, was " + show(value));
    }

    /** A boolean; {@code 0}/{@code 1} (SQLite) accepted; {@code fallback} when missing. */
    public static boolean bool(@Nullable Object value, boolean fallback, String where) {
        if (value == null) {
            return fallback;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        if (value instanceof Number n && (n.doubleValue() == 0 || n.doubleValue() == 1)) {
            return n.doubleValue() == 1;
        }
        throw new ImportException(where + " must be true or false, was " + show(value));
    }

    /**
     * An instant from an ISO-8601 string ({@code 2024-05-01T10:00:00.123Z}), a {@link Date} or an
     * {@link Instant}; null when missing.
     *
     * @throws ImportException if the value is not a date
     */
    public static @Nullable Instant instant(@Nullable Object value, String where) {
        if (value == null) {
            return null;
        }
        if (value instanceof Instant i) {
            return i;
        }
        if (value instanceof Date d) {
            return d.toInstant();
        }
        if (value instanceof String s) {
            Instant fast = isoMillisUtc(s);
            if (fast != null) {
                return fast;
            }
            try {
                return OffsetDateTime.parse(s.strip()).toInstant();
            } catch (DateTimeParseException e) {
                // reported below
            }
        }
        throw new ImportException(
                where + " must be an ISO-8601 date such as 2024-05-01T10:00:00.000Z, was " + show(value));
    }

    /**
     * {@code 2024-05-01T10:00:00.123Z} exactly (what JavaScript's {@code Date.toISOString} writes, so
     * nearly every date of the original's JSON) without the general parser, which costs more than the
     * rest of a row; null for any other text, which the general parser then reads or refuses.
     */
    private static @Nullable Instant isoMillisUtc(String s) {
        if (s.length() != 24
                || s.charAt(4) != '-'
                || s.charAt(7) != '-'
                || s.charAt(10) != 'T'
                || s.charAt(13) != ':'
                || s.charAt(16) != ':'
                || s.charAt(19) != '.'
                || s.charAt(23) != 'Z') {
            return null;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 7);
        int day = digits(s, 8, 10);
        int hour = digits(s, 11, 13);
        int minute = digits(s, 14, 16);
        int second = digits(s, 17, 19);
        int millis = digits(s, 20, 23);
        if ((year | month | day | hour | minute | second | millis) < 0) {
            return null;
        }
        try {
            return LocalDateTime.of(year, month, day, hour, minute, second, millis * 1_000_000)
                    .toInstant(ZoneOffset.UTC);
        } catch (DateTimeException e) {
            return null; // the general parser names the problem
        }
    }

    /** The number the ASCII digits in [from, to) spell, or -1 if one is not a digit. */
    private static int digits(String s, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    /** An object (JSON object, BSON document) as a map; null when missing. */
    @SuppressWarnings("unchecked")
    public static @Nullable Map<String, Object> object(@Nullable Object value, String where) {
        if (value == null) {
            return null;
        }
        if (value instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw new ImportException(where + " must be an object, was " + show(value));
    }

    /** The value as a short text for messages: strings quoted, long values cut. */
    public static String show(@Nullable Object value) {
        if (value == null) {
            return "nothing";
        }
        String s = value instanceof String str ? '"' + str + '"' : value.toString();
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }
}
