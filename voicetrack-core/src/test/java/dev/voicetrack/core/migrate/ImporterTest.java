package dev.voicetrack.core.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voicetrack.core.ForwardingStorage;
import dev.voicetrack.core.GuildConfig;
import dev.voicetrack.core.Strategies;
import dev.voicetrack.core.VoiceTimeConfig;
import dev.voicetrack.core.XpConfig;
import dev.voicetrack.core.storage.GuildSnapshot;
import dev.voicetrack.core.storage.InMemoryStorage;
import dev.voicetrack.core.storage.Storage;
import dev.voicetrack.core.storage.StorageException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** {@link Importer} and the discord-vc-tracker mapping, on the in-memory storage. */
class ImporterTest {
    private static final Instant SEEN = Instant.parse("2024-03-01T00:00:00.000Z");

    /** A reader over guilds given in code. */
    private static DvtReader reader(List<DvtGuildData> guilds) {
        return new DvtReader() {
            @Override
            public String describe() {
                return "test";
            }

            @Override
            public void read(Consumer<DvtGuildData> sink) {
                guilds.forEach(sink);
            }
        };
    }

    private static DvtGuildData guild(String id, Map<String, Object> config, int members) {
        List<DvtUser> users = new ArrayList<>();
        for (int u = 1; u <= members; u++) {
            users.add(new DvtUser(Long.toString(900 + u), u * 1000L, u * 10L, 0, List.of(), SEEN, 0, 1, null));
        }
        return new DvtGuildData(id, new DvtGuild(id, config, SEEN, Map.of()), users, List.of());
    }

    /** Fails the import of one guild, as a database that breaks mid-run would. */
    private static final class FailingOn extends ForwardingStorage {
        private final Storage delegate;
        private final long guild;

        FailingOn(Storage delegate, long guild) {
            super(delegate);
            this.delegate = delegate;
            this.guild = guild;
        }

        @Override
        public void importGuild(GuildSnapshot snapshot) {
            if (snapshot.guildId() == guild) {
                throw new StorageException("disk full");
            }
            delegate.importGuild(snapshot);
        }
    }

    @Test
    void failureMidway_leavesThatGuildAsItWas_andNamesWhereToResume() {
        List<DvtGuildData> source = List.of(guild("1", Map.of(), 2), guild("2", Map.of(), 3), guild("3", Map.of(), 4));
        try (InMemoryStorage target = new InMemoryStorage()) {
            target.init();
            target.setXp(2, 77, 5, 0); // the target's own data of guild 2
            Importer importer = Importer.from(DvtImport.source(reader(source))).to(new FailingOn(target, 2));
            assertThatThrownBy(importer::run)
                    .isInstanceOfSatisfying(ImportException.class, e -> assertThat(e.resumeFrom())
                            .hasValue("2"))
                    .hasMessageContaining("guild 2 failed")
                    .hasMessageContaining("resume from guild 2")
                    .hasMessageContaining("disk full");
            assertThat(target.memberCount(1)).isEqualTo(2);
            assertThat(target.memberCount(2)).isEqualTo(1);
            assertThat(target.member(2, 77).orElseThrow().xp()).isEqualTo(5);
            assertThat(target.memberCount(3)).isZero();

            ImportReport resumed = Importer.from(DvtImport.source(reader(source)))
                    .to(target)
                    .resumeFrom("2")
                    .run();
            assertThat(resumed.guildsBeforeResume()).isEqualTo(1);
            assertThat(resumed.guilds()).isEqualTo(2);
            assertThat(target.memberCount(2)).isEqualTo(3);
            assertThat(target.member(2, 77)).isEmpty();
            assertThat(target.memberCount(3)).isEqualTo(4);
        }
    }

    /** A reader that counts its reads; from the given read on, guild 2 has one member more. */
    private static final class CountingReader implements DvtReader {
        int reads;
        final int changeOnRead;

        CountingReader(int changeOnRead) {
            this.changeOnRead = changeOnRead;
        }

        @Override
        public String describe() {
            return "counting";
        }

