package dev.voicetrack.storage.mongo.internal;

import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.MemberStats;
import dev.voicetrack.core.VoiceSession;
import dev.voicetrack.core.storage.ActivityRow;
import dev.voicetrack.core.storage.kernel.GuildConfigCodec;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.function.Function;
import org.bson.Document;
import org.jspecify.annotations.Nullable;

/**
 * The stored document forms of members, activity rows, sessions and guilds, and their mapping to and
 * from the domain types. This class is the one place that knows field names; the options of a
 * guild's {@code config} sub-document and their keys are {@link GuildConfigCodec}'s, mapped to BSON
 * values here ({@link #configDoc}).
 *
 * <h2>Forms</h2>
 *
 * <ul>
 *   <li><b>member</b> {@code _id} "guild:user", {@code g}, {@code u}, {@code voiceMs}, {@code xp},
 *       {@code level}, {@code sessions}, {@code messages}, {@code lastSeen} (date), {@code streak},
 *       {@code lastActiveDay} (ISO day), {@code channels} ({@code {"<id>": {v, s}}}), {@code metadata}
 *       (keys escaped, see {@link #escapeKey}) and {@code applied} (the journal's guard).
 *   <li><b>activity</b> {@code _id} "guild:user:day:channel", {@code g}, {@code u}, {@code d} (ISO
 *       day), {@code c}, and the day's sums {@code v} (voice ms), {@code x} (xp), {@code m}
 *       (messages), plus {@code applied}.
 *   <li><b>session</b> {@code _id} the session id, {@code g}, {@code u}, {@code c}, {@code start},
 *       {@code end} (null while open), {@code lastAccrual}, {@code durationMs}, {@code xpEarned},
 *       {@code mutedMs}, {@code deafenedMs} and {@code open}.
 *   <li><b>guild</b> {@code _id} the guild id, {@code config}.
 * </ul>
 *
 * Counters are read through {@link #num} so that an int where a long is expected (or a missing
 * field) reads as a number; instants are BSON dates, so milliseconds are kept and finer is not.
 */
public final class Documents {
    private static final Date EPOCH = new Date(0);

    private Documents() {}

    // ---------------------------------------------------------------- ids

    /** The {@code _id} of a member document. */
    public static String memberId(long guildId, long userId) {
        return guildId + ":" + userId;
    }

    /** The {@code _id} of an activity document. */
    public static String activityId(long guildId, long userId, LocalDate day, long channelId) {
        return guildId + ":" + userId + ":" + day + ":" + channelId;
    }

    // ---------------------------------------------------------------- members

    /** Every field of a member that has nothing yet (no {@code _id}): what an upsert inserts. */
    public static Document newMemberFields(long guildId, long userId) {
        return new Document("g", guildId)
                .append("u", userId)
                .append("voiceMs", 0L)
                .append("xp", 0L)
                .append("level", 0)
                .append("sessions", 0L)
                .append("messages", 0L)
                .append("lastSeen", EPOCH)
                .append("streak", 0)
                .append("lastActiveDay", LocalDate.EPOCH.toString())
                .append("metadata", new Document());
    }

    /** The whole document of a member, as an import writes it. */
    public static Document memberDoc(long guildId, MemberStats s) {
        Document channels = new Document();
        s.channels()
                .forEach((c, v) -> channels.append(
                        Long.toString(c), new Document("v", v.voiceTimeMs()).append("s", v.sessions())));
        Document metadata = new Document();
        s.metadata().forEach((k, v) -> metadata.append(escapeKey(k), v));
        return new Document("_id", memberId(guildId, s.userId()))
                .append("g", guildId)
                .append("u", s.userId())
                .append("voiceMs", s.voiceTimeMs())
                .append("xp", s.xp())
                .append("level", s.level())
                .append("sessions", s.sessions())
                .append("messages", s.messages())
                .append("lastSeen", Date.from(s.lastSeen()))
                .append("streak", s.streak())
                .append("lastActiveDay", s.lastActiveDay().toString())
                .append("channels", channels)
                .append("metadata", metadata);
    }

    /** A member document as {@link MemberStats}; missing counters read as zero. */
    public static MemberStats toStats(Document d) {
        var channels = new HashMap<Long, MemberStats.ChannelStats>();
        Document ch = d.get("channels", Document.class);
        if (ch != null) {
            ch.forEach((k, v) -> {
                Document c = (Document) v;
                long id = Long.parseLong(k);
                channels.put(id, new MemberStats.ChannelStats(id, num(c, "v"), num(c, "s")));
            });
        }
        var metadata = new HashMap<String, String>();
        Document md = d.get("metadata", Document.class);
        if (md != null) {
            md.forEach((k, v) -> metadata.put(unescapeKey(k), (String) v));
        }
        return new MemberStats(
                d.getLong("g"),
                d.getLong("u"),
                num(d, "voiceMs"),
                num(d, "xp"),
                (int) num(d, "level"),
                num(d, "sessions"),
                num(d, "messages"),
                lastSeen(d),
                (int) num(d, "streak"),
                lastActiveDay(d),
                channels,
                metadata);
    }

