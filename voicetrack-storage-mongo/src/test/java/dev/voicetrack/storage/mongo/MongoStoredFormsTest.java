package dev.voicetrack.storage.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.MongoDatabase;
import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.LevelMultiplierConfig;
import dev.voicetrack.core.MemberStats;
import dev.voicetrack.core.VoiceTimeConfig;
import dev.voicetrack.core.XpConfig;
import dev.voicetrack.core.storage.Batch;
import dev.voicetrack.core.storage.DayRange;
import dev.voicetrack.core.storage.MemberDelta;
import dev.voicetrack.core.storage.StorageException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.bson.Document;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Documents as the code before the storage kernel stored them (its {@code ConfigDocs}, member
 * documents and journal entries, written here by hand with the same BSON types) read back unchanged,
 * and the kernel-based code writes the same forms.
 */
class MongoStoredFormsTest {
    private static final long G = 111;
    private static final long CH = 333;
    private static final JsonWriterSettings EXACT =
            JsonWriterSettings.builder().outputMode(JsonMode.EXTENDED).build();
    private static final AtomicInteger N = new AtomicInteger();
    private static InProcessMongo mongo;

    @BeforeAll
    static void startServer() {
        mongo = new InProcessMongo();
    }

    @AfterAll
    static void stopServer() {
        mongo.close();
    }

    private static String newDb() {
        return "forms" + N.incrementAndGet();
    }

    private static MongoStorage open(String db) {
        MongoStorage s = MongoStorage.create(mongo.client(), db);
        s.init();
        return s;
    }

    /** A config with every stored option away from its default. */
    private static GuildConfig everyOption() {
        var roles = new LinkedHashMap<Long, Long>();
        roles.put(9L, 30L); // not ascending: the stored list keeps the config's order
        roles.put(4L, 20L);
        return GuildConfig.builder()
                .trackBots(true)
                .trackAllChannels(false)
                .channelIds(List.of(30L, 10L, 20L))
                .trackMuted(false)
                .trackDeafened(false)
                .minUsersToTrack(2)
                .maxUsersToTrack(40)
                .exemptPermissions(List.of("MOVE_MEMBERS", "ADMINISTRATOR"))
                .xpStrategy("role-based")
                .xpConfig(new XpConfig(7L, roles, 1.5, 2L, null))
                .voiceTimeStrategy("scaled")
                .voiceTimeConfig(new VoiceTimeConfig(3000L, 2.5))
                .levelMultiplierStrategy("fast")
                .levelMultiplierConfig(new LevelMultiplierConfig(0.25))
                .enableLeveling(false)
                .enableVoiceTime(false)
                .excludedChannelIds(List.of(7L, 5L))
                .noXpRoleIds(List.of(8L))
                .noXpChannelIds(List.of(6L, 2L))
                .botsCountAsCompany(false)
                .mutedCountAsCompany(false)
                .messageXp(12)
                .messageXpCooldown(Duration.ofSeconds(90))
                .timeZone(ZoneId.of("Europe/Berlin"))
                .build();
    }

    /** {@link #everyOption()} exactly as the previous code's {@code ConfigDocs.toDoc} stored it. */
    private static Document everyOptionAsStoredBefore() {
        return new Document("trackBots", true)
                .append("trackAllChannels", false)
                .append("channelIds", List.of(10L, 20L, 30L))
                .append("trackMuted", false)
                .append("trackDeafened", false)
                .append("minUsersToTrack", 2)
                .append("maxUsersToTrack", 40)
                .append("exemptPermissions", List.of("ADMINISTRATOR", "MOVE_MEMBERS"))
                .append("xpStrategy", "role-based")
                .append(
                        "xpConfig",
                        new Document("baseAmount", 7L)
                                .append(
                                        "roles",
                                        List.of(
                                                new Document("roleId", 9L).append("xp", 30L),
                                                new Document("roleId", 4L).append("xp", 20L)))
                                .append("boosterMultiplier", 1.5)
                                .append("minXP", 2L)
                                .append("maxXP", null))
                .append("voiceTimeStrategy", "scaled")
                .append("voiceTimeConfig", new Document("baseAmount", 3000L).append("multiplier", 2.5))
                .append("levelMultiplierStrategy", "fast")
                .append("levelMultiplierConfig", new Document("baseMultiplier", 0.25))
                .append("enableLeveling", false)
                .append("enableVoiceTime", false)
                .append("excludedChannelIds", List.of(5L, 7L))
                .append("noXpRoleIds", List.of(8L))
                .append("noXpChannelIds", List.of(2L, 6L))
                .append("botsCountAsCompany", false)
                .append("mutedCountAsCompany", false)
                .append("messageXp", 12L)
                .append("messageXpCooldownMs", 90_000L)
                .append("timeZone", "Europe/Berlin");
    }

