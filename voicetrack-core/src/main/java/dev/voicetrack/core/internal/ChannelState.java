package dev.voicetrack.core.internal;

import java.util.ArrayList;
import java.util.List;

/** A voice channel with members, as the engine follows it. Confined to the engine lock. */
final class ChannelState {
    final long channelId;
    final List<MemberState> members = new ArrayList<>(4);
    /** Members counting as company under the guild's rules; -1 when it must be recomputed. */
    int company = -1;

    ChannelState(long channelId) {
        this.channelId = channelId;
    }

    int company() {
        if (company < 0) {
            int n = 0;
            for (MemberState m : members) {
                var cfg = m.guild.config;
                if ((cfg.botsCountAsCompany() || !m.info.bot()) && (cfg.mutedCountAsCompany() || !m.flags.muted())) {
                    n++;
                }
            }
            company = n;
        }
        return company;
    }
}
