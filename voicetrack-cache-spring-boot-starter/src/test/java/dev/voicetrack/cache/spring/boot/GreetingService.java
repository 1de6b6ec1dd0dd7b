package dev.voicetrack.cache.spring.boot;

import dev.voicetrack.cache.spring.CacheTags;
import dev.voicetrack.cache.spring.EvictTags;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.cache.annotation.Cacheable;

/** A cached service of the test application. */
public class GreetingService {

    private final AtomicInteger computed = new AtomicInteger();

    @Cacheable(cacheNames = "greetings", key = "#p0 + ':' + #p1")
    @CacheTags("'guild:' + #p0")
    public String greet(long guildId, String name) {
        computed.incrementAndGet();
        return "hello " + name;
    }

    @EvictTags("'guild:' + #p0")
    public void guildChanged(long guildId) {}

    public int computed() {
        return computed.get();
    }
}
