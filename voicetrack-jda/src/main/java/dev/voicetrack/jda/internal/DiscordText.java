package dev.voicetrack.jda.internal;

/** Discord's limits on text, applied once for every message VoiceTrack sends. */
public final class DiscordText {
    /** Discord's (and JDA's) limit for a message's content, in UTF-16 characters. */
    public static final int MAX_MESSAGE_LENGTH = 2000;

    private DiscordText() {}

    /**
     * {@code text} itself if it fits a message, else cut to 1999 characters plus an ellipsis, never
     * splitting a surrogate pair: JDA refuses to send a longer message, which would leave an
     * announcement unsent or an interaction unanswered.
     */
    public static String fitMessage(String text) {
        if (text.length() <= MAX_MESSAGE_LENGTH) {
            return text;
        }
        int end = MAX_MESSAGE_LENGTH - 1;
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end) + "…";
    }
}