    @Test
    void aConfigDocumentStoredByThePreviousCode_readsBackUnchanged() {
        String db = newDb();
        MongoDatabase raw = mongo.client().getDatabase(db);
        MongoStorage s = open(db);
        raw.getCollection("guilds").insertOne(new Document("_id", G).append("config", everyOptionAsStoredBefore()));
        assertThat(s.guildConfig(G)).contains(everyOption());
        assertThat(open(db).guildConfig(G)).contains(everyOption());
    }

    @Test
    void aDefaultConfigDocumentStoredByThePreviousCode_readsBackAsTheDefaults() {
        String db = newDb();
        MongoStorage s = open(db);
        s.saveGuildConfig(G, GuildConfig.defaults());
        Document stored = mongo.client()
                .getDatabase(db)
                .getCollection("guilds")
                .find(new Document("_id", G))
                .first();
        assertThat(stored).isNotNull();
        Document config = stored.get("config", Document.class);
        // the previous code stored the unset optional numbers as explicit nulls
        assertThat(config.get("xpConfig", Document.class).containsKey("maxXP")).isTrue();
        assertThat(config.get("xpConfig", Document.class).get("maxXP")).isNull();
        assertThat(s.guildConfig(G)).contains(GuildConfig.defaults());
    }

    @Test
    void saveGuildConfig_writesTheDocumentThePreviousCodeWrote_fieldForFieldAndTypeForType() {
        String db = newDb();
        MongoStorage s = open(db);
        s.saveGuildConfig(G, everyOption());
        Document stored = mongo.client()
                .getDatabase(db)
                .getCollection("guilds")
                .find(new Document("_id", G))
                .first();
        assertThat(stored).isNotNull();
        assertThat(stored.get("config", Document.class).toJson(EXACT))
                .isEqualTo(everyOptionAsStoredBefore().toJson(EXACT));
    }

    @Test
    void aStoredOptionOfTheWrongType_isReportedWithItsNameAndValue() {
        String db = newDb();
        MongoStorage s = open(db);
        Document config = everyOptionAsStoredBefore().append("timeZone", "Mars/Olympus");
        mongo.client()
                .getDatabase(db)
                .getCollection("guilds")
                .insertOne(new Document("_id", G).append("config", config));
        assertThatThrownBy(() -> s.guildConfig(G))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("guild " + G)
                .hasMessageContaining("timeZone")
                .hasMessageContaining("Mars/Olympus");
        config.append("timeZone", "UTC").append("trackBots", "yes");
        mongo.client()
                .getDatabase(db)
                .getCollection("guilds")
                .replaceOne(new Document("_id", G), new Document("_id", G).append("config", config));
        assertThatThrownBy(() -> s.guildConfig(G))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("trackBots")
                .hasMessageContaining("yes");
    }

