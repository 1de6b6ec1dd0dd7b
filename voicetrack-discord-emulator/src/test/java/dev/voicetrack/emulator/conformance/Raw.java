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
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

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

    /** A request with the given {@code Authorization} header (or none for null). */
    HttpResponse<String> sendAs(String authorization, String method, String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(emulator.httpBaseUrl() + path))
                .timeout(Duration.ofSeconds(20))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return exchange(request.build());
    }

    /**
     * A {@code multipart/form-data} bot request as Discord clients send files: a {@code payload_json} part and one
     * {@code files[n]} part per file (name to content, in order).
     */
    HttpResponse<String> sendMultipart(String method, String path, String payloadJson, Map<String, String> files) {
        String boundary = "voicetrack-raw-boundary";
        StringBuilder body = new StringBuilder();
        body.append("--")
                .append(boundary)
                .append("\r\n")
                .append("Content-Disposition: form-data; name=\"payload_json\"\r\n")
                .append("Content-Type: application/json\r\n\r\n")
                .append(payloadJson)
                .append("\r\n");
        int index = 0;
        for (Map.Entry<String, String> file : files.entrySet()) {
            body.append("--")
                    .append(boundary)
                    .append("\r\n")
                    .append("Content-Disposition: form-data; name=\"files[")
                    .append(index++)
                    .append("]\"; filename=\"")
                    .append(file.getKey())
                    .append("\"\r\n")
                    .append("Content-Type: text/plain\r\n\r\n")
                    .append(file.getValue())
                    .append("\r\n");
        }
        body.append("--").append(boundary).append("--\r\n");
        HttpRequest request = HttpRequest.newBuilder(URI.create(emulator.httpBaseUrl() + path))
                .timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bot " + emulator.botToken())
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .method(method, HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
        return exchange(request);
    }

    /** A GET of an absolute URL, such as an attachment's. */
    static HttpResponse<String> fetch(String url) {
        return exchange(HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(20))
                .build());
    }

    private static HttpResponse<String> exchange(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
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
        static final String HEARTBEAT = "{\"op\":1,\"d\":null}";
        private WebSocket socket;
        /** Heartbeats sent so far; each is answered with one ACK, in order. */
        private volatile long heartbeatsSent;

        static Socket connect(DiscordEmulator emulator) throws Exception {
            Socket listener = new Socket();
            listener.socket = HTTP.newWebSocketBuilder()
                    .buildAsync(URI.create(emulator.gatewayUrl() + "?v=10&encoding=json"), listener)
                    .get(10, TimeUnit.SECONDS);
            listener.hello.get(10, TimeUnit.SECONDS);
            return listener;
        }

        void send(String text) throws Exception {
            if (text.equals(HEARTBEAT)) {
                heartbeatsSent++;
            }
            socket.sendText(text, true).get(10, TimeUnit.SECONDS);
        }

        /** Sends IDENTIFY with the intents and, unless null, {@code shard}; returns the READY payload. */
        JsonNode identify(DiscordEmulator emulator, int intents, String shard) throws Exception {
            send("{\"op\":2,\"d\":{\"token\":\"" + emulator.botToken() + "\",\"intents\":" + intents
                    + (shard == null ? "" : ",\"shard\":" + shard) + ",\"properties\":{}}}");
            return awaitDispatch("READY").path("d");
        }

        /**
         * Sends a heartbeat and waits for its ACK: the emulator writes frames in order, so every dispatch written
         * before has been received when this returns (a barrier for checks that something did not arrive).
         */
        void sync() throws Exception {
            send(HEARTBEAT);
            long sent = heartbeatsSent;
            awaitFrame(
                    f -> frames.stream().filter(g -> g.path("op").asInt() == 11).count() >= sent);
        }

        /** Dispatch frames of that type received so far. */
        List<JsonNode> dispatches(String type) {
            return frames.stream()
                    .filter(f -> type.equals(f.path("t").asText()))
                    .toList();
        }

        /** Waits for the first dispatch of that type; the 10 s bound is a hang guard, not a timing assumption. */
        JsonNode awaitDispatch(String type) throws Exception {
            return awaitFrame(f -> type.equals(f.path("t").asText()));
        }

        /** Waits for the first frame that matches; the 10 s bound is a hang guard. */
        JsonNode awaitFrame(Predicate<JsonNode> condition) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            long pause = 1;
            while (System.nanoTime() < deadline) {
                for (JsonNode frame : frames) {
                    if (condition.test(frame)) {
                        return frame;
                    }
                }
                Thread.sleep(pause);
                pause = Math.min(50, pause * 2);
            }
            throw new AssertionError("no matching frame within 10 s; received " + frames);
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
