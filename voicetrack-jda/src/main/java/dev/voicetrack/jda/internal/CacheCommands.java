package dev.voicetrack.jda.internal;

import static dev.voicetrack.jda.internal.Replies.bytes;
import static dev.voicetrack.jda.internal.Replies.done;
import static dev.voicetrack.jda.internal.Replies.duration;
import static dev.voicetrack.jda.internal.Replies.number;
import static dev.voicetrack.jda.internal.Replies.string;
import static dev.voicetrack.jda.internal.Replies.stringOrNull;

import dev.voicetrack.cache.Cache;
import dev.voicetrack.cache.CacheConfig;
import dev.voicetrack.cache.CacheStats;
import dev.voicetrack.cache.CacheWarmer;
import dev.voicetrack.cache.HotKey;
import dev.voicetrack.cache.WarmReport;
import java.util.List;
import java.util.Locale;
import net.dv8tion.jda.api.EmbedBuilder;
import org.jspecify.annotations.Nullable;

/**
 * {@code /cachestats}, {@code /cache-info}, {@code /cache-clear} and {@code /cache-warm}: the admin's view of the
 * cache and its warmer. Without a cache (or a warmer) the command answers that it is not enabled.
 */
final class CacheCommands implements CommandGroup {
    private static final int TOP_KEYS = 5;

    private final @Nullable Cache<?> cache;
    private final @Nullable CacheWarmer<?> warmer;

    CacheCommands(@Nullable Cache<?> cache, @Nullable CacheWarmer<?> warmer) {
        this.cache = cache;
        this.warmer = warmer;
    }

    @Override
    public List<SlashCommand> commands() {
        return List.of(
                SlashCommand.of(CommandDefinitions.CACHE_STATS, e -> done(cacheStats())),
                SlashCommand.of(CommandDefinitions.CACHE_INFO, e -> done(cacheInfo())),
                SlashCommand.of(
                        CommandDefinitions.CACHE_CLEAR,
                        e -> done(cacheClear(stringOrNull(e, "pattern"), stringOrNull(e, "tag")))),
                SlashCommand.slow(
                        CommandDefinitions.CACHE_WARM, e -> done(cacheWarm(string(e, "scope", CacheWarmer.ALL)))));
    }

    Reply cacheStats() {
        Cache<?> c = cache;
        if (c == null) {
            return Reply.error("Cache is not enabled.");
        }
        CacheStats s = c.stats();
        StringBuilder top = new StringBuilder();
        int i = 1;
        for (HotKey k : c.topKeys(TOP_KEYS)) {
            top.append(i++)
                    .append(". `")
                    .append(k.key())
                    .append("` (")
                    .append(number(k.hits()))
                    .append(" hits)\n");
        }
        EmbedBuilder embed = new EmbedBuilder()
                .setColor(Replies.GREEN)
                .setTitle("Cache statistics — " + s.name())
                .addField("Hit rate", String.format(Locale.ROOT, "%.2f%%", s.hitRatePercent()), true)
                .addField("Hits", number(s.hits()), true)
                .addField("Misses", number(s.misses()), true)
                .addField("Entries", number(s.size()), true)
                .addField("Sets", number(s.sets()), true)
                .addField("Deletes", number(s.deletes()), true)
                .addField("Expired", number(s.expirations()), true)
                .addField("Evicted (size)", number(s.sizeEvictions()), true)
                .addField("Memory", s.estimatedBytes() < 0 ? "not tracked" : bytes(s.estimatedBytes()), true)
                .addField(
                        "Top entries",
                        top.length() == 0 ? "none yet" : top.toString().strip(),
                        false);
        return Reply.embed(embed.build(), true);
    }

    Reply cacheInfo() {
        Cache<?> c = cache;
        if (c == null) {
            return Reply.error("Cache is not enabled.");
        }
        CacheConfig cfg = c.config();
        StringBuilder tiers = new StringBuilder();
        cfg.tiers()
                .forEach((tier, ttl) ->
                        tiers.append(tier).append(": ").append(duration(ttl)).append('\n'));
        EmbedBuilder embed = new EmbedBuilder()
                .setColor(Replies.GREEN)
                .setTitle("Cache — " + cfg.name())
                .addField("Default TTL", duration(cfg.defaultTtl()), true)
                .addField(
                        "Max entries",
                        cfg.maximumEntries().isPresent()
                                ? number(cfg.maximumEntries().getAsLong())
                                : "unbounded",
                        true)
                .addField(
                        "Max memory",
                        cfg.maximumBytes().isPresent()
                                ? bytes(cfg.maximumBytes().getAsLong())
                                : "unbounded",
                        true)
                .addField("Negative TTL", duration(cfg.negativeTtl()), true)
                .addField(
                        "Tier TTLs",
                        tiers.length() == 0 ? "none" : tiers.toString().strip(),
                        false)
                .addField(
                        "Warming scopes",
                        warmer == null ? "warming not configured" : String.join(", ", warmer.scopes()),
                        false);
        return Reply.embed(embed.build(), true);
    }

    Reply cacheClear(@Nullable String pattern, @Nullable String tag) {
        Cache<?> c = cache;
        if (c == null) {
            return Reply.error("Cache is not enabled.");
        }
        if (pattern == null && tag == null) {
            throw new IllegalArgumentException("Give a pattern (all = everything) or a tag.");
        }
        if (pattern != null && tag != null) {
            throw new IllegalArgumentException("Give a pattern or a tag, not both.");
        }
        if (tag != null) {
            long n = c.invalidateByTag(tag.trim());
            return Reply.text("🧹 Cleared " + number(n) + " entries tagged `" + tag.trim() + "`.", true);
        }
        String p = pattern.trim();
        if (p.equalsIgnoreCase("all") || p.equals("*")) {
            long before = c.stats().size();
            c.clear();
            return Reply.text("🧹 Cleared the whole cache (" + number(before) + " entries).", true);
        }
        long n = c.invalidateByPattern(p);
        return Reply.text("🧹 Cleared " + number(n) + " entries matching `" + p + "`.", true);
    }

    Reply cacheWarm(String scope) {
        CacheWarmer<?> w = warmer;
        if (w == null) {
            return Reply.error("Cache warming is not configured.");
        }
        WarmReport report = w.warm(scope.trim());
        StringBuilder text = new StringBuilder(
                "🔥 Warmed " + number(report.totalLoaded()) + " entries in " + duration(report.duration()) + ".\n");
        for (WarmReport.TaskResult t : report.tasks()) {
            text.append("• ").append(t.scope()).append(": ");
            if (t.failed()) {
                text.append("failed (").append(t.failure().orElse("")).append(")");
            } else {
                text.append(number(t.loaded())).append(" entries");
            }
            text.append('\n');
        }
        return Reply.text(text.toString().strip(), true);
    }
}
