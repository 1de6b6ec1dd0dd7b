package dev.voicetrack.emulator.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.emulator.DiscordEmulator;
import dev.voicetrack.emulator.EmulatedGuild;
import dev.voicetrack.emulator.EmulatedMember;
import dev.voicetrack.emulator.EmulatedRole;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Member role changes: Manage Roles and the role hierarchy, answered 403 / 50013 like Discord. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RoleConformanceIT {
    private static final long MANAGE_ROLES = 1L << 28;

    private static HttpResponse<String> addRole(Raw raw, EmulatedMember member, EmulatedRole role) {
        return raw.send(
                "PUT",
                "guilds/" + member.guild().id() + "/members/" + member.user().id() + "/roles/" + role.id(),
                null);
    }

    @Test
    void roleAboveTheBotsHighestRole_isMissingPermissions50013() {
        try (DiscordEmulator emulator = DiscordEmulator.start()) {
            EmulatedGuild guild = emulator.createGuild("g");
            EmulatedMember alice = guild.addMember("alice", false);
            EmulatedRole above = guild.createRoleAboveBot("Moderators", 0);

            HttpResponse<String> response = addRole(new Raw(emulator), alice, above);

            assertThat(response.statusCode()).isEqualTo(403);
            assertThat(Raw.json(response).path("code").asInt()).isEqualTo(50013);
            assertThat(Raw.json(response).path("message").asText()).isEqualTo("Missing Permissions");
            assertThat(alice.roles()).isEmpty();
        }
    }

    @Test
    void botWithoutManageRoles_isMissingPermissions50013_evenBelowIt() {
        try (DiscordEmulator emulator =
                DiscordEmulator.builder().botPermissions(0).start()) {
            EmulatedGuild guild = emulator.createGuild("g");
            EmulatedMember alice = guild.addMember("alice", false);
            EmulatedRole below = guild.createRole("Regulars", 0);
            Raw raw = new Raw(emulator);

            HttpResponse<String> added = addRole(raw, alice, below);
            HttpResponse<String> removed = raw.send(
                    "DELETE",
                    "guilds/" + guild.id() + "/members/" + alice.user().id() + "/roles/" + below.id(),
                    null);

            assertThat(added.statusCode()).isEqualTo(403);
            assertThat(Raw.json(added).path("code").asInt()).isEqualTo(50013);
            assertThat(removed.statusCode()).isEqualTo(403);
        }
    }

    @Test
    void roleBelowTheBot_withManageRoles_isAdded() {
        try (DiscordEmulator emulator =
                DiscordEmulator.builder().botPermissions(MANAGE_ROLES).start()) {
            EmulatedGuild guild = emulator.createGuild("g");
            EmulatedMember alice = guild.addMember("alice", false);
            EmulatedRole below = guild.createRole("Regulars", 0);

            assertThat(addRole(new Raw(emulator), alice, below).statusCode()).isEqualTo(204);
            assertThat(alice.roles()).containsExactly(below);
        }
    }
}
