package dev.voicetrack.core.migrate;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Everything a discord-vc-tracker source holds about one guild id: what a {@link DvtReader} hands
 * over, one guild at a time.
 *
 * @param guildId the guild id as stored
 * @param guild the guild record, or null when only sessions name the guild (it was deleted)
 * @param users the member records, in stored order
 * @param sessions the session records of the guild, in stored order
 */
public record DvtGuildData(String guildId, @Nullable DvtGuild guild, List<DvtUser> users, List<DvtSession> sessions) {
    public DvtGuildData {
        Objects.requireNonNull(guildId, "guildId must not be null");
        users = List.copyOf(users);
        sessions = List.copyOf(sessions);
    }
}
