package dev.voicetrack.cache.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.cache.spring.ProfileService.Profile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Spring's cache annotations with VoiceTrack tags in a real Spring context, on the manager a
 * subclass provides (in process, Redis).
 */
abstract class SpringCacheContract {

    private AnnotationConfigApplicationContext context;
    private ProfileService service;

    /** The manager under test; a fresh, empty one for each test. */
    protected abstract VoiceTrackCacheManager newManager();

    @Configuration
    @EnableCaching
    @EnableVoiceTrackCacheTags
    static class App {
        @Bean
        ProfileService profileService() {
            return new ProfileService();
        }
    }

    @BeforeEach
    void start() {
        context = new AnnotationConfigApplicationContext();
        context.registerBean(VoiceTrackCacheManager.class, this::newManager);
        context.register(App.class);
        context.refresh();
        service = context.getBean(ProfileService.class);
    }

    @AfterEach
    void stop() {
        context.close();
    }

    private int loads() {
        return service.loads();
    }

    @Test
    void cacheable_loadsOnce() {
        Profile first = service.profile(1, 10);
        Profile second = service.profile(1, 10);

        assertThat(second).isEqualTo(first);
        assertThat(loads()).isEqualTo(1);
    }

    @Test
    void cacheable_nullResult_isCachedToo() {
        assertThat(service.missing(5)).isNull();
        assertThat(service.missing(5)).isNull();

        assertThat(loads()).isEqualTo(1);
    }

    @Test
    void cachePut_isReadByCacheable() {
        service.save(new Profile(1, 10, "saved"));

        assertThat(service.profile(1, 10).name()).isEqualTo("saved");
        assertThat(loads()).isZero();
    }

    @Test
    void cacheEvict_removesTheKey() {
        service.profile(1, 10);
        service.profile(1, 11);

        service.delete(1, 10);
        service.profile(1, 10);
        service.profile(1, 11);

        assertThat(loads()).isEqualTo(3);
    }

    @Test
    void cacheEvictAllEntries_emptiesTheCache() {
        service.profile(1, 10);
        service.profile(2, 20);

        service.deleteAll();
        service.profile(1, 10);
        service.profile(2, 20);

        assertThat(loads()).isEqualTo(4);
    }

    @Test
    void evictTags_removesTheTaggedEntriesOnly() {
        service.profile(1, 10);
        service.save(new Profile(1, 11, "saved"));
        service.profile(2, 20);

        service.guildChanged(1);

        assertThat(service.profile(1, 11).name())
                .as("reloaded, not the saved one")
                .isEqualTo("user11");
        service.profile(1, 10);
        service.profile(2, 20);
        assertThat(loads())
                .as("two loads of guild 1 again, guild 2 still cached")
                .isEqualTo(4);
    }

    @Test
    void cacheTags_areOnTheVoiceTrackEntries() {
        service.profile(3, 30);

        var profiles =
                context.getBean(VoiceTrackCacheManager.class).voiceTrackCaches().get("profiles");

        assertThat(profiles.invalidateByTag("guild:3")).isEqualTo(1);
        assertThat(profiles.keys("profile:*")).isEmpty();
    }
}
