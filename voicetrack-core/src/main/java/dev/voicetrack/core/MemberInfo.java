package dev.voicetrack.core;

import java.util.Set;

/**
 * What the tracker knows about a guild member, as the adapter reports it: whether it is a bot, its
 * role ids, whether it boosts the server and the names of its permissions (compared with {@link
 * GuildConfig#exemptPermissions()}). Immutable.
 */
public record MemberInfo(boolean bot, Set<Long> roleIds, boolean boosting, Set<String> permissions) {

    /** A human member with no roles, not boosting, with no permissions. */
    public static final MemberInfo PLAIN = new MemberInfo(false, Set.of(), false, Set.of());

    /** Copies the sets; rejects nulls. */
    public MemberInfo {
        roleIds = Set.copyOf(Checks.notNull(roleIds, "roleIds"));
        permissions = Set.copyOf(Checks.notNull(permissions, "permissions"));
    }

    /** A bot with no roles. */
    public static MemberInfo botMember() {
        return new MemberInfo(true, Set.of(), false, Set.of());
    }

    /** A human member with the given roles. */
    public static MemberInfo withRoles(Long... roleIds) {
        return new MemberInfo(false, Set.of(roleIds), false, Set.of());
    }
}