        @Override
        public void read(Consumer<DvtGuildData> sink) {
            reads++;
            sink.accept(guild("1", Map.of(), 2));
            sink.accept(guild("2", Map.of(), reads >= changeOnRead ? 4 : 3));
            sink.accept(guild("3", Map.of(), 4));
        }
    }

    @Test
    void checkedGuildsStillInMemory_areWrittenWithoutReadingTheSourceAgain() {
        CountingReader reader = new CountingReader(2); // a second read would see guild 2 changed
        try (InMemoryStorage target = new InMemoryStorage()) {
            target.init();
            ImportReport report =
                    Importer.from(DvtImport.source(reader)).to(target).run();
            assertThat(reader.reads).isEqualTo(1);
            assertThat(report.members()).isEqualTo(9);
            assertThat(target.memberCount(1)).isEqualTo(2);
            assertThat(target.memberCount(2)).isEqualTo(3);
            assertThat(target.memberCount(3)).isEqualTo(4);
        }
    }

    @Test
    void guildsTheCollectorTookBack_areReadAgainFromTheFirstMissing() {
        CountingReader reader = new CountingReader(99);
        try (InMemoryStorage target = new InMemoryStorage()) {
            target.init();
            var written = new ArrayList<Long>();
            Importer.from(DvtImport.source(reader))
                    .to(target)
                    .keepChecked(1) // guilds 2 and 3 as if the collector had taken them back
                    .onProgress(p -> written.add(p.guildId()))
                    .run();
            assertThat(reader.reads).isEqualTo(2);
            assertThat(written).containsExactly(1L, 2L, 3L);
            assertThat(target.memberCount(1)).isEqualTo(2);
            assertThat(target.memberCount(2)).isEqualTo(3);
            assertThat(target.memberCount(3)).isEqualTo(4);
        }
    }

    @Test
    void aSourceThatChangesBeforeItIsReadAgain_isCaught_withWhereToResume() {
        CountingReader reader = new CountingReader(2);
        try (InMemoryStorage target = new InMemoryStorage()) {
            target.init();
            Importer importer =
                    Importer.from(DvtImport.source(reader)).to(target).keepChecked(1);
            assertThatThrownBy(importer::run)
                    .isInstanceOfSatisfying(ImportException.class, e -> assertThat(e.resumeFrom())
                            .hasValue("2"))
                    .hasMessageContaining("changed while it was imported (guild 2)");
            assertThat(target.memberCount(1)).isEqualTo(2);
            assertThat(target.memberCount(2)).isZero();
        }
    }

    @Test
    void resumeFromAGuildTheSourceLacks_isRefused_andNothingIsWritten() {
        try (InMemoryStorage target = new InMemoryStorage()) {
            target.init();
            Importer importer = Importer.from(DvtImport.source(reader(List.of(guild("1", Map.of(), 1)))))
                    .to(target)
                    .resumeFrom("9");
            assertThatThrownBy(importer::run)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'9'");
            assertThat(target.guildIds()).isEmpty();
        }
    }

