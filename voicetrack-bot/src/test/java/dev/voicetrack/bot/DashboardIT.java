package dev.voicetrack.bot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.voicetrack.emulator.DiscordEmulator;
import dev.voicetrack.emulator.EmulatedChannel;
import dev.voicetrack.emulator.EmulatedGuild;
import dev.voicetrack.emulator.EmulatedMember;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}), against
 * the packaged bot on SQLite and an emulator with 30 members in voice: the pages render with data, the charts
 * are drawn, metric and page switches change the rows, a live update arrives, bad input is refused, and the
 * console shows no script error. Screenshots of each page go to {@code target/dashboard-*.png}.
 *
 * <p>Without Chromium the suite is reported skipped, saying so; under CI ({@code CI} set), where {@code .ci/run}
 * installs it, a missing browser fails it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int MEMBERS = 30;

    @TempDir
    static Path tmp;

    static DiscordEmulator discord;
    static EmulatedGuild guild;
    /** A second guild, made private through the console before anything else: no public page may show it. */
    static EmulatedGuild hidden;

    static List<EmulatedMember> members = new ArrayList<>();
    static BotProcess bot;
    static WebDriver browser;

    @BeforeAll
    static void start() throws Exception {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!present && System.getenv("CI") != null) {
            throw new IllegalStateException("CI must run the browser tests: install chromium and chromium-driver"
                    + " (.ci/run does so when they are missing)");
        }
        Assumptions.assumeTrue(
                present, "no Chromium here: apt-get install -y chromium chromium-driver to run the browser tests");
        discord = DiscordEmulator.start();
        guild = discord.createGuild("Dashboard guild");
        EmulatedChannel text = guild.createTextChannel("general");
        EmulatedChannel lounge = guild.createVoiceChannel("Lounge");
        EmulatedChannel stage = guild.createVoiceChannel("Stage");
        for (int i = 0; i < MEMBERS; i++) {
            EmulatedMember m = guild.addMember(String.format("member%02d", i), false);
            members.add(m);
        }
        hidden = discord.createGuild("Private guild");
        hidden.createRole("Regulars", 0);
        Path work = Files.createDirectories(tmp.resolve("work"));
        bot = BotProcess.start(work, BotProcess.emulatorEnv(discord, "300ms"), "run");
        bot.awaitLine("voicetrack: ready");
        makePrivate(hidden);
        for (int i = 0; i < MEMBERS; i++) {
            members.get(i).joinVoice(i % 3 == 0 ? stage : lounge);
        }
        members.get(0).sendMessage(text, "hello from the dashboard test");
        BotProcess.await(
                "every member stored",
                () -> JSON.readTree(bot.get("/api/guilds").body())
                                .get("guilds")
                                .get(0)
                                .get("trackedMembers")
                                .asInt()
                        == MEMBERS);
        browser = chrome();
    }

    /** Sets the guild's publicDashboard to false through the console's HTTP routes (session, CSRF token). */
    private static void makePrivate(EmulatedGuild g) throws Exception {
        var http = java.net.http.HttpClient.newHttpClient();
        var login = http.send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(bot.apiBase() + "/api/console/login"))
                        .header("Content-Type", "application/json")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                                "{\"token\":\"" + BotProcess.ADMIN_TOKEN + "\"}"))
                        .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        var set = http.send(
                java.net.http.HttpRequest.newBuilder(
                                java.net.URI.create(bot.apiBase() + "/api/console/guilds/" + g.id() + "/options"))
                        .header("Content-Type", "application/json")
                        .header("Cookie", setCookie.substring(0, setCookie.indexOf(';')))
                        .header(
                                "X-CSRF-Token",
                                JSON.readTree(login.body()).get("csrf").asText())
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                                "{\"option\":\"publicDashboard\",\"value\":\"false\"}"))
                        .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
    }

    private static WebDriver chrome() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--window-size=1280,1000",
                "--user-data-dir=" + tmp.resolve("chromium-profile"));
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        return new ChromeDriver(service, options);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (bot != null) {
            bot.close();
        }
        if (discord != null) {
            discord.close();
        }
    }

    private static void open(String path) {
        browser.get(bot.apiBase() + path);
        new WebDriverWait(browser, WAIT)
                .until(d -> "true".equals(d.findElement(By.id("main")).getDomAttribute("data-ready")));
    }

    /**
     * Waits for {@code check} on the page as it is now. Each tick redraws the open page (every 300 ms here), so an
     * element found a moment ago may be gone: such a check runs again on the new drawing.
     */
    private static <T> T fresh(java.util.function.Function<WebDriver, T> check) {
        return new WebDriverWait(browser, WAIT)
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(check);
    }

    /** The text of every element matching {@code css}, read in one step (no element can go stale in between). */
    private static List<String> text(String css) {
        return script("return [...document.querySelectorAll(arguments[0])].map(e => e.innerText);", css);
    }

    @SuppressWarnings("unchecked")
    private static <T> T script(String js, Object... args) {
        return (T) ((org.openqa.selenium.JavascriptExecutor) browser).executeScript(js, args);
    }

    /** The text of the one element matching {@code css}. */
    private static String one(String css) {
        return script("return document.querySelector(arguments[0]).innerText;", css);
    }

    private static void screenshot(String name) throws Exception {
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(
                shot.toPath(),
                Path.of("target", "dashboard-" + name + ".png"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** Script errors and refused resources of the page; avatars on Discord's CDN are unreachable offline. */
    private static List<String> consoleErrors() {
        List<String> out = new ArrayList<>();
        for (LogEntry e : browser.manage().logs().get(LogType.BROWSER)) {
            boolean offlineAvatar = e.getMessage().contains("cdn.discordapp.com");
            if (e.getLevel().intValue() >= Level.SEVERE.intValue() && !offlineAvatar) {
                out.add(e.getMessage());
            }
        }
        return out;
    }

    @Test
    void guildList_linksToTheLeaderboard() throws Exception {
        open("/dashboard");
        assertThat(text("#rows tr"))
                .singleElement()
                .asString()
                .contains("Dashboard guild")
                .contains(Integer.toString(MEMBERS));
        screenshot("guilds");
        fresh(d -> {
            d.findElement(By.linkText("Dashboard guild")).click();
            return true;
        });
        new WebDriverWait(browser, WAIT).until(d -> d.getCurrentUrl().contains("/dashboard/guilds/" + guild.id()));
        assertThat(consoleErrors()).isEmpty();
    }

    @Test
    void guildList_keepsItsLinks_acrossTicksThatChangeNothingOnIt() {
        open("/dashboard");
        WebElement link = browser.findElement(By.linkText("Dashboard guild"));
        int seen = Integer.parseInt(script("return document.getElementById('live').dataset.ticks || '0';"));
        fresh(d ->
                Integer.parseInt(script("return document.getElementById('live').dataset.ticks || '0';")) >= seen + 2);
        assertThat(link.getText())
                .as("the same link element, not redrawn (a redraw would make it stale and lose a click begun on it)")
                .isEqualTo("Dashboard guild");
    }

    @Test
    void leaderboard_showsAPageOfMembers_switchesMetricAndPage_andHighlightsTheLinkedMember() throws Exception {
        EmulatedMember me = members.get(7);
        open("/dashboard/guilds/" + guild.id() + "?me=" + me.user().id());
        assertThat(text("#rows tr")).hasSize(25);
        assertThat(one("h1")).isEqualTo("Leaderboard · Dashboard guild");
        assertThat(one("#page")).isEqualTo("Page 1 of 2");
        List<String> highlighted = text("#rows tr.me");
        if (!highlighted.isEmpty()) { // on the first page: it is highlighted there, and only there
            assertThat(highlighted).singleElement().asString().contains("member07");
        }
        screenshot("leaderboard");

        new Select(browser.findElement(By.id("metric"))).selectByValue("messages");
        fresh(d -> one("#valueHead").equals("Messages"));
        fresh(d -> text("#rows tr").get(0).contains("member00"));
        assertThat(browser.getCurrentUrl()).contains("metric=messages");

        browser.findElement(By.id("next")).click();
        fresh(d -> one("#page").equals("Page 2 of 2"));
        fresh(d -> text("#rows tr").size() == MEMBERS - 25);
        assertThat(browser.findElement(By.id("next")).isEnabled()).isFalse();
        assertThat(browser.findElement(By.id("prev")).isEnabled()).isTrue();

        new Select(browser.findElement(By.id("window"))).selectByValue("7d");
        fresh(d -> one("#page").startsWith("Page 1"));
        assertThat(browser.getCurrentUrl()).contains("window=7d");
        assertThat(consoleErrors()).isEmpty();
    }

    @Test
    void searchByName_findsTheMember_withTheirRank() {
        open("/dashboard/guilds/" + guild.id());
        browser.findElement(By.id("search")).sendKeys("member12\n");
        fresh(d -> !text("#found li a").isEmpty());
        assertThat(text("#found li")).singleElement().asString().matches("member12 · rank \\d+");
    }

    @Test
    void profile_drawsLevelRanksChartsChannelsAndSessions() throws Exception {
        EmulatedMember m = members.get(3); // in Stage
        open("/dashboard/guilds/" + guild.id() + "/members/" + m.user().id());
        assertThat(one("#name")).isEqualTo("member03");
        assertThat(one("#levelLine")).startsWith("Level ");
        assertThat(one("#ranks")).contains("#");
        String label = script("return document.getElementById('voiceChart').getAttribute('aria-label');");
        assertThat(label).startsWith("Voice time: ");
        List<Number> heights = script( // numbers come back as Long or Double, as the value is whole or not
                "return [...document.querySelectorAll('#voiceChart rect')].map(r => +r.getAttribute('height'));");
        assertThat(heights).hasSize(30).anySatisfy(h -> assertThat(h.doubleValue())
                .isPositive());
        assertThat(one("#channels")).contains("Stage");
        assertThat(text("#sessions tr")).isNotEmpty();
        screenshot("profile");

        new Select(browser.findElement(By.id("days"))).selectByValue("90");
        fresh(d -> text("#voiceChart rect").size() == 90);
        assertThat(consoleErrors()).isEmpty();
    }

    @Test
    void overview_drawsTheHeatmapBusiestChannelsAndTrend_fromTheHourlyActivity() throws Exception {
        open("/dashboard/guilds/" + guild.id());
        fresh(d -> {
            d.findElement(By.id("overviewLink")).click();
            return true;
        });
        new WebDriverWait(browser, WAIT).until(d -> d.getCurrentUrl().endsWith("/overview"));
        fresh(d -> "true".equals(d.findElement(By.id("main")).getDomAttribute("data-ready")));
        assertThat(one("#overviewTitle")).isEqualTo("Overview · Dashboard guild");
        assertThat(one("#trackedMembers")).isEqualTo(Integer.toString(MEMBERS));
        assertThat(one("#inVoice")).isEqualTo(Integer.toString(MEMBERS));
        // 7 days x 24 hours, and the hour the members are in voice now holds voice time
        fresh(d -> DashboardIT.<Number>script("return document.querySelectorAll('#heatmap rect.cell').length;")
                        .intValue()
                == 7 * 24);
        fresh(d -> DashboardIT.<Number>script(
                                "return Math.max(...[...document.querySelectorAll('#heatmap rect.cell')].map(r => +r.dataset.value));")
                        .longValue()
                > 0);
        String label = script("return document.getElementById('heatmap').getAttribute('aria-label');");
        assertThat(label).startsWith("Voice time by day of week and hour: ").contains("busiest");
        assertThat(text("#heatTable tbody tr")).hasSize(7);
        assertThat(one("#busiest")).contains("Lounge").contains("Stage");
        List<Number> trend = script(
                "return [...document.querySelectorAll('#trendChart rect')].map(r => +r.getAttribute('height'));");
        assertThat(trend).hasSize(30).anySatisfy(h -> assertThat(h.doubleValue())
                .isPositive());
        screenshot("overview");

        new Select(browser.findElement(By.id("heatMetric"))).selectByValue("messages");
        fresh(d -> DashboardIT.<String>script("return document.getElementById('heatmap').getAttribute('aria-label');")
                .startsWith("Messages by day of week and hour: "));
        assertThat(browser.getCurrentUrl()).contains("heat=messages");
        new Select(browser.findElement(By.id("days"))).selectByValue("7");
        fresh(d -> text("#trendChart rect").size() == 7);

        JsonNode o =
                JSON.readTree(bot.get("/api/guilds/" + guild.id() + "/overview").body());
        assertThat(o.get("heatmap").get("voiceMs")).hasSize(7);
        assertThat(o.get("heatmap").get("voiceMs").get(0)).hasSize(24);
        assertThat(o.get("trend")).hasSize(30);
        assertThat(o.get("busiestChannels").get(0).get("voiceTimeMs").asLong()).isPositive();
        assertThat(consoleErrors()).isEmpty();
    }

    @Test
    void aTickUpdatesTheOpenPage_withoutAReload() {
        EmulatedMember m = members.get(1);
        open("/dashboard/guilds/" + guild.id() + "/members/" + m.user().id());
        assertThat((Boolean) script("window.notReloaded = true; return window.notReloaded;"))
                .isTrue();
        String before = script("return document.getElementById('totals').dataset.voiceMs;");
        fresh(d -> {
            String ticks = script("return document.getElementById('live').dataset.ticks || '0';");
            return Integer.parseInt(ticks) >= 2;
        });
        fresh(d -> !before.equals(script("return document.getElementById('totals').dataset.voiceMs;")));
        assertThat((Boolean) script("return window.notReloaded === true;")).isTrue();
        assertThat(one("#live")).startsWith("live · updated ");
    }

    @Test
    void adminConsole_refusesAWrongToken_clearsTheCacheWithTheRightOne_andACrossSiteFormCannotWrite() throws Exception {
        open("/dashboard/admin");
        WebElement token = browser.findElement(By.id("token"));
        token.sendKeys("not-the-token\n");
        fresh(d -> one("#consoleStatus").equals("wrong admin token"));
        token.clear();
        token.sendKeys(BotProcess.ADMIN_TOKEN + "\n");
        fresh(d -> "ready".equals(script("return document.getElementById('main').dataset.console;")));
        assertThat(one("h2")).startsWith("Cache · ");
        assertThat(text("#hitRateChart")).hasSize(1);
        screenshot("console");

        fresh(d -> {
            d.findElement(By.id("clear")).click();
            return true;
        });
        fresh(d -> one("#consoleStatus").startsWith("Clear: done"));
        fresh(d -> {
            d.findElement(By.id("backup")).click();
            return true;
        });
        fresh(d -> one("#consoleStatus").equals("Backup: done"));
        fresh(d -> !text("#backups a").isEmpty());
        assertThat(consoleErrors()) // only the refused sign-in, which the browser logs as a failed load
                .singleElement()
                .asString()
                .contains("/api/console/login")
                .contains("401");

        // Signed in, a page of another site posts a form to the console: the browser does not send the
        // SameSite=Strict cookie, and without the CSRF header the write is refused either way.
        browser.get("data:text/html,<form id=f method=post action='" + bot.apiBase()
                + "/api/console/cache/clear'><input name=x value=1></form><script>f.submit()</script>");
        fresh(d -> d.getPageSource().contains("error"));
        assertThat(browser.getPageSource())
                .contains("sign in to the console first")
                .doesNotContain("cleared");
        assertThat(consoleErrors())
                .singleElement()
                .asString()
                .contains("/api/console/cache/clear")
                .contains("401");
    }

    @Test
    void consoleWrites_needTheSession_theCsrfHeader_andTheSameOrigin() throws Exception {
        var http = java.net.http.HttpClient.newHttpClient();
        var login = http.send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(bot.apiBase() + "/api/console/login"))
                        .header("Content-Type", "application/json")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                                "{\"token\":\"" + BotProcess.ADMIN_TOKEN + "\"}"))
                        .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(login.statusCode()).isEqualTo(200);
        String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie).containsIgnoringCase("HttpOnly").containsIgnoringCase("SameSite=Strict");
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));
        String csrf = JSON.readTree(login.body()).get("csrf").asText();

        java.util.function.BiFunction<String, String, Integer> clear = (csrfHeader, origin) -> {
            var b = java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create(bot.apiBase() + "/api/console/cache/clear"))
                    .header("Cookie", cookie)
                    .POST(java.net.http.HttpRequest.BodyPublishers.noBody());
            if (csrfHeader != null) {
                b.header("X-CSRF-Token", csrfHeader);
            }
            if (origin != null) {
                b.header("Origin", origin);
            }
            try {
                return http.send(b.build(), java.net.http.HttpResponse.BodyHandlers.ofString())
                        .statusCode();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        assertThat(clear.apply(null, null)).isEqualTo(403);
        assertThat(clear.apply("wrong", null)).isEqualTo(403);
        assertThat(clear.apply(csrf, "http://evil.example")).isEqualTo(403);
        assertThat(clear.apply(csrf, bot.apiBase())).isEqualTo(200);
        assertThat(clear.apply(csrf, null)).isEqualTo(200);
        assertThat(bot.send("POST", "/api/console/cache/clear", null).statusCode())
                .isEqualTo(401);
        assertThat(bot.get("/api/console/overview").statusCode()).isEqualTo(401);

        java.util.function.Function<String, java.net.http.HttpResponse<String>> get = path -> {
            try {
                return http.send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create(bot.apiBase() + path))
                                .header("Cookie", cookie)
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        var csv = get.apply("/api/console/export?format=csv&guild=" + guild.id());
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.headers().firstValue("Content-Disposition").orElseThrow())
                .contains("voicetrack-" + guild.id() + ".csv");
        List<String> lines = csv.body().lines().toList();
        assertThat(lines.get(0)).startsWith("guild_id,user_id,");
        assertThat(lines).hasSize(1 + MEMBERS);
        assertThat(get.apply("/api/console/export?format=xml&guild=" + guild.id())
                        .statusCode())
                .isEqualTo(400);
        assertThat(get.apply("/api/console/export?format=csv&guild=123456789012345678")
                        .statusCode())
                .isEqualTo(404);
        assertThat(bot.get("/api/console/export?format=csv&guild=" + guild.id()).statusCode())
                .isEqualTo(401);
    }

    @Test
    void aPrivateGuild_isA404_butTheConsoleChangesItsOptionsAndAddsARewardToIt() throws Exception {
        // The public side: its page and JSON answer as an unknown guild's, and the guild list leaves it out.
        assertThat(bot.get("/dashboard/guilds/" + hidden.id()).statusCode()).isEqualTo(404);
        assertThat(bot.get("/api/guilds/" + hidden.id() + "/leaderboard").statusCode())
                .isEqualTo(404);
        assertThat(bot.get("/api/guilds").body()).doesNotContain("Private guild");
        consoleErrors(); // start from an empty browser log
        browser.get(bot.apiBase() + "/dashboard/guilds/" + hidden.id());
        fresh(d -> !text("p.error").isEmpty());
        assertThat(one("p.error")).contains("no guild " + hidden.id() + " is tracked here");
        assertThat(browser.getPageSource()).doesNotContain("Private guild");

        // The console shows it, changes an option with /config set's rules and adds a reward.
        open("/dashboard/admin");
        // the private page's refused loads, its own and those of its redraws on ticks until it was left
        assertThat(consoleErrors())
                .isNotEmpty()
                .allSatisfy(e -> assertThat(e).contains("/" + hidden.id()).contains("404"));
        if (!"ready".equals(script("return document.getElementById('main').dataset.console;"))) {
            browser.findElement(By.id("token")).sendKeys(BotProcess.ADMIN_TOKEN + "\n");
        }
        fresh(d -> "ready".equals(script("return document.getElementById('main').dataset.console;")));
        fresh(d -> {
            new Select(d.findElement(By.id("settingsGuild"))).selectByVisibleText("Private guild (private)");
            return true;
        });
        fresh(d -> one("#guildSettings").contains("publicDashboard")
                && "false".equals(script("return document.getElementById('opt-publicDashboard').value;")));
        fresh(d -> {
            WebElement xp = d.findElement(By.id("opt-messageXp"));
            xp.clear();
            xp.sendKeys("lots\n");
            return true;
        });
        fresh(d -> one("#consoleStatus").equals("Set messageXp failed: messageXp must be a whole number, was 'lots'"));
        fresh(d -> {
            WebElement xp = d.findElement(By.id("opt-messageXp"));
            xp.clear();
            xp.sendKeys("7\n");
            return true;
        });
        fresh(d -> one("#consoleStatus").equals("Set messageXp: done (now 7)"));
        fresh(d -> "7".equals(script("return document.getElementById('opt-messageXp').value;")));
        screenshot("console-guild");

        fresh(d -> {
            new Select(d.findElement(By.id("rewardTrigger"))).selectByValue("level");
            d.findElement(By.id("rewardThreshold")).sendKeys("5");
            new Select(d.findElement(By.id("rewardRole"))).selectByVisibleText("@Regulars");
            d.findElement(By.id("rewardAdd")).click();
            return true;
        });
        fresh(d -> one("#consoleStatus").equals("Add reward: done"));
        fresh(d -> DashboardIT.<String>script("return document.getElementById('rewards').textContent;")
                .contains("At level 5 (stacks): @Regulars"));
        // At phone width the guild settings fit the screen: nothing wider than the viewport, no sideways scroll.
        browser.manage().window().setSize(new org.openqa.selenium.Dimension(390, 844));
        try {
            fresh(
                    d -> DashboardIT.<Boolean>script(
                            "const s = document.getElementById('guildSettings');"
                                    + " return s.scrollWidth <= s.clientWidth"
                                    + " && [...s.querySelectorAll('*')].every(e => e.getBoundingClientRect().right <= window.innerWidth + 0.5);"));
            screenshot("console-guild-phone");
        } finally {
            browser.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 1000));
        }
        // still private, and the page it would be is still a 404
        assertThat(bot.get("/dashboard/guilds/" + hidden.id()).statusCode()).isEqualTo(404);
        assertThat(consoleErrors()) // only the refused value, which the browser logs as a failed load
                .singleElement()
                .asString()
                .contains("/api/console/guilds/" + hidden.id() + "/options")
                .contains("400");

        // Signed in, the console draws itself again on a reload; then sign out, as the other console tests expect.
        open("/dashboard/admin");
        fresh(d -> "ready".equals(script("return document.getElementById('main').dataset.console;")));
        fresh(d -> {
            d.findElement(By.id("logout")).click();
            return true;
        });
        fresh(d -> !d.findElements(By.id("token")).isEmpty());
    }

    /** Last: it leaves this address locked out of sign-in for a minute. */
    @Test
    @Order(Integer.MAX_VALUE)
    void repeatedWrongTokens_areLimited_evenTheRightTokenWaits() throws Exception {
        var http = java.net.http.HttpClient.newHttpClient();
        java.util.function.Function<String, java.net.http.HttpResponse<String>> login = t -> {
            try {
                return http.send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create(bot.apiBase() + "/api/console/login"))
                                .header("Content-Type", "application/json")
                                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"token\":\"" + t + "\"}"))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        int refused = 0;
        java.net.http.HttpResponse<String> r = login.apply("guess");
        while (r.statusCode() == 401 && refused < 10) {
            refused++;
            r = login.apply("guess-" + refused);
        }
        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(refused).isLessThanOrEqualTo(5);
        assertThat(r.headers().firstValue("Retry-After")).isPresent();
        assertThat(login.apply(BotProcess.ADMIN_TOKEN).statusCode()).isEqualTo(429);
    }

    @Test
    void badInput_isA400NamingIt_anUnknownGuildA404_andProfilesHoldNoAdminData() throws Exception {
        long g = guild.id();
        String u = Long.toString(members.get(2).user().id());
        Map<String, String> bad = Map.of(
                "/api/guilds/abc/leaderboard",
                "guild must be a Discord id, was 'abc'",
                "/api/guilds/" + g + "/leaderboard?metric=karma",
                "metric must be one of",
                "/api/guilds/" + g + "/leaderboard?window=fortnight",
                "window must be",
                "/api/guilds/" + g + "/leaderboard?limit=99999999999",
                "limit is out of range, was '99999999999'",
                "/api/guilds/" + g + "/leaderboard?limit=ten",
                "limit must be a whole number, was 'ten'",
                "/api/guilds/" + g + "/users/" + u + "/profile?days=5",
                "days must be 7, 30 or 90, was '5'",
                "/api/guilds/" + g + "/members?q=",
                "q must be",
                "/api/guilds/" + g + "/overview?days=99999999999",
                "days must be 7, 30 or 90, was '99999999999'",
                "/api/guilds/-5/overview",
                "guild must be a Discord id");
        for (var e : bad.entrySet()) {
            var r = bot.get(e.getKey());
            assertThat(r.statusCode()).as(e.getKey()).isEqualTo(400);
            assertThat(JSON.readTree(r.body()).get("error").asText())
                    .as(e.getKey())
                    .contains(e.getValue());
        }
        var unknown = bot.get("/api/guilds/123456789012345678/leaderboard");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(bot.get("/api/guilds/123456789012345678/users/" + u + "/profile")
                        .statusCode())
                .isEqualTo(404);
        assertThat(bot.get("/api/guilds/123456789012345678/overview").statusCode())
                .isEqualTo(404);
        assertThat(bot.get("/dashboard/assets/passwd").statusCode()).isEqualTo(404);
        // Pages too: the document comes with the status its script then explains.
        assertThat(bot.get("/dashboard/guilds/123456789012345678").statusCode()).isEqualTo(404);
        assertThat(bot.get("/dashboard/guilds/123456789012345678/overview").statusCode())
                .isEqualTo(404);
        assertThat(bot.get("/dashboard/guilds/abc").statusCode()).isEqualTo(400);
        assertThat(bot.get("/dashboard/guilds/" + g + "/members/abc").statusCode())
                .isEqualTo(400);
        assertThat(bot.get("/dashboard/guilds/" + g + "/members/" + u).statusCode())
                .isEqualTo(200);

        JsonNode profile = JSON.readTree(
                bot.get("/api/guilds/" + g + "/users/" + u + "/profile").body());
        assertThat(profile.has("metadata")).isFalse();
        assertThat(profile.get("days")).hasSize(30);
        assertThat(profile.get("ranks").has("xp")).isTrue();
        String page = bot.get("/dashboard/guilds/" + g).body();
        assertThat(page)
                .doesNotContain(BotProcess.ADMIN_TOKEN)
                .doesNotContain("http://")
                .doesNotContain("https://");
    }
}
