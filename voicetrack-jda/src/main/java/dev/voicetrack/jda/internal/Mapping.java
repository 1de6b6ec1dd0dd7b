package dev.voicetrack.jda.internal;

import dev.voicetrack.core.MemberInfo;
import dev.voicetrack.core.VoiceFlags;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.dv8tion.jda.api.Permission;
import net.dv8tion.jda.api.entities.GuildVoiceState;
import net.dv8tion.jda.api.entities.Member;
import net.dv8tion.jda.api.entities.Role;

/** Maps JDA entities to the tracker's values. Pure, cheap (linear in the member's roles), thread safe. */
final class Mapping {
    private Mapping() {}

    /** Permissions are reported by their JDA names ({@code ADMINISTRATOR}, {@code MANAGE_SERVER}, ...). */
    static MemberInfo info(Member member) {
        List<Role> roles = member.getRoles();
        Set<Long> roleIds = new HashSet<>(roles.size() * 2);
        for (Role r : roles) {
            roleIds.add(r.getIdLong());
        }
        Set<String> permissions = new HashSet<>();
        for (Permission p : member.getPermissions()) {
            permissions.add(p.name());
        }
        return new MemberInfo(member.getUser().isBot(), roleIds, member.isBoosting(), permissions);
    }

    static VoiceFlags flags(GuildVoiceState state) {
        return new VoiceFlags(
                state.isSelfMuted(), state.isGuildMuted(), state.isSelfDeafened(), state.isGuildDeafened());
    }
}
