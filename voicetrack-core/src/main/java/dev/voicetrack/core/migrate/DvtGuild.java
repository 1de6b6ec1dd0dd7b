package dev.voicetrack.core.migrate;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A discord-vc-tracker guild record as its storage holds it ({@code GuildData} without the users).
 * Values of {@code config} and {@code extraData} are plain trees: {@link String}, {@link Number},
 * {@link Boolean}, {@link java.util.List}, {@link Map} or null, as the source file had them.
 *
 * @param guildId the guild id as stored (a snowflake string)
 * @param config the stored config object, or null if the record has none
 * @param lastUpdated the stored {@code lastUpdated}, or null if missing
 * @param extraData the free-form {@code extraData} object (empty if missing)
 */
public record DvtGuild(
        String guildId,
        @Nullable Map<String, Object> config,
        @Nullable Instant lastUpdated,
        Map<String, Object> extraData) {

    public DvtGuild {
        Objects.requireNonNull(guildId, "guildId must not be null");
        config = config == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(config));
        extraData = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(extraData, "extraData")));
    }
}
