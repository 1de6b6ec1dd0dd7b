package dev.voicetrack.bot.internal;

import dev.voicetrack.bot.BotConfig;
import dev.voicetrack.core.LeaderboardEntry;
import dev.voicetrack.core.Metric;
import dev.voicetrack.core.TrackerListener;
import dev.voicetrack.core.Window;
import dev.voicetrack.emulator.DiscordEmulator;
import dev.voicetrack.emulator.EmulatedChannel;
import dev.voicetrack.emulator.EmulatedGuild;
import dev.voicetrack.emulator.EmulatedMember;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * {@code voicetrack demo}: a local Discord emulator with a few simulated guilds whose members join,
 * talk, mute, move and leave; the real bot (JDA, tracker, storage, cache, admin API) runs against it,
 * and a leaderboard is printed every few seconds. Stops on Ctrl-C or after {@code --duration}.
 */
public final class Demo {
    private static final String[] NAMES = {
        "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory", "niaj", "olivia",
        "peggy", "rupert", "sybil", "trent", "victor", "walter", "yara"
    };

    private final int guildCount;
    private final int membersPerGuild;
    private final double speed;
    private final Random random;
    private final Map<Long, String> names = new HashMap<>();
    private final List<EmulatedGuild> guilds = new ArrayList<>();
    private final Map<Long, List<EmulatedChannel>> voice = new HashMap<>();
    private final Map<Long, EmulatedChannel> text = new HashMap<>();

    public Demo(int guildCount, int membersPerGuild, double speed, long seed) {
        this.guildCount = guildCount;
        this.membersPerGuild = membersPerGuild;
        this.speed = speed;
        this.random = new Random(seed);
    }

