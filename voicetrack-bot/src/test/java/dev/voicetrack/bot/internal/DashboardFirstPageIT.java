package dev.voicetrack.bot.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.bot.BotConfig;
import dev.voicetrack.cache.Cache;
import dev.voicetrack.emulator.DiscordEmulator;
import dev.voicetrack.emulator.EmulatedGuild;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's first leaderboard page is a page the bot warms: the page's script asks for as many rows as the
 * served page says ({@code voicetrack-leaderboard-rows}), and that read is answered from the entry the warmer
 * cached, with no miss and no new entry. The warmer used to cache only {@code /leaderboard}'s 11-row page, so the
 * dashboard's 25-row read always went to storage. No tick runs (a check interval of a day), so nothing invalidates
 * the warmed entries between the warm and the read.
 */
class DashboardFirstPageIT {
    private static final Pattern PAGE_ROWS =
            Pattern.compile("<meta name=\"voicetrack-leaderboard-rows\" content=\"(\\d+)\">");

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void theDashboardsFirstLeaderboardRead_isServedFromTheEntryTheWarmerCached() throws Exception {
        try (DiscordEmulator discord = DiscordEmulator.start()) {
            EmulatedGuild guild = discord.createGuild("Dashboard guild");
            Map<String, String> env = new HashMap<>();
            env.put("DISCORD_BOT_TOKEN", discord.botToken());
            env.put("DISCORD_API_URL", discord.httpBaseUrl());
            env.put("DISCORD_GATEWAY_URL", discord.gatewayUrl());
            env.put("VOICETRACK_STORAGE", "memory");
            env.put("ADMIN_API_BIND", "127.0.0.1:0");
            env.put("TRACK_MEMBER_UPDATES", "false");
            env.put("CHECK_INTERVAL", "1d");
            BotRuntime bot = new BotRuntime(BotConfig.load(Map.of(), null, null, env));
            bot.start();
            try {
                for (long user = 1; user <= 30; user++) {
                    bot.tracker().addXp(guild.id(), user, 10 * user);
                }
                bot.warmer().warmNow();
                String base = "http://127.0.0.1:" + bot.api().orElseThrow().port();

                // What a browser does: the page, then its script reads the page's rows and asks for the first
                // page of the default view (XP, all time).
                Matcher rows = PAGE_ROWS.matcher(get(base + "/dashboard/guilds/" + guild.id()));
                assertThat(rows.find())
                        .as("the page names its leaderboard rows")
                        .isTrue();
                Cache<Object> cache = bot.cache();
                List<String> warmed = cache.keys("lb:*");
                long misses = cache.stats().misses();
                long hits = cache.stats().hits();
                String leaderboard = get(base + "/api/guilds/" + guild.id() + "/leaderboard?metric=xp&window=all&limit="
                        + rows.group(1) + "&offset=0");

                assertThat(leaderboard).contains("\"rank\":25,").doesNotContain("\"rank\":26,");
                assertThat(cache.keys("lb:*")).as("the leaderboard entries").isEqualTo(warmed);
                assertThat(cache.stats().misses()).as("misses").isEqualTo(misses);
                assertThat(cache.stats().hits()).as("hits").isGreaterThan(hits);
            } finally {
                bot.shutdown("test end");
            }
        }
    }

    private String get(String url) throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("GET %s: %s", url, r.body()).isEqualTo(200);
        return r.body();
    }
}
