package dev.voicetrack.bot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.emulator.DiscordEmulator;
import dev.voicetrack.emulator.EmulatedChannel;
import dev.voicetrack.emulator.EmulatedGuild;
import dev.voicetrack.emulator.EmulatedMember;
import dev.voicetrack.emulator.EmulatedRole;
import dev.voicetrack.jda.ConfigOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin console's guild options and level rewards, over HTTP against the packaged bot on SQLite and the Discord
 * emulator: writes need the session's CSRF token, a bad value is refused with {@code /config set}'s own message and
 * nothing is written, a private guild's public pages and JSON answer as an unknown guild's while the console still
 * shows it, and rewards added and removed here are stored (read back from the SQLite file) and their broken roles
 * marked.
 */
class ConsoleGuildSettingsIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;

    static DiscordEmulator discord;
    static EmulatedGuild guild;
    static EmulatedRole regular;
    static EmulatedRole aboveBot;
    static EmulatedMember member;
    static BotProcess bot;
    static HttpClient http = HttpClient.newHttpClient();
    static String cookie;
    static String csrf;

    @BeforeAll
    static void start() throws Exception {
        discord = DiscordEmulator.start();
        guild = discord.createGuild("Settings guild");
        EmulatedChannel voice = guild.createVoiceChannel("Lounge");
        regular = guild.createRole("Regulars", 0);
        aboveBot = guild.createRoleAboveBot("Legends", 0);
        member = guild.addMember("member", false);
        EmulatedMember other = guild.addMember("other", false);
        Path work = Files.createDirectories(tmp.resolve("work"));
        bot = BotProcess.start(work, BotProcess.emulatorEnv(discord, "200ms"), "run");
        bot.awaitLine("voicetrack: ready");
        member.joinVoice(voice);
        other.joinVoice(voice);
        BotProcess.await(
                "the members stored",
                () -> bot.get("/api/guilds/" + guild.id() + "/users/"
                                        + member.user().id())
                                .statusCode()
                        == 200);
        HttpResponse<String> login = http.send(
                HttpRequest.newBuilder(URI.create(bot.apiBase() + "/api/console/login"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"token\":\"" + BotProcess.ADMIN_TOKEN + "\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(login.statusCode()).isEqualTo(200);
        String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        cookie = setCookie.substring(0, setCookie.indexOf(';'));
        csrf = JSON.readTree(login.body()).get("csrf").asText();
    }

    @AfterAll
    static void stop() {
        if (bot != null) {
            bot.close();
        }
        if (discord != null) {
            discord.close();
        }
    }

    private static HttpResponse<String> post(String path, Map<String, String> body, String csrfHeader)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(bot.apiBase() + path))
                .header("Cookie", cookie)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        if (csrfHeader != null) {
            b.header("X-CSRF-Token", csrfHeader);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode get(String path) throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(bot.apiBase() + path))
                        .header("Cookie", cookie)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static String base() {
        return "/api/console/guilds/" + guild.id();
    }

    private static JsonNode settings() throws Exception {
        return get(base() + "/settings");
    }

    /** The guild's config text as the SQLite file holds it (read-only, beside the running bot). */
    private static String storedConfig() throws Exception {
        Path db = tmp.resolve("work/data/voice-tracker.db");
        try (var c = DriverManager.getConnection("jdbc:sqlite:file:" + db + "?mode=ro");
                var s = c.prepareStatement("SELECT config FROM vt_guilds WHERE guild_id = ?")) {
            s.setLong(1, guild.id());
            try (var rs = s.executeQuery()) {
                return rs.next() ? rs.getString(1) : "";
            }
        }
    }

    @Test
    void writesWithoutTheCsrfToken_areRefused_andChangeNothing() throws Exception {
        String before = settings().get("options").toString();
        assertThat(post(base() + "/options", Map.of("option", "messageXp", "value", "9"), null)
                        .statusCode())
                .isEqualTo(403);
        assertThat(post(base() + "/options", Map.of("option", "messageXp", "value", "9"), "wrong")
                        .statusCode())
                .isEqualTo(403);
        assertThat(post(base() + "/rewards", Map.of("trigger", "level", "threshold", "3", "roleId", "1"), "wrong")
                        .statusCode())
                .isEqualTo(403);
        assertThat(bot.send("POST", base() + "/options", null).statusCode()).isEqualTo(401);
        assertThat(bot.get(base() + "/settings").statusCode()).isEqualTo(401);
        assertThat(settings().get("options").toString()).isEqualTo(before);
    }

    @Test
    void aBadValue_getsTheMessageOfConfigSet_andNothingIsWritten() throws Exception {
        String before = settings().get("options").toString();
        for (var c : List.of(
                List.of("minUsersToTrack", "x"),
                List.of("minUsersToTrack", "-1"),
                List.of("timeZone", "Mars/Olympus"),
                List.of("publicDashboard", "hidden"),
                List.of("karma", "1"))) {
            String expected = messageOf(() -> ConfigOptions.set(GuildConfig.defaults(), c.get(0), c.get(1)));
            HttpResponse<String> r = post(base() + "/options", Map.of("option", c.get(0), "value", c.get(1)), csrf);
            assertThat(r.statusCode()).as(c.toString()).isEqualTo(400);
            assertThat(JSON.readTree(r.body()).get("error").asText())
                    .as(c.toString())
                    .isEqualTo(expected);
        }
        assertThat(messageOf(() -> ConfigOptions.set(GuildConfig.defaults(), "minUsersToTrack", "x")))
                .isEqualTo("minUsersToTrack must be a whole number up to 2147483647, was 'x'");
        assertThat(settings().get("options").toString()).isEqualTo(before);
        assertThat(post(
                                "/api/console/guilds/123456789012345678/options",
                                Map.of("option", "messageXp", "value", "1"),
                                csrf)
                        .statusCode())
                .isEqualTo(404);
    }

    private static String messageOf(Runnable r) {
        try {
            r.run();
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        throw new AssertionError("expected the value to be refused");
    }

    @Test
    void aPrivateGuild_isAnUnknownGuildOnEveryPublicRoute_butTheConsoleShowsIt() throws Exception {
        long g = guild.id();
        long u = member.user().id();
        List<String> publicRoutes = List.of(
                "/api/guilds/" + g + "/leaderboard",
                "/api/guilds/" + g + "/users/" + u,
                "/api/guilds/" + g + "/users/" + u + "/profile",
                "/api/guilds/" + g + "/members?q=mem",
                "/api/guilds/" + g + "/overview",
                "/dashboard/guilds/" + g,
                "/dashboard/guilds/" + g + "/overview",
                "/dashboard/guilds/" + g + "/members/" + u);
        for (String path : publicRoutes) {
            assertThat(bot.get(path).statusCode()).as(path).isEqualTo(200);
        }
        try {
            HttpResponse<String> set =
                    post(base() + "/options", Map.of("option", "publicDashboard", "value", "false"), csrf);
            assertThat(set.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(set.body()).get("value").asText()).isEqualTo("false");
            assertThat(storedConfig()).contains("publicDashboard=false");

            String unknown = bot.get("/api/guilds/123456789012345678/leaderboard")
                    .body()
                    .replace("123456789012345678", Long.toString(g));
            for (String path : publicRoutes) {
                HttpResponse<String> r = bot.get(path);
                assertThat(r.statusCode()).as(path).isEqualTo(404);
                if (path.startsWith("/api/")) {
                    assertThat(r.body()).as(path).isEqualTo(unknown).doesNotContain("member");
                }
            }
            assertThat(JSON.readTree(bot.get("/api/guilds").body()).get("guilds"))
                    .isEmpty();

            JsonNode listed = get("/api/console/guilds").get("guilds");
            assertThat(listed).hasSize(1);
            assertThat(listed.get(0).get("id").asText()).isEqualTo(Long.toString(g));
            assertThat(listed.get(0).get("publicDashboard").asBoolean()).isFalse();
            assertThat(settings().get("options").get("publicDashboard").asText())
                    .isEqualTo("false");
            assertThat(http.send(
                                    HttpRequest.newBuilder(URI.create(
                                                    bot.apiBase() + "/api/console/export?format=csv&guild=" + g))
                                            .header("Cookie", cookie)
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .statusCode())
                    .isEqualTo(200);
        } finally {
            assertThat(post(base() + "/options", Map.of("option", "publicDashboard", "value", "true"), csrf)
                            .statusCode())
                    .isEqualTo(200);
        }
        for (String path : publicRoutes) {
            assertThat(bot.get(path).statusCode()).as(path).isEqualTo(200);
        }
        assertThat(storedConfig()).doesNotContain("publicDashboard");
    }

    @Test
    void anOptionSetHere_isStored_andShownAsConfigSetTakesIt() throws Exception {
        try {
            HttpResponse<String> r =
                    post(base() + "/options", Map.of("option", "noXpRoleIds", "value", "<@&222>, 111"), csrf);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(JSON.readTree(r.body()).get("value").asText()).isEqualTo("111, 222");
            assertThat(settings().get("options").get("noXpRoleIds").asText()).isEqualTo("111, 222");
            assertThat(storedConfig()).contains("noXpRoleIds=111,222");
        } finally {
            post(base() + "/options", Map.of("option", "noXpRoleIds", "value", "none"), csrf);
        }
    }

    @Test
    void rewardsAddedAndRemovedHere_areStored_andABrokenRoleIsMarked() throws Exception {
        String level = "level";
        HttpResponse<String> add = post(
                base() + "/rewards",
                Map.of("trigger", level, "threshold", "1", "roleId", Long.toString(regular.id()), "mode", "stack"),
                csrf);
        assertThat(add.statusCode()).as(add.body()).isEqualTo(200);
        HttpResponse<String> second = post(
                base() + "/rewards",
                Map.of("trigger", level, "threshold", "1", "roleId", Long.toString(aboveBot.id()), "mode", "stack"),
                csrf);
        assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
        assertThat(JSON.readTree(second.body()).get("roleIds"))
                .extracting(JsonNode::asText)
                .containsExactlyInAnyOrder(Long.toString(regular.id()), Long.toString(aboveBot.id()));
        assertThat(storedConfig()).contains("levelRewards=level%3A1%3Astack%3A");

        JsonNode s = settings();
        assertThat(s.get("rewards")).hasSize(1);
        assertThat(s.get("rewards").get(0).get("roles")).hasSize(2);
        assertThat(s.get("roles").toString())
                .contains("Regulars")
                .contains("Legends")
                .doesNotContain("@everyone");

        // Members in voice reach level 1 within a few ticks; the role above the bot's cannot be given: marked broken.
        BotProcess.await(
                "the role above the bot's marked broken",
                () -> settings().get("broken").has(Long.toString(aboveBot.id())));
        JsonNode roles = settings().get("rewards").get(0).get("roles");
        for (JsonNode role : roles) {
            if (role.get("id").asText().equals(Long.toString(aboveBot.id()))) {
                assertThat(role.get("broken").asText()).contains("not below VoiceTrack's highest role");
            } else {
                assertThat(role.get("broken").isNull()).isTrue();
            }
        }

        HttpResponse<String> sync = post(base() + "/rewards/sync", Map.of(), csrf);
        assertThat(sync.statusCode()).as(sync.body()).isIn(200, 202);

        // bad input: the messages of the rules, nothing stored
        HttpResponse<String> badThreshold = post(
                base() + "/rewards",
                Map.of("trigger", level, "threshold", "0", "roleId", Long.toString(regular.id()), "mode", "stack"),
                csrf);
        assertThat(badThreshold.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(badThreshold.body()).get("error").asText())
                .isEqualTo("reward threshold must be in 1..1000000, was 0");
        HttpResponse<String> everyone = post(
                base() + "/rewards",
                Map.of("trigger", level, "threshold", "2", "roleId", Long.toString(guild.id()), "mode", "stack"),
                csrf);
        assertThat(everyone.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(everyone.body()).get("error").asText())
                .startsWith("roleId must be a role of this guild");
        assertThat(settings().get("rewards")).hasSize(1);

        HttpResponse<String> removeOne = post(
                base() + "/rewards/remove",
                Map.of("trigger", level, "threshold", "1", "roleId", Long.toString(aboveBot.id())),
                csrf);
        assertThat(removeOne.statusCode()).as(removeOne.body()).isEqualTo(200);
        assertThat(settings().get("rewards").get(0).get("roles")).hasSize(1);
        HttpResponse<String> removeAll =
                post(base() + "/rewards/remove", Map.of("trigger", level, "threshold", "1"), csrf);
        assertThat(removeAll.statusCode()).as(removeAll.body()).isEqualTo(200);
        assertThat(settings().get("rewards")).isEmpty();
        assertThat(storedConfig()).doesNotContain("levelRewards");
        HttpResponse<String> again = post(base() + "/rewards/remove", Map.of("trigger", level, "threshold", "1"), csrf);
        assertThat(again.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(again.body()).get("error").asText()).isEqualTo("there is no reward at level 1");
    }
}
