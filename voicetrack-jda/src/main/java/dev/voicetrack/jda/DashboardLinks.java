package dev.voicetrack.jda;

import dev.voicetrack.core.Metric;
import dev.voicetrack.core.Window;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Links from slash command replies to the bot's web dashboard (see {@link VoiceTrackJdaBuilder#dashboardUrl}): a
 * guild's leaderboard page (same metric and window, the invoker's row highlighted) and a member's profile page, at
 * the paths the VoiceTrack bot's dashboard serves.
 */
public final class DashboardLinks {
    private final String base;

    /** @param base a URL {@link #checkBase} accepted */
    public DashboardLinks(String base) {
        this.base = checkBase(base);
    }

    /**
     * The base URL without a trailing slash.
     *
     * @throws IllegalArgumentException naming the value if it is not an absolute http(s) URL with a host and without
     *     query or fragment
     */
    public static String checkBase(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("dashboard URL must be an http(s) URL, was '" + url + "'");
        }
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(
                    "dashboard URL must be an http(s) URL, was '" + url + "' (" + e.getReason() + ")");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw new IllegalArgumentException(
                    "dashboard URL must be an http(s) URL with a host (https://stats.example.org), was '" + url + "'");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException(
                    "dashboard URL must not have a query or fragment (the links add their own), was '" + url + "'");
        }
        String s = uri.toString();
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        return s;
    }

    /** The guild's leaderboard page at {@code metric} and {@code window}, with {@code userId}'s row highlighted. */
    public String leaderboard(long guildId, Metric metric, Window window, long userId) {
        return base + "/dashboard/guilds/" + Long.toUnsignedString(guildId) + "?metric=" + metric.key() + "&window="
                + window.key() + "&me=" + Long.toUnsignedString(userId);
    }

    /** The member's profile page. */
    public String profile(long guildId, long userId) {
        return base + "/dashboard/guilds/" + Long.toUnsignedString(guildId) + "/members/"
                + Long.toUnsignedString(userId);
    }

    @Override
    public String toString() {
        return base;
    }
}
