package dev.voicetrack.bot.internal;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The admin console's sign-ins: a session per successful login (a random 256-bit id in an HttpOnly,
 * SameSite=Strict cookie, with its own random CSRF token that every write must send back in a header), and a
 * limit on failed logins per client address. Sessions live in memory: a restart signs everyone out. Thread
 * safe.
 */
final class ConsoleSessions {
    /** How long a session lasts after its login. */
    static final Duration LIFETIME = Duration.ofHours(12);

    /** Failed logins one address may make per {@link #FAILURE_WINDOW}; the next is refused unchecked. */
    static final int MAX_FAILURES = 5;

    static final Duration FAILURE_WINDOW = Duration.ofMinutes(1);

    private static final int MAX_SESSIONS = 1_000;

    record Session(String id, String csrf, long expiresAtMillis) {}

    private final SecureRandom random = new SecureRandom();
    private final Clock clock;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final Map<String, Deque<Long>> failures = new ConcurrentHashMap<>();

    ConsoleSessions(Clock clock) {
        this.clock = clock;
    }

    /** A new session; the oldest ones go first when there are too many. */
    Session open() {
        long now = clock.millis();
        sessions.values().removeIf(s -> s.expiresAtMillis() <= now);
        if (sessions.size() >= MAX_SESSIONS) {
            sessions.values().stream()
                    .min((a, b) -> Long.compare(a.expiresAtMillis(), b.expiresAtMillis()))
                    .ifPresent(s -> sessions.remove(s.id()));
        }
        Session s = new Session(token(), token(), now + LIFETIME.toMillis());
        sessions.put(s.id(), s);
        return s;
    }

    /** The live session of this cookie value, if any. */
    Optional<Session> find(@Nullable String id) {
        if (id == null) {
            return Optional.empty();
        }
        Session s = sessions.get(id);
        if (s == null || s.expiresAtMillis() <= clock.millis()) {
            return Optional.empty();
        }
        return Optional.of(s);
    }

    void close(@Nullable String id) {
        if (id != null) {
            sessions.remove(id);
        }
    }

    /**
     * How long {@code address} must wait before it may try again, or zero when it may try now: after {@link
     * #MAX_FAILURES} failed logins within {@link #FAILURE_WINDOW}, until the oldest of them leaves the window.
     */
    Duration retryAfter(String address) {
        Deque<Long> times = failures.get(address);
        if (times == null) {
            return Duration.ZERO;
        }
        synchronized (times) {
            long now = clock.millis();
            while (!times.isEmpty() && times.peekFirst() <= now - FAILURE_WINDOW.toMillis()) {
                times.pollFirst();
            }
            if (times.size() < MAX_FAILURES) {
                return Duration.ZERO;
            }
            return Duration.ofMillis(times.peekFirst() + FAILURE_WINDOW.toMillis() - now);
        }
    }

    void failed(String address) {
        Deque<Long> times = failures.computeIfAbsent(address, a -> new ArrayDeque<>());
        synchronized (times) {
            times.addLast(clock.millis());
            while (times.size() > MAX_FAILURES) {
                times.pollFirst();
            }
        }
    }

    private String token() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
