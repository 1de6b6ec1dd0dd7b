package dev.voicetrack.jda;

import dev.voicetrack.core.LeaderboardPage;
import dev.voicetrack.core.Metric;
import dev.voicetrack.core.VoiceTracker;
import dev.voicetrack.core.VoiceView;
import dev.voicetrack.core.Window;
import dev.voicetrack.jda.internal.CommandDefinitions;
import dev.voicetrack.jda.internal.Gateways;
import dev.voicetrack.jda.internal.JdaVoiceView;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.interactions.commands.build.SlashCommandData;
import net.dv8tion.jda.api.requests.GatewayIntent;
import net.dv8tion.jda.api.sharding.ShardManager;
import net.dv8tion.jda.api.utils.cache.CacheFlag;

/**
 * Wires a {@link VoiceTracker} to JDA 5: voice joins, leaves and moves, self and server mute and deafen, member
 * role and boost changes and messages become {@link dev.voicetrack.core.GatewayEvent}s; slash commands answer
 * stats, ranks and leaderboards and give admins cache and storage tools; level-ups can be announced.
 *
 * <pre>{@code
 * JDA jda = JDABuilder.createLight(token, VoiceTrackJda.REQUIRED_INTENTS)
 *         .enableCache(VoiceTrackJda.REQUIRED_CACHE_FLAGS)
 *         .setMemberCachePolicy(MemberCachePolicy.VOICE)   // at least the members in voice
 *         .build()
 *         .awaitReady();
 * VoiceTracker tracker = VoiceTracker.builder()
 *         .storage(storage)                                // closed by tracker.close()
 *         .cache(cache)                                    // used by the cache commands too
 *         .view(VoiceTrackJda.voiceView(jda))              // who is in voice, for reconciliation
 *         .build();
 * tracker.start();                                         // after awaitReady(): resumes open sessions, ticks
 * JdaInstallation installation = VoiceTrackJda.install(jda, tracker);
 * // at shutdown
 * installation.close();
 * tracker.close();
 * jda.shutdown();
 * }</pre>
 *
 * <p>{@code install} takes the tracker's cache ({@link VoiceTracker#cache()}) for the cache commands and the
 * maintenance of its storage ({@link VoiceTracker#storage()} as a {@link
 * dev.voicetrack.core.storage.StorageMaintenance}) for {@code /dbstats}, {@code /backup} and {@code /optimize};
 * {@link #builder} replaces either.
 *
 * <h2>What JDA must be built with</h2>
 *
 * <ul>
 *   <li>Intent {@code GUILD_VOICE_STATES} (voice events and states) and cache flag {@code VOICE_STATE}, with a
 *       member cache policy that keeps at least the members in voice ({@code MemberCachePolicy.VOICE} or wider);
 *   <li>intent {@code GUILD_MEMBERS} (privileged: role and boost changes), unless {@link
 *       VoiceTrackJdaBuilder#trackMemberUpdates trackMemberUpdates(false)};
 *   <li>intent {@code GUILD_MESSAGES} (message counts; message content is never read, so {@code
 *       MESSAGE_CONTENT} is not needed), unless {@link VoiceTrackJdaBuilder#trackMessages trackMessages(false)}.
 * </ul>
 *
 * {@code install} checks these and throws {@link IllegalStateException} naming every missing intent or flag.
 *
 * <h2>Threads</h2>
 *
 * Handlers on JDA's event threads only map the event and enqueue it ({@link VoiceTracker#accept}); slash commands
 * are checked (guild, permission, rate limit) and handed to a command executor. Reconciliation, queries and every
 * other storage call run on threads the installation owns (or the command executor given to the builder).
 *
 * <h2>Reconciliation</h2>
 *
 * At install, on READY, on a resumed or re-identified session and when a guild is joined or becomes available,
 * the tracker is reconciled with the voice states JDA holds ({@link VoiceTracker#reconcile()}), which reads the
 * tracker's {@link VoiceView}: build the tracker with {@link #voiceView(JDA)} (or {@link
 * #voiceView(ShardManager)}) for that. With a shard manager, reconciliation waits until every shard is
 * connected, so that members of a shard still connecting are not taken for gone.
 */
public final class VoiceTrackJda {

    /** The gateway intents the adapter needs with every option on. */
    public static final Set<GatewayIntent> REQUIRED_INTENTS = Collections.unmodifiableSet(
            EnumSet.of(GatewayIntent.GUILD_VOICE_STATES, GatewayIntent.GUILD_MEMBERS, GatewayIntent.GUILD_MESSAGES));

    /** The cache flags the adapter needs. */
    public static final Set<CacheFlag> REQUIRED_CACHE_FLAGS =
            Collections.unmodifiableSet(EnumSet.of(CacheFlag.VOICE_STATE));

    private VoiceTrackJda() {}

    /** Rows a {@code /leaderboard} page shows. */
    public static final int LEADERBOARD_PAGE_ROWS = 10;

    /**
     * Reads {@code /leaderboard}'s first page of {@code metric} over all time exactly as the command reads it (its
     * rows and one more, which tells whether there is a next page), so that a cache warmed with this answers the
     * command's first page. For cache warmers.
     */
    public static LeaderboardPage readFirstLeaderboardPage(VoiceTracker tracker, long guildId, Metric metric) {
        Objects.requireNonNull(tracker, "tracker");
        return tracker.getLeaderboard(guildId, metric, Window.allTime(), LEADERBOARD_PAGE_ROWS + 1, 0);
    }

    /**
     * The members in voice as JDA's cache holds them, for {@link dev.voicetrack.core.VoiceTrackerBuilder#view}.
     * Reading it walks the cached voice states of every guild (cost: linear in the guilds and members in voice);
     * thread safe.
     */
    public static VoiceView voiceView(JDA jda) {
        return new JdaVoiceView(Gateways.of(Objects.requireNonNull(jda, "jda must not be null")));
    }

    /** Like {@link #voiceView(JDA)}, over every shard of a shard manager. */
    public static VoiceView voiceView(ShardManager shardManager) {
        return new JdaVoiceView(Gateways.of(Objects.requireNonNull(shardManager, "shardManager must not be null")));
    }

    /**
     * Installs the adapter with every default: see {@link VoiceTrackJdaBuilder}.
     *
     * @throws IllegalStateException naming each missing intent or cache flag
     */
    public static JdaInstallation install(JDA jda, VoiceTracker tracker) {
        return builder(tracker).install(jda);
    }

    /**
     * Installs the adapter on every shard of a shard manager, with every default.
     *
     * @throws IllegalStateException naming each missing intent or cache flag
     */
    public static JdaInstallation install(ShardManager shardManager, VoiceTracker tracker) {
        return builder(tracker).install(shardManager);
    }

    /** A builder for an installation with a cache, storage admin, rate limits and other options. */
    public static VoiceTrackJdaBuilder builder(VoiceTracker tracker) {
        return new VoiceTrackJdaBuilder(Objects.requireNonNull(tracker, "tracker must not be null"));
    }

    /**
     * The slash commands, for bots that register their own commands in the same call ({@code
     * jda.updateCommands().addCommands(...)}) and turn {@link VoiceTrackJdaBuilder#registerCommands} off.
     */
    public static List<SlashCommandData> commandData() {
        return CommandDefinitions.all();
    }
}
