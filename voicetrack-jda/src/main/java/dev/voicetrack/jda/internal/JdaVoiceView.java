package dev.voicetrack.jda.internal;

import dev.voicetrack.core.VoiceMember;
import dev.voicetrack.core.VoiceView;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.entities.Guild;
import net.dv8tion.jda.api.entities.GuildVoiceState;
import net.dv8tion.jda.api.entities.Member;
import net.dv8tion.jda.api.entities.channel.unions.AudioChannelUnion;

/** The voice states in JDA's cache, read on demand. Thread safe: JDA's caches may be read from any thread. */
public final class JdaVoiceView implements VoiceView {
    private final Gateways gateways;

    public JdaVoiceView(Gateways gateways) {
        this.gateways = gateways;
    }

    @Override
    public Collection<VoiceMember> voiceMembers() {
        List<VoiceMember> out = new ArrayList<>();
        for (JDA jda : gateways.shards()) {
            for (Guild guild : jda.getGuilds()) {
                for (GuildVoiceState state : guild.getVoiceStates()) {
                    AudioChannelUnion channel = state.getChannel();
                    Member member = state.getMember();
                    if (channel == null) {
                        continue;
                    }
                    out.add(new VoiceMember(
                            guild.getIdLong(),
                            member.getIdLong(),
                            channel.getIdLong(),
                            Mapping.info(member),
                            Mapping.flags(state)));
                }
            }
        }
        return out;
    }
}