    /** Runs the demo until the runtime is shut down (Ctrl-C) or {@code duration} passes. */
    public void run(BotConfig base, @Nullable Duration duration) throws InterruptedException {
        DiscordEmulator discord = DiscordEmulator.start();
        String[] guildNames = {"Study Hall", "Gaming Night", "Music Lounge", "Dev Chat", "Book Club"};
        for (int g = 0; g < guildCount; g++) {
            EmulatedGuild guild = discord.createGuild(guildNames[g % guildNames.length] + (g >= 5 ? " " + g : ""));
            guilds.add(guild);
            text.put(guild.id(), guild.createTextChannel("general"));
            voice.put(
                    guild.id(),
                    List.of(
                            guild.createVoiceChannel("Lounge"),
                            guild.createVoiceChannel("Gaming"),
                            guild.createVoiceChannel("Study")));
            for (int m = 0; m < membersPerGuild; m++) {
                EmulatedMember member = guild.addMember(NAMES[m % NAMES.length] + (m >= NAMES.length ? m : ""), false);
                names.put(member.user().id(), member.user().username());
            }
        }
        Map<String, String> demo = new HashMap<>();
        demo.put("DISCORD_BOT_TOKEN", discord.botToken());
        demo.put("DISCORD_API_URL", discord.httpBaseUrl());
        demo.put("DISCORD_GATEWAY_URL", discord.gatewayUrl());
        if (!base.isSet("SQLITE_DB_PATH")) {
            demo.put("SQLITE_DB_PATH", "./data/demo/voice-tracker.db");
        }
        if (!base.isSet("BACKUP_DIR")) {
            demo.put("BACKUP_DIR", "./data/demo/backups");
        }
        if (!base.isSet("ANNOUNCEMENTS_FILE")) {
            demo.put("ANNOUNCEMENTS_FILE", "./data/demo/announcements.properties");
        }
        if (!base.isSet("JSON_DATA_DIR")) {
            demo.put("JSON_DATA_DIR", "./data/demo/json");
        }
        if (!base.isSet("CHECK_INTERVAL")) {
            demo.put("CHECK_INTERVAL", "2s");
        }
        if (base.adminToken().isEmpty()) {
            byte[] b = new byte[18];
            new SecureRandom().nextBytes(b);
            demo.put("ADMIN_API_TOKEN", HexFormat.of().formatHex(b));
        }
        BotConfig config = base.with(demo);
        System.out.println("VoiceTrack demo: " + guildCount + " guilds x " + membersPerGuild
                + " simulated members on a local Discord emulator (" + discord.httpBaseUrl() + ")");
        System.out.println("Storage: " + config.storageKind().name().toLowerCase(Locale.ROOT)
                + switch (config.storageKind()) {
                    case SQLITE -> " at " + config.get("SQLITE_DB_PATH");
                    case JSON -> " at " + config.get("JSON_DATA_DIR");
                    case MEMORY -> " (in memory, nothing kept)";
                    default -> "";
                });
        BotRuntime bot = new BotRuntime(config);
        bot.addListener(new TrackerListener() {
            @Override
            public void levelUp(LevelUp e) {
                System.out.println("  * " + names.getOrDefault(e.userId(), Long.toString(e.userId()))
                        + " reached level " + e.newLevel());
            }
        });
        Thread hook = new Thread(() -> bot.shutdown("signal"), "voicetrack-signal");
        Runtime.getRuntime().addShutdownHook(hook);
        bot.start();
        if (demo.containsKey("ADMIN_API_TOKEN") && bot.api() != null) {
            System.out.println("Admin API token for this demo: " + demo.get("ADMIN_API_TOKEN"));
            System.out.println("  curl -H 'Authorization: Bearer " + demo.get("ADMIN_API_TOKEN") + "' http://127.0.0.1:"
                    + bot.api().port() + "/api/admin/monitoring/cache/stats");
        }
        System.out.println("Press Ctrl-C to stop (a verified backup is written on the way out).");
        ScheduledExecutorService sim = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "demo-simulation");
            t.setDaemon(true);
            return t;
        });
        // Half of everyone starts in voice so the leaderboard moves from the first tick.
        for (EmulatedGuild g : guilds) {
            for (EmulatedMember m : g.members()) {
                if (!m.user().bot() && random.nextBoolean()) {
                    m.joinVoice(pick(voice.get(g.id())));
                }
            }
        }
        long stepMs = Math.max(20, Math.round(1500 / speed));
        sim.scheduleAtFixedRate(this::step, stepMs, stepMs, TimeUnit.MILLISECONDS);
        sim.scheduleAtFixedRate(() -> printLeaderboards(bot), 3, 5, TimeUnit.SECONDS);
        try {
            if (duration != null) {
                Thread.sleep(duration.toMillis()); // the demo's own run time, not a synchronisation
                sim.shutdownNow();
                bot.shutdown("--duration elapsed");
                Runtime.getRuntime().removeShutdownHook(hook);
            } else {
                bot.awaitStopped();
            }
        } finally {
            sim.shutdownNow();
            discord.close();
        }
    }

    private <T> T pick(List<T> list) {
        return list.get(random.nextInt(list.size()));
    }

    private void step() {
        try {
            EmulatedGuild g = pick(guilds);
            List<EmulatedMember> members =
                    g.members().stream().filter(m -> !m.user().bot()).toList();
            EmulatedMember m = pick(members);
            int roll = random.nextInt(100);
            if (m.voiceChannel().isEmpty()) {
                if (roll < 45) {
                    m.joinVoice(pick(voice.get(g.id())));
                } else if (roll < 70) {
                    m.sendMessage(text.get(g.id()), "hello from " + m.user().username());
                }
            } else if (roll < 10) {
                m.leaveVoice();
            } else if (roll < 22) {
                m.moveTo(pick(voice.get(g.id())));
            } else if (roll < 34) {
                m.setSelfMute(!m.selfMuted());
            } else if (roll < 40) {
                m.setSelfDeaf(!m.selfDeafened());
            } else if (roll < 60) {
                m.sendMessage(text.get(g.id()), "gg");
            }
        } catch (RuntimeException e) {
            System.err.println("simulation step failed: " + e);
        }
    }

    private void printLeaderboards(BotRuntime bot) {
        try {
            StringBuilder sb = new StringBuilder("\n=== VoiceTrack live leaderboard ===\n");
            for (EmulatedGuild g : guilds) {
                sb.append(g.name()).append('\n');
                List<LeaderboardEntry> top = bot.tracker()
                        .getLeaderboard(g.id(), Metric.XP, Window.allTime(), 5, 0)
                        .entries();
                if (top.isEmpty()) {
                    sb.append("  (no activity yet)\n");
                }
                for (LeaderboardEntry e : top) {
                    sb.append(String.format(
                            Locale.ROOT,
                            "  #%d %-10s level %2d  %6d XP  %s voice%n",
                            e.rank(),
                            names.getOrDefault(e.userId(), "?"),
                            e.level(),
                            e.xp(),
                            formatMs(e.voiceTimeMs())));
                }
            }
            var s = bot.cache().stats();
            var t = bot.lastTick();
            sb.append(String.format(
                    Locale.ROOT,
                    "cache hit rate %.1f%% (%d reads), %d entries; last tick: %s%n",
                    s.hitRatePercent(),
                    s.requests(),
                    s.size(),
                    t == null
                            ? "-"
                            : t.trackedMembers() + " members in "
                                    + t.totalTime().toMillis() + " ms"));
            System.out.print(sb);
            System.out.flush();
        } catch (RuntimeException e) {
            System.err.println("leaderboard failed: " + e);
        }
    }

    static String formatMs(long ms) {
        long s = ms / 1000;
        return String.format(Locale.ROOT, "%dh%02dm%02ds", s / 3600, (s / 60) % 60, s % 60);
    }
}
