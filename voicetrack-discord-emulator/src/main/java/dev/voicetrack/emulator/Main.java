package dev.voicetrack.emulator;

import java.util.concurrent.CountDownLatch;

/**
 * Runs the emulator alone: {@code java -cp ... dev.voicetrack.emulator.Main [--port N] [--guild NAME]}. Prints the
 * URLs and the bot token, creates one demo guild, and serves until the process is stopped.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws InterruptedException {
        DiscordEmulator.Builder builder = DiscordEmulator.builder();
        String guildName = "VoiceTrack demo";
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--port") && i + 1 < args.length) {
                builder.port(parsePort(args[++i]));
            } else if (arg.equals("--guild") && i + 1 < args.length) {
                guildName = args[++i];
            } else {
                System.err.println("usage: Main [--port N] [--guild NAME]; unknown argument: " + arg);
                System.exit(2);
                return;
            }
        }
        DiscordEmulator emulator = builder.start();
        EmulatedGuild guild = emulator.createGuild(guildName);
        guild.createTextChannel("general");
        guild.createVoiceChannel("Lounge");
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            emulator.close();
            stopped.countDown();
        }));
        System.out.println("http.base.url=" + emulator.httpBaseUrl());
        System.out.println("gateway.url=" + emulator.gatewayUrl());
        System.out.println("bot.token=" + emulator.botToken());
        System.out.println("guild.id=" + guild.id());
        System.out.flush();
        stopped.await();
    }

    private static int parsePort(String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--port must be a number, was '" + value + "'", e);
        }
    }
}
