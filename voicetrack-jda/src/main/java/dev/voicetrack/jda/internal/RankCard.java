package dev.voicetrack.jda.internal;

import dev.voicetrack.core.LevelCalculator;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.jspecify.annotations.Nullable;

/**
 * Draws a rank card: an {@value #WIDTH}×{@value #HEIGHT} PNG with the avatar in a circle on the left, the name,
 * level, rank, voice time and XP on the right, and an XP progress bar to the next level in the accent colour.
 * Pure Java2D (headless), no state; thread safe. The regions are constants so a test can check pixels in them.
 */
final class RankCard {
    static final int WIDTH = 800;
    static final int HEIGHT = 240;
    /** The avatar's circle: left, top and diameter. */
    static final int AVATAR_X = 40;

    static final int AVATAR_Y = 40;
    static final int AVATAR_SIZE = 160;
    /** The progress bar: left, top, width and height. */
    static final int BAR_X = 240;

    static final int BAR_Y = 170;
    static final int BAR_WIDTH = 520;
    static final int BAR_HEIGHT = 30;
    static final Color BACKGROUND = new Color(0x23272A);
    static final Color BAR_TRACK = new Color(0x484B4E);
    private static final Color TEXT = Color.WHITE;
    private static final Color MUTED = new Color(0xB9BBBE);

    /**
     * What a card shows; equal values draw equal cards (the cache key).
     *
     * @param avatarKey identifies the avatar image drawn (its URL), empty for the default avatar
     */
    record Values(
            String name,
            int level,
            long xp,
            int progressPercent,
            long xpToNext,
            int rank,
            long voiceTimeMs,
            int accentRgb,
            String avatarKey) {}

    private RankCard() {}

    /** The card as PNG bytes; {@code avatar} null draws the default avatar (the name's initial on the accent). */
    static byte[] png(Values v, @Nullable BufferedImage avatar) {
        return encode(draw(v, avatar));
    }

    /**
     * The image as PNG, encoded in memory. Not {@code ImageIO.write(img, "png", out)}: with ImageIO's default cache
     * setting that buffers through a temporary file for every image.
     */
    static byte[] encode(BufferedImage img) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        try (ImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
            writer.setOutput(stream);
            writer.write(img);
        } catch (IOException e) {
            throw new UncheckedIOException("could not encode a rank card", e); // in memory: does not happen
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    static BufferedImage draw(Values v, @Nullable BufferedImage avatar) {
        BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setColor(BACKGROUND);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            Color accent = new Color(v.accentRgb());
            drawAvatar(g, v, avatar, accent);
            drawText(g, v, accent);
            drawBar(g, v.progressPercent(), accent);
        } finally {
            g.dispose();
        }
        return img;
    }

    private static void drawAvatar(Graphics2D g, Values v, @Nullable BufferedImage avatar, Color accent) {
        Ellipse2D circle = new Ellipse2D.Double(AVATAR_X, AVATAR_Y, AVATAR_SIZE, AVATAR_SIZE);
        if (avatar != null) {
            g.setClip(circle);
            g.drawImage(avatar, AVATAR_X, AVATAR_Y, AVATAR_SIZE, AVATAR_SIZE, null);
            g.setClip(null);
        } else {
            g.setColor(accent);
            g.fill(circle);
            String initial =
                    v.name().isEmpty() ? "?" : v.name().substring(0, v.name().offsetByCodePoints(0, 1));
            g.setColor(TEXT);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 72));
            int w = g.getFontMetrics().stringWidth(initial.toUpperCase(Locale.ROOT));
            // the initial sits in the upper part of the circle, so the circle's centre keeps the accent colour
            g.drawString(initial.toUpperCase(Locale.ROOT), AVATAR_X + (AVATAR_SIZE - w) / 2, AVATAR_Y + 70);
        }
        g.setColor(accent);
        g.setStroke(new BasicStroke(4));
        g.draw(circle);
    }

    private static void drawText(Graphics2D g, Values v, Color accent) {
        g.setColor(TEXT);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 34));
        g.drawString(fit(g, v.name(), 330), BAR_X, 80);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 26));
        String right = (v.rank() > 0 ? "Rank #" + v.rank() + "   " : "") + "Level " + v.level();
        int w = g.getFontMetrics().stringWidth(right);
        g.setColor(accent);
        g.drawString(right, BAR_X + BAR_WIDTH - w, 80);
        g.setColor(MUTED);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 22));
        g.drawString("Voice " + LevelCalculator.formatVoiceTime(v.voiceTimeMs()), BAR_X, 150);
        String xp = Replies.number(v.xp()) + " XP · " + Replies.number(v.xpToNext()) + " to next";
        g.drawString(xp, BAR_X + BAR_WIDTH - g.getFontMetrics().stringWidth(xp), 150);
    }

    private static void drawBar(Graphics2D g, int percent, Color accent) {
        g.setColor(BAR_TRACK);
        g.fill(new RoundRectangle2D.Double(BAR_X, BAR_Y, BAR_WIDTH, BAR_HEIGHT, BAR_HEIGHT, BAR_HEIGHT));
        int filled = (int) Math.round(BAR_WIDTH * Math.max(0, Math.min(100, percent)) / 100.0);
        if (filled > 0) {
            g.setColor(accent);
            g.fill(new RoundRectangle2D.Double(
                    BAR_X, BAR_Y, Math.max(filled, BAR_HEIGHT), BAR_HEIGHT, BAR_HEIGHT, BAR_HEIGHT));
        }
    }

    /** The text, cut with "…" to fit {@code width} pixels. */
    private static String fit(Graphics2D g, String text, int width) {
        if (g.getFontMetrics().stringWidth(text) <= width) {
            return text;
        }
        String cut = text;
        while (!cut.isEmpty() && g.getFontMetrics().stringWidth(cut + "…") > width) {
            cut = cut.substring(0, cut.length() - 1);
        }
        return cut + "…";
    }
}
