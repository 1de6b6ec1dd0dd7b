package dev.voicetrack.core;

import java.util.Collection;
import java.util.List;

/**
 * A read-only view of who is in which voice channel right now, provided by the adapter. The tracker
 * reads it at {@link VoiceTracker#start()} (to reconcile persisted open sessions) and on {@link
 * VoiceTracker#reconcile()}; between those it follows the events it is given. Must be thread safe.
 */
@FunctionalInterface
public interface VoiceView {
    /** No one is in voice. */
    VoiceView EMPTY = List::of;

    /** Every member currently in a voice channel, in every guild this process serves. */
    Collection<VoiceMember> voiceMembers();
}
