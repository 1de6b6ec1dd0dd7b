package dev.voicetrack.cache.redis.internal;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One blocking connection to a standalone Redis server speaking RESP2, for the single-key commands
 * of a cache's hot path. It is used by one thread at a time, lent out by a {@link DirectPool}.
 *
 * <p>Why it exists: with one request in flight, a Lettuce call hands its command to the event-loop
 * thread and sleeps until that thread wakes it with the reply, two thread switches per round trip
 * that a blocking socket does not pay. On the 2-core machine of issue 3, one caller doing sync GETs
 * made 15,000-17,000 round trips a second through Lettuce and 28,000-30,000 over a blocking socket
 * (redis-benchmark: 23,000). Everything else (connection state, pub/sub, clusters, pipelines, TLS)
 * stays with Lettuce.
 *
 * <p>Failures: an error reply throws Lettuce's {@link RedisCommandExecutionException} ({@link
 * RedisNoScriptException} for {@code NOSCRIPT}), and the connection stays usable. A reply that does
 * not come within the command timeout closes the connection and throws {@link
 * RedisCommandTimeoutException}. Any other I/O failure closes the connection and throws {@link
 * Lost}: the command may or may not have run, and the caller may send it again elsewhere.
 */
final class DirectConnection implements KeyCommands, AutoCloseable {

    /** Where and how to connect: a standalone, plain-TCP server. */
    record Endpoint(
            String host,
            int port,
            @Nullable String username,
            byte @Nullable [] password,
            int database,
            Duration connectTimeout,
            Duration commandTimeout) {

        /** The endpoint of {@code uri}, or empty for TLS and Unix sockets, which stay with Lettuce. */
        static Optional<Endpoint> of(RedisURI uri, Duration connectTimeout, Duration commandTimeout) {
            if (uri.isSsl() || uri.getSocket() != null || uri.getHost() == null) {
                return Optional.empty();
            }
            String username = null;
            byte[] password = null;
            RedisCredentials credentials =
                    uri.getCredentialsProvider().resolveCredentials().block(connectTimeout);
            if (credentials != null && credentials.hasPassword()) {
                username = credentials.hasUsername() ? credentials.getUsername() : null;
                ByteBuffer b = StandardCharsets.UTF_8.encode(CharBuffer.wrap(credentials.getPassword()));
                password = Arrays.copyOf(b.array(), b.limit());
            }
            return Optional.of(new Endpoint(
                    uri.getHost(),
                    uri.getPort(),
                    username,
                    password,
                    uri.getDatabase(),
                    connectTimeout,
                    commandTimeout));
        }
    }