    @Test
    void config_keepsTheOriginalsEffectiveBehaviour_andReportsEachChange() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("xpStrategy", "my-custom");
        config.put("xpConfig", Map.of("baseAmount", 0, "boosterMultiplier", 0, "minXP", 3, "maxXP", 9));
        config.put("voiceTimeConfig", Map.of("baseAmount", 0, "multiplier", 1.5));
        config.put("levelMultiplierStrategy", "slow");
        config.put("levelMultiplierConfig", Map.of("baseMultiplier", 0.2));
        config.put("trackBots", "yes");
        List<ImportNote> notes = new ArrayList<>();
        try (InMemoryStorage target = new InMemoryStorage()) {
            target.init();
            Importer.from(DvtImport.source(reader(List.of(guild("5", config, 1)))))
                    .to(target)
                    .onNote(notes::add)
                    .run();
            GuildConfig c = target.guildConfig(5).orElseThrow();
            assertThat(c.xpStrategy()).isEqualTo(Strategies.XP_FIXED);
            assertThat(c.xpConfig()).isEqualTo(new XpConfig(null, Map.of(), null, 3L, 9L));
            assertThat(c.voiceTimeStrategy()).isEqualTo(Strategies.VOICE_TIME_FIXED);
            assertThat(c.voiceTimeConfig()).isEqualTo(new VoiceTimeConfig(null, 1.5));
            assertThat(c.levelMultiplierStrategy()).isEqualTo(Strategies.LEVEL_SLOW);
            assertThat(c.trackBots()).isEqualTo(GuildConfig.DEFAULT_TRACK_BOTS);
        }
        assertThat(notes)
                .extracting(n -> n.kind() + " " + n.record())
                .contains(
                        "CHANGED config.xpStrategy",
                        "CHANGED config.xpConfig.baseAmount",
                        "CHANGED config.xpConfig.boosterMultiplier",
                        "CHANGED config.voiceTimeConfig.baseAmount",
                        "INFO config.levelMultiplierConfig",
                        "CHANGED config.trackBots");
        assertThat(notes)
                .filteredOn(n -> n.record().equals("config.xpStrategy"))
                .first()
                .extracting(ImportNote::why)
                .asString()
                .contains("\"my-custom\"")
                .contains("falls back to 'fixed'");
    }

    @Test
    void badIds_areSkippedWithTheReason_theRestIsImported() {
        List<DvtUser> users = List.of(
                new DvtUser("not-an-id", 1, 1, 0, List.of(), SEEN, 0, 0, null),
                new DvtUser("901", 1, 1, 0, List.of(new DvtUser.DvtChannel("x1", 1, 1, null)), SEEN, 0, 0, null),
                new DvtUser("901", 2, 2, 0, List.of(), SEEN, 0, 0, null));
        var data = new DvtGuildData("7", new DvtGuild("7", null, null, Map.of()), users, List.of());
        List<ImportNote> notes = new ArrayList<>();
        try (InMemoryStorage target = new InMemoryStorage()) {
            target.init();
            ImportReport r = Importer.from(DvtImport.source(reader(List.of(data))))
                    .to(target)
                    .onNote(notes::add)
                    .run();
            assertThat(r.members()).isEqualTo(1);
            assertThat(target.member(7, 901).orElseThrow().voiceTimeMs()).isEqualTo(1);
            assertThat(target.member(7, 901).orElseThrow().channels()).isEmpty();
        }
        assertThat(notes)
                .extracting(ImportNote::toString)
                .anyMatch(n -> n.startsWith("SKIPPED guild 7 user not-an-id") && n.contains("\"not-an-id\""))
                .anyMatch(n -> n.startsWith("SKIPPED guild 7 user 901 channel x1"))
                .anyMatch(n -> n.startsWith("SKIPPED guild 7 user 901: appears twice"));
    }

    @Test
    void dvtJson_parsesExactly_andNamesThePositionOfAnError() {
        Object v = DvtJson.parse(
                "{\"id\": 12345678901234567890123, \"n\": 9007199254740993, \"d\": 1.5, \"s\": \"a\\u00e9\\n\","
                        + " \"l\": [true, null]}",
                "test");
        assertThat(DvtJson.write(v))
                .isEqualTo("{\"id\":12345678901234567890123,\"n\":9007199254740993,\"d\":1.5,\"s\":\"a\u00e9\\n\","
                        + "\"l\":[true,null]}");
        assertThatThrownBy(() -> DvtJson.parse("[1, 2", "users.channels of user 5"))
                .isInstanceOf(ImportException.class)
                .hasMessage("users.channels of user 5: not valid JSON at character 5: unexpected end of text");
    }

    @Test
    void numbers_fromMongoAsInt32OrDouble_areReadExactly() {
        assertThat(DvtValues.integer(3_000_000_000.0, "x")).isEqualTo(3_000_000_000L);
        assertThat(DvtValues.integer(7, "x")).isEqualTo(7);
        assertThatThrownBy(() -> DvtValues.integer(1.5, "users[0].xp"))
                .isInstanceOf(ImportException.class)
                .hasMessage("users[0].xp must be a whole number, was 1.5");
        assertThatThrownBy(() -> DvtValues.id(1.2345678901234567E18, "userId"))
                .isInstanceOf(ImportException.class)
                .hasMessageContaining("userId must be an id");
    }
}
