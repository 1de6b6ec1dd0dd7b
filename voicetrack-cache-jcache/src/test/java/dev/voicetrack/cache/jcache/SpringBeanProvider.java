package dev.voicetrack.cache.jcache;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.annotation.BeanProvider;
import javax.cache.configuration.MutableConfiguration;
import manager.CacheNameOnEachMethodBlogManagerImpl;
import manager.ClassLevelCacheConfigBlogManagerImpl;
import manager.UsingDefaultCacheNameBlogManagerImpl;
import org.springframework.cache.Cache;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.jcache.JCacheCache;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Lets the TCK's annotation tests ({@code @CacheResult}, {@code @CachePut}, {@code @CacheRemove},
 * {@code @CacheRemoveAll}) run: the TCK finds this {@link BeanProvider} through the service loader and
 * asks it for its blog managers, which come from a Spring context whose standard JSR-107 annotation
 * interceptors work on caches of this module's provider. Caches the annotations name are created on
 * first use with the default configuration, as the JSR-107 default cache resolver does.
 */
public final class SpringBeanProvider implements BeanProvider {

    private static AnnotationConfigApplicationContext context;

    @Configuration(proxyBeanMethods = false)
    @EnableCaching(proxyTargetClass = true)
    static class Annotations {
        /**
         * Looks each cache up in the provider's current default manager, so that a TCK test closing
         * that manager (as several do) does not leave the annotations with closed caches.
         */
        @Bean
        org.springframework.cache.CacheManager cacheManager() {
            return new org.springframework.cache.CacheManager() {
                @Override
                public Cache getCache(String name) {
                    CacheManager jcache = Caching.getCachingProvider().getCacheManager();
                    javax.cache.Cache<Object, Object> cache = jcache.getCache(name);
                    if (cache == null) {
                        cache = jcache.createCache(name, new MutableConfiguration<>());
                    }
                    return new JCacheCache(cache);
                }

                @Override
                public Collection<String> getCacheNames() {
                    List<String> names = new ArrayList<>();
                    Caching.getCachingProvider()
                            .getCacheManager()
                            .getCacheNames()
                            .forEach(names::add);
                    return names;
                }
            };
        }

        @Bean
        CacheNameOnEachMethodBlogManagerImpl cacheNameOnEachMethod() {
            return new CacheNameOnEachMethodBlogManagerImpl();
        }

        @Bean
        ClassLevelCacheConfigBlogManagerImpl classLevelCacheConfig() {
            return new ClassLevelCacheConfigBlogManagerImpl();
        }

        @Bean
        UsingDefaultCacheNameBlogManagerImpl usingDefaultCacheName() {
            return new UsingDefaultCacheNameBlogManagerImpl();
        }
    }

    @Override
    public <T> T getBeanByType(Class<T> type) {
        synchronized (SpringBeanProvider.class) {
            if (context == null) {
                context = new AnnotationConfigApplicationContext(Annotations.class);
            }
            return context.getBean(type);
        }
    }
}