    /** The connection broke (closed, reset, end of stream); a command in flight may or may not have run. */
    static final class Lost extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Lost(IOException cause) {
            super("direct Redis connection lost: " + cause, cause);
        }
    }

    private static final byte[] HMGET = Scripts.bytes("HMGET");
    private static final byte[] EVALSHA = Scripts.bytes("EVALSHA");
    private static final byte[] EVAL = Scripts.bytes("EVAL");
    private static final byte[] AUTH = Scripts.bytes("AUTH");
    private static final byte[] SELECT = Scripts.bytes("SELECT");
    private static final byte[] CLIENT = Scripts.bytes("CLIENT");
    private static final byte[] SETNAME = Scripts.bytes("SETNAME");

    /** The name these connections carry in {@code CLIENT LIST}. */
    static final String CLIENT_NAME = "voicetrack-direct";

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final Duration commandTimeout;
    private final long generation;
    private final byte[] digits = new byte[20];
    private volatile boolean open = true;
    private @Nullable String nestedError;

    private DirectConnection(Socket socket, Duration commandTimeout, long generation) throws IOException {
        this.socket = socket;
        this.out = new BufferedOutputStream(socket.getOutputStream(), 8192);
        this.in = new BufferedInputStream(socket.getInputStream(), 8192);
        this.commandTimeout = commandTimeout;
        this.generation = generation;
    }

    /**
     * Connects, authenticates, selects the database and names the connection {@value #CLIENT_NAME}
     * (if the server allows {@code CLIENT}), each step bounded by the command timeout.
     *
     * @throws IOException if the server cannot be reached
     * @throws RedisCommandExecutionException if it refuses the credentials or the database
     */
    static DirectConnection open(Endpoint endpoint, long generation) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.setKeepAlive(true);
            Duration connect = endpoint.connectTimeout().compareTo(endpoint.commandTimeout()) < 0
                    ? endpoint.connectTimeout()
                    : endpoint.commandTimeout();
            socket.connect(new InetSocketAddress(endpoint.host(), endpoint.port()), timeoutMillis(connect));
            socket.setSoTimeout(timeoutMillis(endpoint.commandTimeout()));
            DirectConnection c = new DirectConnection(socket, endpoint.commandTimeout(), generation);
            byte[] password = endpoint.password();
            if (password != null) {
                String user = endpoint.username();
                if (user != null) {
                    c.call(AUTH, Scripts.bytes(user), password);
                } else {
                    c.call(AUTH, password);
                }
            }
            if (endpoint.database() != 0) {
                c.call(SELECT, Scripts.bytes(endpoint.database()));
            }
            try {
                c.call(CLIENT, SETNAME, Scripts.bytes(CLIENT_NAME));
            } catch (RedisCommandExecutionException e) {
                // a server that renamed or disabled CLIENT: the connection works unnamed
            }
            return c;
        } catch (Lost e) { // the server hung up during the handshake: as unreachable as a refused connect
            socket.close();
            throw (IOException) e.getCause();
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private static int timeoutMillis(Duration d) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, d.toMillis()));
    }

    long generation() {
        return generation;
    }

    boolean isOpen() {
        return open;
    }

    @Override
    public void close() {
        open = false;
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
    }

    // ---------------------------------------------------------------- commands

    @Override
    @SuppressWarnings("unchecked")
    public List<byte @Nullable []> hmget(String key, String... fields) {
        byte[][] parts = new byte[2 + fields.length][];
        parts[0] = HMGET;
        parts[1] = Scripts.bytes(key);
        for (int i = 0; i < fields.length; i++) {
            parts[2 + i] = Scripts.bytes(fields[i]);
        }
        return (List<byte @Nullable []>) call(parts);
    }

    @Override
    public <T> T evalsha(String sha, ScriptOutputType type, String[] keys, byte[]... args) {
        return script(EVALSHA, Scripts.bytes(sha), keys, args);
    }

    @Override
    public <T> T eval(String script, ScriptOutputType type, String[] keys, byte[]... args) {
        return script(EVAL, Scripts.bytes(script), keys, args);
    }

    @SuppressWarnings("unchecked")
    private <T> T script(byte[] command, byte[] script, String[] keys, byte[][] args) {
        byte[][] parts = new byte[3 + keys.length + args.length][];
        parts[0] = command;
        parts[1] = script;
        parts[2] = Scripts.bytes(keys.length);
        for (int i = 0; i < keys.length; i++) {
            parts[3 + i] = Scripts.bytes(keys[i]);
        }
        System.arraycopy(args, 0, parts, 3 + keys.length, args.length);
        return (T) call(parts);
    }

    /** Sends one command and reads its reply: a Long, a byte[], a String (status), null or a List. */
    @Nullable
    Object call(byte[]... parts) {
        if (!open) {
            throw new Lost(new IOException("connection closed"));
        }
        Object reply;
        try {
            write(parts);
            nestedError = null;
            reply = read();
        } catch (SocketTimeoutException e) {
            close();
            throw new RedisCommandTimeoutException("Command timed out after " + commandTimeout);
        } catch (IOException e) {
            close();
            throw new Lost(e);
        } catch (RuntimeException e) { // a reply this reader cannot hold: the stream is out of step
            close();
            throw new Lost(new IOException("unreadable reply", e));
        }
        if (reply instanceof ErrorReply e) {
            throw error(e.message());
        }
        String nested = nestedError;
        if (nested != null) {
            throw error(nested);
        }
        return reply;
    }

    private static RedisCommandExecutionException error(String message) {
        return message.startsWith("NOSCRIPT")
                ? new RedisNoScriptException(message)
                : new RedisCommandExecutionException(message);
    }

    // ---------------------------------------------------------------- RESP2

    private record ErrorReply(String message) {}

    private void write(byte[][] parts) throws IOException {
        out.write('*');
        writeDecimal(parts.length);
        for (byte[] part : parts) {
            out.write('$');
            writeDecimal(part.length);
            out.write(part);
            out.write('\r');
            out.write('\n');
        }
        out.flush();
    }

    /** Writes a non-negative number and CRLF. */
    private void writeDecimal(int n) throws IOException {
        int i = digits.length;
        do {
            digits[--i] = (byte) ('0' + n % 10);
            n /= 10;
        } while (n > 0);
        out.write(digits, i, digits.length - i);
        out.write('\r');
        out.write('\n');
    }

    private @Nullable Object read() throws IOException {
        int type = in.read();
        switch (type) {
            case '+':
                return readLine();
            case '-':
                return new ErrorReply(readLine());
            case ':':
                return readLong();
            case '$': {
                long length = readLong();
                if (length < 0) {
                    return null;
                }
                byte[] bytes = in.readNBytes(Math.toIntExact(length));
                if (bytes.length < length || in.read() != '\r' || in.read() != '\n') {
                    throw new EOFException("reply cut short");
                }
                return bytes;
            }
            case '*': {
                long count = readLong();
                if (count < 0) {
                    return null;
                }
                List<@Nullable Object> items = new ArrayList<>(Math.toIntExact(count));
                for (long i = 0; i < count; i++) {
                    Object item = read();
                    if (item instanceof ErrorReply e) {
                        if (nestedError == null) {
                            nestedError = e.message();
                        }
                        item = null;
                    }
                    items.add(item);
                }
                return items;
            }
            case -1:
                throw new EOFException("Redis closed the connection");
            default:
                throw new IOException("unexpected reply type byte " + type);
        }
    }

    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != '\r') {
            if (c < 0) {
                throw new EOFException("reply cut short");
            }
            line.append((char) c);
        }
        expectNewline();
        return line.toString();
    }

    private long readLong() throws IOException {
        int c = in.read();
        boolean negative = c == '-';
        if (negative) {
            c = in.read();
        }
        long n = 0;
        while (c != '\r') {
            if (c < '0' || c > '9') {
                throw new IOException("bad number in reply, byte " + c);
            }
            n = n * 10 + (c - '0');
            c = in.read();
        }
        expectNewline();
        return negative ? -n : n;
    }

    private void expectNewline() throws IOException {
        if (in.read() != '\n') {
            throw new IOException("reply line not ended by CRLF");
        }
    }
}
