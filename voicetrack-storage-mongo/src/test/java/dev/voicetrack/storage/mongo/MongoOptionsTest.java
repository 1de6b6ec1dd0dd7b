package dev.voicetrack.storage.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Defaults and validation of {@link MongoOptions}: each bad value is refused with its field and value. */
class MongoOptionsTest {

    @Test
    void defaults_areTheDocumentedOnes() {
        MongoOptions o = MongoOptions.defaults();
        assertThat(o.database()).isEqualTo("voicetracker").isEqualTo(MongoOptions.DEFAULT_DATABASE);
        assertThat(o.readOnly()).isFalse();
        assertThat(o.journalChunkSize()).isEqualTo(1_000).isEqualTo(MongoOptions.DEFAULT_JOURNAL_CHUNK_SIZE);
        assertThat(o.orphanChunkAge()).isEqualTo(Duration.ofHours(1)).isEqualTo(MongoOptions.DEFAULT_ORPHAN_CHUNK_AGE);
        assertThat(o.clock()).isEqualTo(Clock.systemUTC());
        assertThat(MongoOptions.builder().build().toString()).isEqualTo(o.toString());
    }

    @Test
    void toBuilder_keepsEveryOption_andChangesOnlyWhatIsSet() {
        Clock fixed = Clock.fixed(java.time.Instant.EPOCH, java.time.ZoneOffset.UTC);
        MongoOptions o = MongoOptions.builder()
                .database("stats")
                .readOnly(true)
                .journalChunkSize(7)
                .orphanChunkAge(Duration.ofMinutes(5))
                .clock(fixed)
                .build();
        MongoOptions copy = o.toBuilder().journalChunkSize(8).build();
        assertThat(copy.database()).isEqualTo("stats");
        assertThat(copy.readOnly()).isTrue();
        assertThat(copy.journalChunkSize()).isEqualTo(8);
        assertThat(copy.orphanChunkAge()).isEqualTo(Duration.ofMinutes(5));
        assertThat(copy.clock()).isSameAs(fixed);
        assertThat(o.journalChunkSize()).isEqualTo(7);
    }

    @Test
    void database_blank_isRefusedWithTheValue() {
        assertThatThrownBy(() -> MongoOptions.builder().database("  "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("database must not be blank, was '  '");
    }

    @Test
    void database_forbiddenCharacters_areRefusedWithTheValue() {
        for (String bad : new String[] {"a.b", "a/b", "a\\b", "a b", "a\"b", "a$b", "a\0b"}) {
            assertThatThrownBy(() -> MongoOptions.builder().database(bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("database must not contain")
                    .hasMessageEndingWith("was '" + bad + "'");
        }
    }

    @Test
    void database_over63Bytes_isRefusedWithTheValue() {
        String sixtyFour = "d".repeat(64);
        assertThat(MongoOptions.builder().database("d".repeat(63)).build().database())
                .hasSize(63);
        assertThatThrownBy(() -> MongoOptions.builder().database(sixtyFour))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("database must be at most 63 bytes, was '" + sixtyFour + "'");
    }

    @Test
    void database_null_isNamed() {
        assertThatThrownBy(() -> MongoOptions.builder().database(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("database must not be null");
    }

    @Test
    void journalChunkSize_outOfRange_isRefusedWithTheValue() {
        assertThat(MongoOptions.builder().journalChunkSize(1).build().journalChunkSize())
                .isEqualTo(1);
        assertThat(MongoOptions.builder().journalChunkSize(10_000).build().journalChunkSize())
                .isEqualTo(10_000);
        assertThatThrownBy(() -> MongoOptions.builder().journalChunkSize(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("journalChunkSize must be between 1 and 10000, was 0");
        assertThatThrownBy(() -> MongoOptions.builder().journalChunkSize(10_001))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("journalChunkSize must be between 1 and 10000, was 10001");
    }

    @Test
    void orphanChunkAge_outOfRange_isRefusedWithTheValue() {
        assertThatThrownBy(() -> MongoOptions.builder().orphanChunkAge(Duration.ofSeconds(59)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("orphanChunkAge must be between 1 minute and 30 days, was 59000 ms");
        assertThatThrownBy(() -> MongoOptions.builder().orphanChunkAge(Duration.ofDays(31)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("orphanChunkAge must be between 1 minute and 30 days, was 2678400000 ms");
        assertThatThrownBy(() -> MongoOptions.builder().orphanChunkAge(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("orphanChunkAge must not be null");
    }

    @Test
    void clock_null_isNamed() {
        assertThatThrownBy(() -> MongoOptions.builder().clock(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("clock must not be null");
    }

    @Test
    void create_namesABadDatabaseBeforeConnecting_andKeepsThePasswordOutOfABadUri() {
        assertThatThrownBy(() -> MongoStorage.create("mongodb://127.0.0.1:1", "a.b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("database")
                .hasMessageContaining("'a.b'");
        assertThatThrownBy(() -> MongoStorage.create("http://user:secret@host", MongoOptions.defaults()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("uri")
                .hasMessageNotContaining("secret");
    }
}
