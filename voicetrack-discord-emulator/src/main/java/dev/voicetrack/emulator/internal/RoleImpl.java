package dev.voicetrack.emulator.internal;

import dev.voicetrack.emulator.EmulatedGuild;
import dev.voicetrack.emulator.EmulatedRole;

/** A guild role. Immutable apart from its position. */
final class RoleImpl implements EmulatedRole {
    private final long id;
    private final String name;
    private final long permissions;
    private final GuildImpl guild;
    final long botId;
    int position;

    RoleImpl(long id, String name, long permissions, GuildImpl guild, int position, long botId) {
        this.id = id;
        this.name = name;
        this.permissions = permissions;
        this.guild = guild;
        this.position = position;
        this.botId = botId;
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long permissions() {
        return permissions;
    }

    @Override
    public EmulatedGuild guild() {
        return guild;
    }

    @Override
    public String toString() {
        return "Role[" + name + " " + id + "]";
    }
}
