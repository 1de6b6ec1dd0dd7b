package dev.voicetrack.emulator.internal;

import dev.voicetrack.emulator.RateLimits;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Discord's invalid-request limit: a client (by IP address, as Cloudflare counts) whose requests were answered 401, 403
 * or 429 (except 429s of scope {@code shared}) {@code limit.requests()} times within a fixed window of {@code
 * limit.window()} is banned for {@code ban}: every further request is refused before routing. Windows and bans run on
 * the emulator's clock. Thread safe.
 */
final class InvalidRequests {
    private final Clock clock;
    private final RateLimits.Limit limit;
    private final Duration ban;
    private final Map<String, Client> clients = new HashMap<>();

    InvalidRequests(Clock clock, RateLimits.Limit limit, Duration ban) {
        this.clock = clock;
        this.limit = limit;
        this.ban = ban;
    }

    /** Milliseconds left of the client's ban, 0 if it is not banned. */
    synchronized long banRemainingMillis(String client) {
        Client state = clients.get(client);
        return state == null ? 0 : Math.max(0, state.bannedUntil - clock.millis());
    }

    /** Counts a response if it is an invalid one; the request that reaches the limit starts the ban. */
    synchronized void record(String client, int status, boolean sharedScope) {
        boolean invalid = status == 401 || status == 403 || (status == 429 && !sharedScope);
        if (!invalid) {
            return;
        }
        long now = clock.millis();
        Client state = clients.computeIfAbsent(client, c -> new Client());
        if (now >= state.windowEnd) {
            state.windowEnd = now + limit.window().toMillis();
            state.count = 0;
        }
        state.count++;
        if (state.count >= limit.requests()) {
            state.bannedUntil = now + ban.toMillis();
            state.count = 0;
            state.windowEnd = 0;
        }
    }

    private static final class Client {
        long windowEnd;
        int count;
        long bannedUntil;
    }
}
