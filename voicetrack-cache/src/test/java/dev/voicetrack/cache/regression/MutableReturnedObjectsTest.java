package dev.voicetrack.cache.regression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.voicetrack.cache.Cache;
import dev.voicetrack.cache.CacheConfig;
import dev.voicetrack.cache.CacheEntry;
import dev.voicetrack.cache.InProcessCache;
import dev.voicetrack.cache.ValueIsolation;
import dev.voicetrack.cache.WriteOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Anchor defect (Cache): "The in-process cache returns the stored object itself, so a caller can
 * mutate the cache."
 */
class MutableReturnedObjectsTest {

    public record Profile(long userId, String name, List<String> roles) {}

    @Test
    void immutableRule_rejectsAMutableValueSoNoCallerCanHoldAReferenceIntoTheCache() {
        try (Cache<Object> cache = InProcessCache.create(CacheConfig.defaults())) {
            List<String> roles = new ArrayList<>(List.of("member"));
            assertThatThrownBy(() -> cache.put("user:1", new Profile(1, "ann", roles)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'user:1'")
                    .hasMessageContaining("value.roles")
                    .hasMessageContaining("java.util.ArrayList");
            assertThatThrownBy(() -> cache.remember("user:2", WriteOptions.defaults(), () -> roles))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> cache.warm(List.of(CacheEntry.of("user:3", roles))))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(cache.keys("*")).isEmpty();
        }
    }

    @Test
    void immutableRule_returnedValuesCannotBeModified() {
        try (Cache<Object> cache = InProcessCache.create(CacheConfig.defaults())) {
            cache.put("user:1", new Profile(1, "ann", List.of("member")));
            Profile got = (Profile) cache.get("user:1").orElseThrow();
            assertThatThrownBy(() -> got.roles().add("admin")).isInstanceOf(UnsupportedOperationException.class);
            @SuppressWarnings("unchecked")
            List<String> remembered =
                    (List<String>) cache.remember("roles:1", WriteOptions.defaults(), () -> List.of("member"));
            assertThatThrownBy(() -> remembered.add("admin")).isInstanceOf(UnsupportedOperationException.class);
            assertThat(cache.get("user:1")).hasValue(new Profile(1, "ann", List.of("member")));
            assertThat(cache.get("roles:1")).hasValue(List.of("member"));
        }
    }

    @Test
    void copyingRule_callerMutatingWhatItPassedInChangesNothing() {
        try (Cache<List<String>> cache =
                InProcessCache.create(CacheConfig.defaults(), ValueIsolation.copying(ArrayList::new))) {
            List<String> passed = new ArrayList<>(List.of("member"));
            cache.put("roles:1", passed);
            passed.add("admin");
            passed.clear();
            assertThat(cache.get("roles:1")).hasValue(List.of("member"));

            List<String> warmed = new ArrayList<>(List.of("a"));
            cache.warm(List.of(CacheEntry.of("roles:2", warmed)));
            warmed.add("b");
            assertThat(cache.get("roles:2")).hasValue(List.of("a"));
        }
    }

    @Test
    void copyingRule_callerMutatingWhatItGotBackChangesNothing() {
        try (Cache<List<String>> cache =
                InProcessCache.create(CacheConfig.defaults(), ValueIsolation.copying(ArrayList::new))) {
            cache.put("roles:1", new ArrayList<>(List.of("member")));
            cache.get("roles:1").orElseThrow().add("admin");
            cache.getAll(List.of("roles:1")).get("roles:1").add("owner");
            assertThat(cache.get("roles:1")).hasValue(List.of("member"));

            List<String> loaderResult = new ArrayList<>(List.of("x"));
            List<String> first = cache.remember("roles:2", WriteOptions.defaults(), () -> loaderResult);
            first.add("changed by the caller who loaded it");
            loaderResult.add("changed by the loader afterwards");
            List<String> hit = cache.remember("roles:2", WriteOptions.defaults(), () -> List.of("never"));
            hit.add("changed by a caller who hit");
            assertThat(cache.get("roles:2")).hasValue(List.of("x"));
        }
    }

    @Test
    void copyingRule_mapValuesAreIsolatedToo() {
        try (Cache<Map<String, Long>> cache = InProcessCache.create(
                CacheConfig.defaults(), ValueIsolation.copying(m -> new java.util.HashMap<>(m)))) {
            var xp = new java.util.HashMap<>(Map.of("xp", 10L));
            cache.put("stats:1", xp);
            xp.put("xp", 999L);
            cache.get("stats:1").orElseThrow().put("xp", 777L);
            assertThat(cache.get("stats:1")).hasValue(Map.of("xp", 10L));
        }
    }
}
