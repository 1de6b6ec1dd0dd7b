package dev.voicetrack.bot.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.testkit.ManualClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Sessions and the sign-in limit of the admin console, on a manual clock. */
class ConsoleSessionsTest {
    private final ManualClock clock = new ManualClock();
    private final ConsoleSessions sessions = new ConsoleSessions(clock);

    @Test
    void aSession_isFoundByItsId_untilItExpiresOrIsClosed() {
        var s = sessions.open();
        assertThat(s.id()).isNotEqualTo(s.csrf()).hasSizeGreaterThanOrEqualTo(43); // 256 bits, base64url
        assertThat(sessions.find(s.id())).contains(s);
        assertThat(sessions.find("forged")).isEmpty();
        assertThat(sessions.find(null)).isEmpty();

        clock.advance(ConsoleSessions.LIFETIME.minusMillis(1));
        assertThat(sessions.find(s.id())).isPresent();
        clock.advance(Duration.ofMillis(1));
        assertThat(sessions.find(s.id())).isEmpty();

        var t = sessions.open();
        sessions.close(t.id());
        assertThat(sessions.find(t.id())).isEmpty();
    }

    @Test
    void fiveFailures_inAMinute_blockTheAddress_untilTheOldestLeavesTheWindow() {
        for (int i = 0; i < ConsoleSessions.MAX_FAILURES - 1; i++) {
            sessions.failed("10.0.0.1");
            clock.advance(Duration.ofSeconds(1));
        }
        assertThat(sessions.retryAfter("10.0.0.1")).isZero();
        sessions.failed("10.0.0.1");
        // the first failure was 4 s ago: it leaves the window in 56 s
        assertThat(sessions.retryAfter("10.0.0.1")).isEqualTo(Duration.ofSeconds(56));
        assertThat(sessions.retryAfter("10.0.0.2")).isZero(); // per address

        clock.advance(Duration.ofSeconds(56));
        assertThat(sessions.retryAfter("10.0.0.1")).isZero();
    }
}
