package dev.voicetrack.core.migrate;

import java.util.Collection;
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
 * @param sessions the session records of the guild, in stored order: a list (copied), or a
 *     collection that reads the rows each time it is iterated (kept as it is, so a guild's sessions
 *     need not all be in memory at once; {@code DvtSqliteReader} hands one over, valid during the
 *     call that receives it)
 */
public record DvtGuildData(
        String guildId, @Nullable DvtGuild guild, List<DvtUser> users, Collection<DvtSession> sessions) {
    public DvtGuildData {
        Objects.requireNonNull(guildId, "guildId must not be null");
        Objects.requireNonNull(sessions, "sessions must not be null");
        users = List.copyOf(users);
        if (sessions instanceof List<DvtSession> list) {
            sessions = List.copyOf(list);
        }
    }
}