    @Test
    void aMemberStoredByThePreviousCode_continuesItsStreakAndKeepsTheLaterLastSeen() {
        String db = newDb();
        MongoStorage s = open(db);
        LocalDate day = LocalDate.of(2024, 3, 10);
        Instant seen = Instant.parse("2024-03-10T20:00:00.250Z");
        Document channels = new Document(Long.toString(CH), new Document("v", 500L).append("s", 2L));
        mongo.client()
                .getDatabase(db)
                .getCollection("members")
                .insertOne(new Document("_id", G + ":" + 1)
                        .append("g", G)
                        .append("u", 1L)
                        .append("voiceMs", 500L)
                        .append("xp", 40L)
                        .append("level", 3)
                        .append("sessions", 2L)
                        .append("messages", 1L)
                        .append("lastSeen", Date.from(seen))
                        .append("streak", 4)
                        .append("lastActiveDay", day.toString())
                        .append("channels", channels)
                        .append("metadata", new Document("a%2Eb", "1"))
                        .append("applied", List.of("an-old-batch")));
        MemberStats before = s.member(G, 1).orElseThrow();
        assertThat(before.streak()).isEqualTo(4);
        assertThat(before.metadata()).isEqualTo(Map.of("a.b", "1"));

        // the next day, seen earlier than the stored instant (a late delta): streak 5, last seen kept
        var totals = s.apply(new Batch(
                List.of(new MemberDelta(G, 1, CH, day.plusDays(1), 100, 5, 0, 1, seen.minusSeconds(60))), List.of()));
        assertThat(totals).singleElement().satisfies(t -> {
            assertThat(t.xp()).isEqualTo(45);
            assertThat(t.level()).isEqualTo(3);
            assertThat(t.voiceTimeMs()).isEqualTo(600);
        });
        MemberStats after = s.member(G, 1).orElseThrow();
        assertThat(after.streak()).isEqualTo(5);
        assertThat(after.lastActiveDay()).isEqualTo(day.plusDays(1));
        assertThat(after.lastSeen()).isEqualTo(seen);
        assertThat(after.channel(CH).orElseThrow().voiceTimeMs()).isEqualTo(600);
        assertThat(after.channel(CH).orElseThrow().sessions()).isEqualTo(3);

        // an older day changes nothing of the streak; a gap restarts it at 1
        s.apply(new Batch(List.of(new MemberDelta(G, 1, CH, day.minusDays(3), 1, 1, 0, 0, seen)), List.of()));
        assertThat(s.member(G, 1).orElseThrow().streak()).isEqualTo(5);
        s.apply(new Batch(List.of(new MemberDelta(G, 1, CH, day.plusDays(5), 1, 1, 0, 0, seen)), List.of()));
        assertThat(s.member(G, 1).orElseThrow().streak()).isEqualTo(1);
    }

    @Test
    void aJournalEntryCommittedByThePreviousCode_isCompletedByInit() {
        String db = newDb();
        open(db).close();
        LocalDate day = LocalDate.of(2024, 3, 10);
        Date now = new Date(0);
        var ops = new ArrayList<Document>();
        ops.add(new Document("c", "members")
                .append("id", G + ":" + 2)
                .append(
                        "u",
                        new Document(
                                        "$inc",
                                        new Document("voiceMs", 70L)
                                                .append("xp", 7L)
                                                .append("messages", 0L)
                                                .append("sessions", 1L)
                                                .append("channels." + CH + ".v", 70L)
                                                .append("channels." + CH + ".s", 1L))
                                .append(
                                        "$max",
                                        new Document("lastSeen", Date.from(Instant.parse("2024-03-10T12:00:00Z"))))
                                .append(
                                        "$set",
                                        new Document("g", G)
                                                .append("u", 2L)
                                                .append("streak", 1)
                                                .append("lastActiveDay", day.toString()))
                                .append("$setOnInsert", new Document("level", 0).append("metadata", new Document()))));
        ops.add(new Document("c", "activity")
                .append("id", G + ":2:" + day + ":" + CH)
                .append(
                        "u",
                        new Document(
                                        "$inc",
                                        new Document("v", 70L).append("x", 7L).append("m", 0L))
                                .append(
                                        "$set",
                                        new Document("g", G)
                                                .append("u", 2L)
                                                .append("d", day.toString())
                                                .append("c", CH))));
        var journal = mongo.client().getDatabase(db).getCollection("journal");
        journal.insertOne(new Document("_id", "b1#0")
                .append("kind", "chunk")
                .append("batch", "b1")
                .append("seq", 0)
                .append("created", now)
                .append("ops", ops));
        journal.insertOne(new Document("_id", "b1")
                .append("kind", "header")
                .append("created", now)
                .append("chunks", 1));

        MongoStorage s = open(db);
        MemberStats m = s.member(G, 2).orElseThrow();
        assertThat(m.xp()).isEqualTo(7);
        assertThat(m.voiceTimeMs()).isEqualTo(70);
        assertThat(m.streak()).isEqualTo(1);
        assertThat(m.lastActiveDay()).isEqualTo(day);
        assertThat(s.activity(G, 2, new DayRange(day, day))).singleElement().satisfies(a -> assertThat(a.xp())
                .isEqualTo(7));
        assertThat(journal.countDocuments()).isZero();
        assertThat(open(db).member(G, 2).orElseThrow().xp()).isEqualTo(7); // applied once
    }
}
