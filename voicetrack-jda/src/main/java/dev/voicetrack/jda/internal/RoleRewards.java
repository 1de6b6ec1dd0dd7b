package dev.voicetrack.jda.internal;

import dev.voicetrack.core.LeaderboardEntry;
import dev.voicetrack.core.LevelRewards;
import dev.voicetrack.core.MemberStats;
import dev.voicetrack.core.Metric;
import dev.voicetrack.core.TrackerListener;
import dev.voicetrack.core.VoiceTracker;
import dev.voicetrack.core.Window;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import net.dv8tion.jda.api.Permission;
import net.dv8tion.jda.api.entities.Guild;
import net.dv8tion.jda.api.entities.Member;
import net.dv8tion.jda.api.entities.Role;
import net.dv8tion.jda.api.entities.UserSnowflake;
import net.dv8tion.jda.api.events.GenericEvent;
import net.dv8tion.jda.api.events.guild.GuildReadyEvent;
import net.dv8tion.jda.api.events.guild.member.GuildMemberJoinEvent;
import net.dv8tion.jda.api.events.session.SessionRecreateEvent;
import net.dv8tion.jda.api.events.session.SessionResumeEvent;
import net.dv8tion.jda.api.exceptions.ErrorResponseException;
import net.dv8tion.jda.api.exceptions.HierarchyException;
import net.dv8tion.jda.api.exceptions.InsufficientPermissionException;
import net.dv8tion.jda.api.hooks.EventListener;
import net.dv8tion.jda.api.requests.ErrorResponse;
import net.dv8tion.jda.api.requests.GatewayIntent;
import net.dv8tion.jda.api.requests.Route;
import net.dv8tion.jda.api.utils.data.DataArray;
import net.dv8tion.jda.api.utils.data.DataObject;
import net.dv8tion.jda.internal.requests.RestActionImpl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives and takes level reward roles so that members hold exactly what {@link LevelRewards#changesFor} says.
 *
 * <h2>When</h2>
 *
 * A member is synced after a level-up, after crossing a whole hour in voice when the guild has voice-time rewards,
 * when it (re)joins the guild, and when an admin operation set its XP or level, reset or deleted it (through the
 * tracker, by {@code /xp} or by an application's own code). A member sync finding a sync of its guild queued
 * leaves the work to it. A whole guild is synced when it becomes
 * ready (start-up), after a resume or re-identify, and on {@code /rewards sync}.
 *
 * <h2>Threads and rate limits</h2>
 *
 * Every sync runs on the rewards thread, one at a time; listeners on JDA's and the tracker's threads only enqueue
 * (requests already queued for the same member or guild are merged). Role changes are sent one after the other and
 * each waits for its answer, so JDA's rate-limit handling (which reads Discord's bucket headers) paces them and no
 * burst is ever queued; a guild sync of many members never holds a gateway thread or the tick. A guild sync takes
 * the members from JDA's cache when it holds them all (or, without the GUILD_MEMBERS intent, the cached ones are all
 * it can know), else from Discord's member list over REST in pages of 1,000 on this thread, never by a gateway member
 * request: JDA would parse those chunks on its gateway thread, and every event would wait behind them. Levels come
 * from the stored leaderboard in pages of 1,000. A member sync reads the member from Discord (one request), never
 * from JDA's cache, which may not have seen the sync thread's own last change yet.
 *
 * <h2>Failures</h2>
 *
 * Before each change the role is checked locally (it exists, VoiceTrack has Manage Roles, the role is below
 * VoiceTrack's highest role); a failing check marks the role broken in {@link RewardProblems} without a request.
 * The roles a sync found broken are reported to the guild's admins in one message when it ends.
 * A change Discord refuses all the same marks it too, and member syncs then skip that role; the next guild sync
 * tries it once more. So a broken role never causes a loop of refused requests.
 */
final class RoleRewards implements TrackerListener, EventListener {
    private static final Logger LOG = LoggerFactory.getLogger(RoleRewards.class);
    private static final int PAGE = 1000;
    /** Discord's most members per page of List Guild Members. */
    private static final int MEMBER_PAGE = 1000;

    private static final Route LIST_MEMBERS = Route.get("guilds/{guild_id}/members");
    private static final long HOUR_MS = 3_600_000L;

    /** What a guild sync did. */
    record SyncResult(int members, int added, int removed, Map<Long, RewardProblems.Mark> broken) {}

    private record MemberKey(long guildId, long userId) {}

    private final VoiceTracker tracker;
    private final Gateways gateways;
    private final Executor executor;
    private final RewardProblems problems;
    private final Set<MemberKey> queuedMembers = ConcurrentHashMap.newKeySet();
    private final Map<Long, CompletableFuture<SyncResult>> queuedGuilds = new ConcurrentHashMap<>();
    private final AtomicLong guildSyncs = new AtomicLong();

    RoleRewards(VoiceTracker tracker, Gateways gateways, Executor executor, RewardProblems problems) {
        this.tracker = tracker;
        this.gateways = gateways;
        this.executor = executor;
        this.problems = problems;
    }

    RewardProblems problems() {
        return problems;
    }

    /** Guild syncs completed so far. */
    long guildSyncs() {
        return guildSyncs.get();
    }

    // ---- triggers ----

    @Override
    public void levelUp(LevelUp event) {
        requestMember(event.guildId(), event.userId());
    }

    @Override
    public void levelSet(LevelSet event) {
        requestMember(event.guildId(), event.userId());
    }

    @Override
    public void userDeleted(long guildId, long userId) {
        requestMember(guildId, userId);
    }

    @Override
    public void voiceTimeGained(VoiceTimeGained e) {
        if (e.totalMs() / HOUR_MS != (e.totalMs() - e.amountMs()) / HOUR_MS
                && tracker.config(e.guildId()).levelRewards().hasVoiceRewards()) {
            requestMember(e.guildId(), e.userId());
        }
    }

    @Override
    public void onEvent(GenericEvent event) {
        if (event instanceof GuildMemberJoinEvent e) {
            requestMember(e.getGuild().getIdLong(), e.getUser().getIdLong());
        } else if (event instanceof GuildReadyEvent e) {
            requestGuild(e.getGuild().getIdLong());
        } else if (event instanceof SessionResumeEvent || event instanceof SessionRecreateEvent) {
            event.getJDA().getGuilds().forEach(g -> requestGuild(g.getIdLong()));
        }
    }

    /** Syncs every guild JDA knows, e.g. at install when JDA is already connected. */
    void requestAll() {
        gateways.shards().forEach(jda -> jda.getGuilds().forEach(g -> requestGuild(g.getIdLong())));
    }

    /** Queues a sync of one member (merged with one already queued). */
    void requestMember(long guildId, long userId) {
        MemberKey key = new MemberKey(guildId, userId);
        if (!queuedMembers.add(key)) {
            return;
        }
        if (!submit(() -> {
            queuedMembers.remove(key);
            if (!queuedGuilds.containsKey(guildId)) { // else the guild's sync, queued after this, covers it
                try {
                    syncMember(guildId, userId);
                } finally {
                    problems.report(guildId, gateways.guild(guildId));
                }
            }
        })) {
            queuedMembers.remove(key);
        }
    }

    /** Queues a sync of a whole guild (merged with one already queued); completes when it has run. */
    CompletableFuture<SyncResult> requestGuild(long guildId) {
        CompletableFuture<SyncResult> fresh = new CompletableFuture<>();
        CompletableFuture<SyncResult> queued = queuedGuilds.putIfAbsent(guildId, fresh);
        if (queued != null) {
            return queued;
        }
        boolean submitted = submit(() -> {
            queuedGuilds.remove(guildId, fresh);
            SyncResult result;
            try {
                result = syncGuild(guildId);
            } catch (RuntimeException e) {
                guildSyncs.incrementAndGet();
                fresh.completeExceptionally(e);
                throw e;
            } finally {
                problems.report(guildId, gateways.guild(guildId));
            }
            guildSyncs.incrementAndGet();
            fresh.complete(result);
        });
        if (!submitted) {
            queuedGuilds.remove(guildId, fresh);
            fresh.completeExceptionally(new IllegalStateException("the level reward sync is closed"));
        }
        return fresh;
    }

    /** Runs the job on the rewards thread; false if the adapter is closed. */
    private boolean submit(Runnable job) {
        try {
            executor.execute(() -> {
                try {
                    job.run();
                } catch (CancellationException e) {
                    LOG.debug("level reward sync stopped: the adapter or JDA is closing", e);
                } catch (RuntimeException e) {
                    LOG.warn("level reward sync failed", e);
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.debug("level reward sync not run: the adapter is closed");
            return false;
        }
        return true;
    }

    // ---- syncs (rewards thread) ----

    private void syncMember(long guildId, long userId) {
        LevelRewards rewards = tracker.config(guildId).levelRewards();
        Guild guild = gateways.guild(guildId);
        if (rewards.isEmpty() || guild == null) {
            return;
        }
        Member member;
        try {
            // from Discord, not the cache: the cache learns of this thread's own last changes only when their
            // GUILD_MEMBER_UPDATE arrives, and a sync computed from it would miss a role it just gave
            member = guild.retrieveMemberById(userId).useCache(false).complete();
        } catch (ErrorResponseException e) {
            return; // not (or no longer) a member
        }
        Optional<MemberStats> stats = tracker.getUser(guildId, userId);
        int level = stats.map(MemberStats::level).orElse(0);
        long voice = stats.map(MemberStats::voiceTimeMs).orElse(0L);
        apply(guild, member, rewards.changesFor(roleIds(member), level, voice), new int[2], Set.of());
    }

    private SyncResult syncGuild(long guildId) {
        LevelRewards rewards = tracker.config(guildId).levelRewards();
        Guild guild = gateways.guild(guildId);
        if (rewards.isEmpty() || guild == null) {
            return new SyncResult(0, 0, 0, Map.of());
        }
        Map<Long, long[]> stored = storedLevels(guildId);
        Set<Long> probe = new HashSet<>(problems.of(guildId).keySet());
        int[] counts = new int[2];
        int members = 0;
        long[] none = new long[2];
        if (guild.isLoaded() || !gateways.intents().contains(GatewayIntent.GUILD_MEMBERS)) {
            // JDA caches every member (or, without GUILD_MEMBERS, Discord lists none): no request at all
            for (Member member : guild.getMembers()) {
                long[] s = stored.getOrDefault(member.getIdLong(), none);
                apply(guild, member, rewards.changesFor(roleIds(member), (int) s[0], s[1]), counts, probe);
                members++;
            }
        } else {
            // over REST, a page at a time: a gateway member request (loadMembers) would make JDA parse every member
            // on its gateway thread, holding all events behind them (2 s for 10,000 members on a loaded machine)
            long after = 0;
            while (true) {
                DataArray page = listMembers(guild, after);
                for (int i = 0; i < page.length(); i++) {
                    DataObject m = page.getObject(i);
                    long userId = m.getObject("user").getUnsignedLong("id");
                    DataArray held = m.getArray("roles");
                    Set<Long> roleIds = new HashSet<>();
                    for (int r = 0; r < held.length(); r++) {
                        roleIds.add(held.getUnsignedLong(r));
                    }
                    long[] s = stored.getOrDefault(userId, none);
                    apply(
                            guild,
                            UserSnowflake.fromId(userId),
                            rewards.changesFor(roleIds, (int) s[0], s[1]),
                            counts,
                            probe);
                    after = Math.max(after, userId);
                    members++;
                }
                if (page.length() < MEMBER_PAGE) {
                    break;
                }
            }
        }
        return new SyncResult(members, counts[0], counts[1], problems.of(guildId));
    }

    /**
     * One page of Discord's List Guild Members (up to {@value #MEMBER_PAGE} members with ids above {@code after}, by
     * id), through JDA's requester (its token and rate-limit handling). JDA has no call of its own for this endpoint;
     * its request class is internal, the one internal type VoiceTrack uses.
     */
    private static DataArray listMembers(Guild guild, long after) {
        Route.CompiledRoute route = LIST_MEMBERS
                .compile(guild.getId())
                .withQueryParams("limit", Integer.toString(MEMBER_PAGE), "after", Long.toUnsignedString(after));
        return new RestActionImpl<DataArray>(guild.getJDA(), route, (response, request) -> response.getArray())
                .complete();
    }

    /** Level and all-time voice time of every stored member of the guild, read in pages. */
    private Map<Long, long[]> storedLevels(long guildId) {
        Map<Long, long[]> out = new HashMap<>();
        for (int offset = 0; ; offset += PAGE) {
            List<LeaderboardEntry> page = tracker.getLeaderboard(guildId, Metric.LEVEL, Window.allTime(), PAGE, offset)
                    .entries();
            page.forEach(e -> out.put(e.userId(), new long[] {e.level(), e.voiceTimeMs()}));
            if (page.size() < PAGE) {
                return out;
            }
        }
    }

    private static Set<Long> roleIds(Member member) {
        Set<Long> out = new HashSet<>();
        member.getRoles().forEach(r -> out.add(r.getIdLong()));
        return out;
    }

    private void apply(
            Guild guild, UserSnowflake member, LevelRewards.RoleChanges changes, int[] counts, Set<Long> probe) {
        for (long roleId : changes.add()) {
            if (change(guild, member, roleId, true, probe)) {
                counts[0]++;
            }
        }
        for (long roleId : changes.remove()) {
            if (change(guild, member, roleId, false, probe)) {
                counts[1]++;
            }
        }
    }

    /** One role change, checked first; true if Discord applied it. */
    private boolean change(Guild guild, UserSnowflake member, long roleId, boolean add, Set<Long> probe) {
        long guildId = guild.getIdLong();
        Role role = guild.getRoleById(roleId);
        Member self = guild.getSelfMember();
        String problem = role == null
                ? "the role was deleted"
                : !self.hasPermission(Permission.MANAGE_ROLES)
                        ? "VoiceTrack lacks the Manage Roles permission"
                        : !self.canInteract(role) ? "the role is not below VoiceTrack's highest role" : null;
        if (problem != null) {
            problems.broken(guild, roleId, problem, false);
            return false;
        }
        RewardProblems.Mark mark = problems.get(guildId, roleId);
        if (mark != null && mark.fromDiscord() && !probe.remove(roleId)) {
            return false;
        }
        try {
            (add ? guild.addRoleToMember(member, role) : guild.removeRoleFromMember(member, role))
                    .reason("VoiceTrack level reward")
                    .complete();
            problems.fixed(guildId, roleId);
            return true;
        } catch (ErrorResponseException e) {
            if (e.getErrorResponse() == ErrorResponse.MISSING_PERMISSIONS) {
                problems.broken(guild, roleId, "Discord refused: Missing Permissions", true);
            } else if (e.getErrorResponse() == ErrorResponse.UNKNOWN_ROLE) {
                problems.broken(guild, roleId, "the role was deleted", true);
            } else if (e.getErrorResponse() != ErrorResponse.UNKNOWN_MEMBER) {
                LOG.warn(
                        "could not change reward role {} of member {} in guild {}", roleId, member.getId(), guildId, e);
            }
        } catch (HierarchyException e) {
            problems.broken(guild, roleId, "the role is not below VoiceTrack's highest role", false);
        } catch (InsufficientPermissionException e) {
            problems.broken(guild, roleId, "VoiceTrack lacks the Manage Roles permission", false);
        }
        return false;
    }
}
