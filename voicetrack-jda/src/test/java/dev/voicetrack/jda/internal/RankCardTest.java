package dev.voicetrack.jda.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class RankCardTest {
    private static final int ACCENT = 0x2ECC71;

    private static RankCard.Values values(int percent, String avatar) {
        return new RankCard.Values("alice", 7, 12_345, percent, 655, 3, 3_723_000, ACCENT, avatar);
    }

    static BufferedImage decode(byte[] png) throws IOException {
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(img).as("a decodable PNG").isNotNull();
        return img;
    }

    private static int rgb(BufferedImage img, int x, int y) {
        return img.getRGB(x, y) & 0xFFFFFF;
    }

    private static BufferedImage solid(Color c) {
        BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        var g = img.createGraphics();
        g.setColor(c);
        g.fillRect(0, 0, 64, 64);
        g.dispose();
        return img;
    }

    @Test
    void card_isAPngOfTheDocumentedSize_withTheProgressBarFilledInTheAccentUpToTheProgress() throws IOException {
        BufferedImage img = decode(RankCard.png(values(40, ""), null));
        assertThat(img.getWidth()).isEqualTo(RankCard.WIDTH);
        assertThat(img.getHeight()).isEqualTo(RankCard.HEIGHT);
        int midY = RankCard.BAR_Y + RankCard.BAR_HEIGHT / 2;
        assertThat(rgb(img, 5, 5)).isEqualTo(RankCard.BACKGROUND.getRGB() & 0xFFFFFF);
        assertThat(rgb(img, RankCard.BAR_X + RankCard.BAR_WIDTH * 20 / 100, midY))
                .isEqualTo(ACCENT);
        assertThat(rgb(img, RankCard.BAR_X + RankCard.BAR_WIDTH * 39 / 100, midY))
                .isEqualTo(ACCENT);
        assertThat(rgb(img, RankCard.BAR_X + RankCard.BAR_WIDTH * 60 / 100, midY))
                .isEqualTo(RankCard.BAR_TRACK.getRGB() & 0xFFFFFF);
        // text was drawn in the name's area (white pixels somewhere)
        boolean white = false;
        for (int x = RankCard.BAR_X; x < RankCard.BAR_X + 150 && !white; x++) {
            for (int y = 50; y < 85 && !white; y++) {
                white = rgb(img, x, y) == 0xFFFFFF;
            }
        }
        assertThat(white).isTrue();
    }

    @Test
    void avatar_isDrawnInItsCircle_andAMissingOneDrawsTheDefaultOnTheAccent() throws IOException {
        int cx = RankCard.AVATAR_X + RankCard.AVATAR_SIZE / 2;
        int cy = RankCard.AVATAR_Y + RankCard.AVATAR_SIZE / 2 + 40; // below the default avatar's initial
        BufferedImage withAvatar = decode(RankCard.png(values(0, "u"), solid(Color.RED)));
        assertThat(rgb(withAvatar, cx, cy)).isEqualTo(0xFF0000);
        assertThat(rgb(withAvatar, RankCard.AVATAR_X + 2, RankCard.AVATAR_Y + 2))
                .as("outside the circle")
                .isEqualTo(RankCard.BACKGROUND.getRGB() & 0xFFFFFF);
        BufferedImage byDefault = decode(RankCard.png(values(0, ""), null));
        assertThat(rgb(byDefault, cx, cy)).isEqualTo(ACCENT);
        // 0% progress: the bar is all track
        assertThat(rgb(byDefault, RankCard.BAR_X + 40, RankCard.BAR_Y + RankCard.BAR_HEIGHT / 2))
                .isEqualTo(RankCard.BAR_TRACK.getRGB() & 0xFFFFFF);
    }

    @Test
    void cards_areCachedByTheValuesDrawn_andAnAvatarIsFetchedOnce_evenWhenTheFetchFails() throws IOException {
        List<String> fetched = new ArrayList<>();
        RankCards cards = new RankCards(url -> {
            fetched.add(url);
            return url.equals("ok") ? Optional.of(solid(Color.BLUE)) : Optional.empty();
        });
        byte[] first = cards.png(values(10, "ok"));
        assertThat(cards.png(values(10, "ok"))).isSameAs(first);
        assertThat(cards.rendered()).isEqualTo(1);
        cards.png(values(11, "ok"));
        assertThat(cards.rendered()).isEqualTo(2);
        cards.png(values(10, "broken"));
        BufferedImage fallback = decode(cards.png(values(12, "broken")));
        assertThat(fetched).containsExactly("ok", "broken");
        int cx = RankCard.AVATAR_X + RankCard.AVATAR_SIZE / 2;
        int cy = RankCard.AVATAR_Y + RankCard.AVATAR_SIZE / 2 + 40;
        assertThat(rgb(fallback, cx, cy)).isEqualTo(ACCENT);
        assertThat(rgb(decode(first), cx, cy)).isEqualTo(0x0000FF);
    }

    @Test
    void distinctValues_drawDistinctCards() {
        RankCards cards = new RankCards(url -> Optional.empty());
        for (int i = 0; i < 50; i++) {
            assertThat(cards.png(values(i, ""))).isNotEmpty();
        }
        assertThat(cards.rendered()).isEqualTo(50);
    }
}
