package dev.voicetrack.cache.ratelimit;

import dev.voicetrack.cache.CacheKeys;
import java.util.Objects;

/**
 * Whose budget an acquisition draws on: a user and a command, a guild and an action, or everybody.
 * Its {@link #scope()} must match the rule's.
 *
 * @param scope the scope
 * @param id the user or guild id (0 for {@link RateLimitScope#GLOBAL})
 * @param action the command or action ({@code ""} for global)
 */
public record RateLimitKey(RateLimitScope scope, long id, String action) {

    public RateLimitKey {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(action, "action");
        if (scope != RateLimitScope.GLOBAL && action.isBlank()) {
            throw new IllegalArgumentException("action must not be blank for " + scope + ", was '" + action + "'");
        }
    }

    /** A user's budget for one command. */
    public static RateLimitKey user(long userId, String command) {
        return new RateLimitKey(RateLimitScope.USER_COMMAND, userId, command);
    }

    /** A guild's budget for one action. */
    public static RateLimitKey guild(long guildId, String action) {
        return new RateLimitKey(RateLimitScope.GUILD_ACTION, guildId, action);
    }

    /** The global budget. */
    public static RateLimitKey global() {
        return new RateLimitKey(RateLimitScope.GLOBAL, 0, "");
    }

    /** An unambiguous string form, for map and Redis keys: {@code u:<id>:<action>}, {@code g:...}, {@code *}. */
    public String asKey() {
        return switch (scope) {
            case USER_COMMAND -> CacheKeys.key("u", id, action);
            case GUILD_ACTION -> CacheKeys.key("g", id, action);
            case GLOBAL -> "*";
        };
    }
}
