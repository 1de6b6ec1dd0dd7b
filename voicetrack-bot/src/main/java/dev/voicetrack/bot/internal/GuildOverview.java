package dev.voicetrack.bot.internal;

import dev.voicetrack.core.storage.HourlyActivity;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;
import org.jspecify.annotations.Nullable;

/**
 * What the guild overview shows, computed from a guild's hourly activity: the heatmap by day of week
 * and hour of day (local time of the guild's zone, as the rows are), the busiest channels and the trend
 * per day. Pure: no I/O.
 */
final class GuildOverview {
    /** Channels listed by name; the rest are summed into one row. */
    static final int BUSIEST = 8;

    private GuildOverview() {}

    /**
     * The overview's JSON fields: {@code heatmap} ({@code voiceMs} and {@code messages}, each 7 rows,
     * Monday first, of 24 hours), {@code busiestChannels} and {@code trend}.
     *
     * @param visibleName a channel's public name, or null when the public may not see it (or for 0)
     */
    static Map<String, Object> of(HourlyActivity a, LongFunction<@Nullable String> visibleName) {
        long[][] voice = new long[7][24];
        long[][] messages = new long[7][24];
        Map<LocalDate, long[]> byDay = new HashMap<>();
        for (HourlyActivity.Total t : a.totals()) {
            int dow = t.hour().getDayOfWeek().getValue() - 1;
            int hour = t.hour().getHour();
            voice[dow][hour] += t.voiceMs();
            messages[dow][hour] += t.messages();
            long[] d = byDay.computeIfAbsent(t.hour().toLocalDate(), k -> new long[2]);
            d[0] += t.voiceMs();
            d[1] += t.messages();
        }
        Map<Long, long[]> byChannel = new HashMap<>();
        for (HourlyActivity.Channel c : a.channels()) {
            long[] v = byChannel.computeIfAbsent(c.channelId(), k -> new long[2]);
            v[0] += c.voiceMs();
            v[1] += c.messages();
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("heatmap", Map.of("voiceMs", voice, "messages", messages));
        out.put("busiestChannels", busiest(byChannel, visibleName));
        List<Map<String, Object>> trend = new ArrayList<>();
        for (LocalDate d = a.range().from(); !d.isAfter(a.range().to()); d = d.plusDays(1)) {
            long[] v = byDay.getOrDefault(d, new long[2]);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("day", d.toString());
            row.put("voiceTimeMs", v[0]);
            row.put("messages", v[1]);
            trend.add(row);
        }
        out.put("trend", trend);
        return out;
    }

    /** Visible channels by voice time then messages, at most {@link #BUSIEST}; the others in one unnamed row. */
    private static List<Map<String, Object>> busiest(
            Map<Long, long[]> byChannel, LongFunction<@Nullable String> visibleName) {
        record Row(long id, String name, long voiceMs, long messages) {}
        List<Row> visible = new ArrayList<>();
        long[] other = new long[2];
        byChannel.forEach((id, v) -> {
            String name = id == 0 ? null : visibleName.apply(id);
            if (name == null) {
                other[0] += v[0];
                other[1] += v[1];
            } else {
                visible.add(new Row(id, name, v[0], v[1]));
            }
        });
        visible.sort((x, y) -> x.voiceMs() != y.voiceMs()
                ? Long.compare(y.voiceMs(), x.voiceMs())
                : x.messages() != y.messages()
                        ? Long.compare(y.messages(), x.messages())
                        : Long.compare(x.id(), y.id()));
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < visible.size(); i++) {
            Row r = visible.get(i);
            if (i >= BUSIEST) {
                other[0] += r.voiceMs();
                other[1] += r.messages();
                continue;
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("channelId", Long.toString(r.id()));
            row.put("name", r.name());
            row.put("voiceTimeMs", r.voiceMs());
            row.put("messages", r.messages());
            out.add(row);
        }
        if (other[0] > 0 || other[1] > 0) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("channelId", null);
            row.put("name", null);
            row.put("voiceTimeMs", other[0]);
            row.put("messages", other[1]);
            out.add(row);
        }
        return out;
    }
}
