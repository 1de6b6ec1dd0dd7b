package dev.voicetrack.core.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.OffsetDateTime;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link DvtValues#instant}: the fast path for JavaScript's ISO form and the general parser agree. */
class DvtValuesTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "2024-05-01T10:00:00.123Z",
                "2024-02-29T23:59:59.999Z",
                "1970-01-01T00:00:00.000Z",
                "0000-01-01T00:00:00.000Z",
                "9999-12-31T23:59:59.999Z",
                " 2024-05-01T10:00:00.123Z ",
                "2024-05-01T12:00:00.123+02:00",
                "2024-05-01T10:00:00Z",
                "2024-05-01T10:00:00.123456Z"
            })
    void everyIsoForm_readsAsTheGeneralParserReadsIt(String text) {
        assertThat(DvtValues.instant(text, "here"))
                .isEqualTo(OffsetDateTime.parse(text.strip()).toInstant());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "2023-02-29T10:00:00.000Z",
                "2024-13-01T10:00:00.000Z",
                "2024-05-01T24:00:00.000Z",
                "2024-05-01T10:60:00.000Z",
                "2024-05-0xT10:00:00.000Z",
                "2024-05-01 10:00:00.000Z"
            })
    void anImpossibleDate_isRefusedNamingThePlaceAndTheValue(String text) {
        assertThatThrownBy(() -> DvtValues.instant(text, "guilds.json guild 1 lastSeen"))
                .isInstanceOf(ImportException.class)
                .hasMessage("guilds.json guild 1 lastSeen must be an ISO-8601 date such as 2024-05-01T10:00:00.000Z,"
                        + " was \"" + text + "\"");
    }
}
