package dev.voicetrack.jda.internal;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import javax.imageio.ImageIO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rank cards with two caches: the PNG of each {@link RankCard.Values} drawn (so asking again for an unchanged card
 * costs a map lookup), and each avatar URL's image, fetched once (a failed fetch is remembered too and the default
 * avatar drawn, so a broken URL is not fetched at every {@code /rank}). Both are small LRU maps. Thread safe; a
 * fetch runs on the calling command worker thread.
 */
final class RankCards {
    private static final Logger LOG = LoggerFactory.getLogger(RankCards.class);
    static final int MAX_CARDS = 256;
    static final int MAX_AVATARS = 1024;

    /** Fetches an avatar image; empty when it cannot. */
    @FunctionalInterface
    interface AvatarLoader {
        Optional<BufferedImage> load(String url);
    }

    private final AvatarLoader loader;
    private final Map<RankCard.Values, byte[]> cards = lru(MAX_CARDS);
    private final Map<String, Optional<BufferedImage>> avatars = lru(MAX_AVATARS);
    private final AtomicLong rendered = new AtomicLong();

    RankCards(AvatarLoader loader) {
        this.loader = loader;
    }

    /** Cards whose avatars are fetched over HTTP(S) with a 5 s time-out. */
    static RankCards overHttp() {
        HttpClient client = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
        return new RankCards(url -> {
            try {
                HttpResponse<InputStream> r = client.send(
                        HttpRequest.newBuilder(URI.create(url))
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                try (InputStream in = r.body()) {
                    return r.statusCode() == 200 ? Optional.ofNullable(ImageIO.read(in)) : Optional.empty();
                }
            } catch (IOException | IllegalArgumentException e) {
                LOG.debug("could not fetch avatar {}", url, e);
                return Optional.empty();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        });
    }

    /** The card's PNG, drawn once per distinct values. */
    byte[] png(RankCard.Values values) {
        synchronized (cards) {
            byte[] cached = cards.get(values);
            if (cached != null) {
                return cached;
            }
        }
        BufferedImage avatar = values.avatarKey().isEmpty() ? null : avatar(values.avatarKey());
        byte[] png = RankCard.png(values, avatar);
        rendered.incrementAndGet();
        synchronized (cards) {
            cards.put(values, png);
        }
        return png;
    }

    /** How many cards were drawn (not served from the cache). */
    long rendered() {
        return rendered.get();
    }

    private BufferedImage avatar(String url) {
        Optional<BufferedImage> cached;
        synchronized (avatars) {
            cached = avatars.get(url);
        }
        if (cached == null) {
            cached = loader.load(url);
            synchronized (avatars) {
                avatars.put(url, cached);
            }
        }
        return cached.orElse(null);
    }

    private static <K, V> Map<K, V> lru(int max) {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > max;
            }
        };
    }
}