    /** A member document's {@code lastSeen}, {@link Instant#EPOCH} if absent. */
    public static Instant lastSeen(Document member) {
        Date seen = member.getDate("lastSeen");
        return seen == null ? Instant.EPOCH : seen.toInstant();
    }

    /** A member document's {@code lastActiveDay}, {@link LocalDate#EPOCH} if absent. */
    public static LocalDate lastActiveDay(Document member) {
        String day = member.getString("lastActiveDay");
        return day == null ? LocalDate.EPOCH : LocalDate.parse(day);
    }

    /**
     * A metadata key as a field name: keys may hold '.' and '$', which field names must not, so '%',
     * '.' and '$' are percent-escaped.
     */
    public static String escapeKey(String key) {
        return key.replace("%", "%25").replace(".", "%2E").replace("$", "%24");
    }

    /** The inverse of {@link #escapeKey}. */
    public static String unescapeKey(String field) {
        return field.replace("%24", "$").replace("%2E", ".").replace("%25", "%");
    }

    // ---------------------------------------------------------------- activity

    /** The whole activity document of one row of a member, as an import writes it. */
    public static Document activityDoc(long guildId, long userId, ActivityRow a) {
        return new Document("_id", activityId(guildId, userId, a.day(), a.channelId()))
                .append("g", guildId)
                .append("u", userId)
                .append("d", a.day().toString())
                .append("c", a.channelId())
                .append("v", a.voiceMs())
                .append("x", a.xp())
                .append("m", a.messages());
    }

    /** An activity document (or a summed row with the same fields) as an {@link ActivityRow}. */
    public static ActivityRow toActivity(Document a) {
        return new ActivityRow(
                LocalDate.parse(a.getString("d")), a.getLong("c"), num(a, "v"), num(a, "x"), num(a, "m"));
    }

    // ---------------------------------------------------------------- sessions

    /** The whole document of a session; {@code open} is derived from the missing end. */
    public static Document sessionDoc(VoiceSession s) {
        return new Document("_id", s.id())
                .append("g", s.guildId())
                .append("u", s.userId())
                .append("c", s.channelId())
                .append("start", Date.from(s.start()))
                .append("end", s.end() == null ? null : Date.from(s.end()))
                .append("lastAccrual", Date.from(s.lastAccrual()))
                .append("durationMs", s.durationMs())
                .append("xpEarned", s.xpEarned())
                .append("mutedMs", s.mutedMs())
                .append("deafenedMs", s.deafenedMs())
                .append("open", s.end() == null);
    }

    public static VoiceSession toSession(Document d) {
        Date end = d.getDate("end");
        return new VoiceSession(
                d.getString("_id"),
                d.getLong("g"),
                d.getLong("u"),
                d.getLong("c"),
                d.getDate("start").toInstant(),
                end == null ? null : end.toInstant(),
                d.getDate("lastAccrual").toInstant(),
                num(d, "durationMs"),
                num(d, "xpEarned"),
                num(d, "mutedMs"),
                num(d, "deafenedMs"));
    }

    // ---------------------------------------------------------------- guilds

    /** The guild document holding {@code config}, in the form of {@link #configDoc}. */
    public static Document guildDoc(long guildId, GuildConfig config) {
        return new Document("_id", guildId).append("config", configDoc(config));
    }

    /**
     * A config as a document: the options and keys of {@link GuildConfigCodec#write}, in its order; a
     * dotted key ({@code xpConfig.baseAmount}) is a field of a sub-document, the role XP map a list of
     * {@code {roleId, xp}}, id and string sets ascending lists, an optional number null when not set,
     * a duration its milliseconds under the key plus {@code Ms}, a zone its id.
     */
    public static Document configDoc(GuildConfig config) {
        var writer = new ConfigWriter();
        GuildConfigCodec.write(config, writer);
        return writer.root;
    }

    /**
     * The config of a guild document; empty if there is no document or it holds no config.
     *
     * @throws IllegalArgumentException naming the option and the value if a stored option is invalid
     */
    public static Optional<GuildConfig> configOf(@Nullable Document guild) {
        Document config = guild == null ? null : guild.get("config", Document.class);
        return config == null ? Optional.empty() : Optional.of(GuildConfigCodec.read(new ConfigReader(config)));
    }

    /** Puts each option of {@link GuildConfigCodec#write} into a document (sub-documents for dotted keys). */
    private static final class ConfigWriter implements GuildConfigCodec.Writer {
        final Document root = new Document();

        private void put(String key, @Nullable Object value) {
            int dot = key.indexOf('.');
            if (dot < 0) {
                root.append(key, value);
            } else {
                Document sub = (Document) root.computeIfAbsent(key.substring(0, dot), k -> new Document());
                sub.append(key.substring(dot + 1), value);
            }
        }

