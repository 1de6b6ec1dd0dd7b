package dev.voicetrack.emulator.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.voicetrack.emulator.DiscordEmulator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** A raw HTTP and websocket client for the emulator (no JDA), and a clock the test moves by hand. */
final class Raw {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private final DiscordEmulator emulator;

    Raw(DiscordEmulator emulator) {
        this.emulator = emulator;
    }

    /** A bot request; {@code body} is sent as is (so it may be malformed) with content type application/json. */
    HttpResponse<String> send(String method, String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(emulator.httpBaseUrl() + path))
                .timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bot " + emulator.botToken())
                .header("Content-Type", "application/json");
        request.method(
                method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<String> get(String path) {
        return send("GET", path, null);
    }

    static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String header(HttpResponse<String> response, String name) {
        return response.headers().firstValue(name).orElse(null);
    }

    /** Registers one global slash command from its JSON. */
    void registerCommands(String commandsJson) {
        HttpResponse<String> response =
                send("PUT", "applications/" + emulator.applicationId() + "/commands", commandsJson);
        if (response.statusCode() != 200) {
            throw new IllegalStateException("registration failed: " + response.statusCode() + " " + response.body());
        }
    }

    /** A gateway connection: collects text frames and the close code. */
    static final class Socket implements WebSocket.Listener {
        final List<JsonNode> frames = new CopyOnWriteArrayList<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final CompletableFuture<JsonNode> hello = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();
        private WebSocket socket;

        static Socket connect(DiscordEmulator emulator) throws Exception {
            Socket listener = new Socket();
            listener.socket = HTTP.newWebSocketBuilder()
                    .buildAsync(URI.create(emulator.gatewayUrl() + "?v=10&encoding=json"), listener)
                    .get(10, TimeUnit.SECONDS);
            listener.hello.get(10, TimeUnit.SECONDS);
            return listener;
        }

        void send(String text) throws Exception {
            socket.sendText(text, true).get(10, TimeUnit.SECONDS);
        }

        int awaitClose() throws Exception {
            return closed.get(10, TimeUnit.SECONDS);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    JsonNode frame = JSON.readTree(partial.toString());
                    frames.add(frame);
                    if (frame.path("op").asInt() == 10) {
                        hello.complete(frame);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.completeExceptionally(error);
        }
    }

    /** A clock that moves only when the test says so. */
    static final class ManualClock extends Clock {
        private volatile Instant now;

        ManualClock(Instant start) {
            this.now = start;
        }

        ManualClock() {
            this(Instant.now());
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