        @Override
        public void bool(String key, boolean value) {
            put(key, value);
        }

        @Override
        public void integer(String key, int value) {
            put(key, value);
        }

        @Override
        public void number(String key, @Nullable Long value) {
            put(key, value);
        }

        @Override
        public void decimal(String key, @Nullable Double value) {
            put(key, value);
        }

        @Override
        public void string(String key, String value) {
            put(key, value);
        }

        @Override
        public void ids(String key, SortedSet<Long> value) {
            put(key, new ArrayList<>(value));
        }

        @Override
        public void strings(String key, SortedSet<String> value) {
            put(key, new ArrayList<>(value));
        }

        @Override
        public void roleXp(String key, Map<Long, Long> value) {
            var roles = new ArrayList<Document>(value.size());
            value.forEach((role, xp) -> roles.add(new Document("roleId", role).append("xp", xp)));
            put(key, roles);
        }

        @Override
        public void duration(String key, Duration value) {
            put(key + "Ms", value.toMillis());
        }

        @Override
        public void zone(String key, ZoneId value) {
            put(key, value.getId());
        }
    }

    /**
     * Reads the options of a config document back for {@link GuildConfigCodec#read}; an absent field
     * (or sub-document) is null, so the option keeps its default; any BSON number type is accepted
     * where a number is expected.
     */
    private static final class ConfigReader implements GuildConfigCodec.Reader {
        private final Document root;

        ConfigReader(Document root) {
            this.root = root;
        }

        private @Nullable Object get(String key) {
            int dot = key.indexOf('.');
            if (dot < 0) {
                return root.get(key);
            }
            Object sub = root.get(key.substring(0, dot));
            return sub instanceof Document d ? d.get(key.substring(dot + 1)) : null;
        }

        private <T> @Nullable T typed(String key, Class<T> type) {
            Object v = get(key);
            if (v == null || type.isInstance(v)) {
                return type.cast(v);
            }
            throw GuildConfigCodec.invalid(key, v, null);
        }

        private static long asLong(String key, Object v) {
            if (v instanceof Number n) {
                return n.longValue();
            }
            throw GuildConfigCodec.invalid(key, v, null);
        }

        @Override
        public boolean complete() {
            return true;
        }

        @Override
        public @Nullable Boolean bool(String key) {
            return typed(key, Boolean.class);
        }

        @Override
        public @Nullable Integer integer(String key) {
            Number n = typed(key, Number.class);
            if (n != null && n.longValue() != n.intValue()) {
                throw GuildConfigCodec.invalid(key, n, null);
            }
            return n == null ? null : n.intValue();
        }

        @Override
        public @Nullable Long number(String key) {
            Number n = typed(key, Number.class);
            return n == null ? null : n.longValue();
        }

        @Override
        public @Nullable Double decimal(String key) {
            Number n = typed(key, Number.class);
            return n == null ? null : n.doubleValue();
        }

        @Override
        public @Nullable String string(String key) {
            return typed(key, String.class);
        }

        /** The elements of a stored list, each converted by {@code element} (null if it does not fit). */
        private <T> @Nullable List<T> list(String key, Function<Object, @Nullable T> element) {
            List<?> list = typed(key, List.class);
            if (list == null) {
                return null;
            }
            var out = new ArrayList<T>(list.size());
            for (Object v : list) {
                T converted = v == null ? null : element.apply(v);
                if (converted == null) {
                    throw GuildConfigCodec.invalid(key, list, null);
                }
                out.add(converted);
            }
            return out;
        }

        @Override
        public @Nullable List<Long> ids(String key) {
            return list(key, v -> v instanceof Number n ? n.longValue() : null);
        }

        @Override
        public @Nullable List<String> strings(String key) {
            return list(key, v -> v instanceof String s ? s : null);
        }

        @Override
        public @Nullable Map<Long, Long> roleXp(String key) {
            List<Document> roles = list(
                    key,
                    v -> v instanceof Document r && r.get("roleId") instanceof Number && r.get("xp") instanceof Number
                            ? r
                            : null);
            if (roles == null) {
                return null;
            }
            var out = new LinkedHashMap<Long, Long>();
            roles.forEach(r -> out.put(num(r, "roleId"), num(r, "xp")));
            return out;
        }

        @Override
        public @Nullable Duration duration(String key) {
            Object v = get(key + "Ms");
            return v == null ? null : Duration.ofMillis(asLong(key + "Ms", v));
        }

        @Override
        public @Nullable ZoneId zone(String key) {
            String id = typed(key, String.class);
            if (id == null) {
                return null;
            }
            try {
                return ZoneId.of(id);
            } catch (RuntimeException e) {
                throw GuildConfigCodec.invalid(key, id, e);
            }
        }
    }

    // ---------------------------------------------------------------- numbers

    /** A numeric field as a long, whatever its BSON number type; 0 if absent. */
    public static long num(Document d, String field) {
        Object v = d.get(field);
        return v == null ? 0 : ((Number) v).longValue();
    }
}
