package dev.voicetrack.testkit.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy for fault-injection tests: it forwards a loopback port to a real server (PostgreSQL,
 * Redis, anything over TCP) and can be switched, at any moment, to behave like a server that is down
 * or hung. Point the component under test at {@link #host()}:{@link #port()} instead of the server.
 *
 * <h2>Modes</h2>
 *
 * <ul>
 *   <li>{@link Mode#FORWARD} (the initial mode): every byte is passed on in both directions.
 *   <li>{@link Mode#REFUSE}: the listening socket is closed, so a new connection is refused by the
 *       operating system, as when the server process is gone. Connections already open keep flowing;
 *       call {@link #cutAll()} as well to drop them, as a crash or a restart would.
 *   <li>{@link Mode#HANG}: new connections are accepted but never answered (nothing is connected
 *       upstream), and connections already open are frozen: no byte passes in either direction, and a
 *       side that closes its socket is not seen to close by the other. This is a server that stopped
 *       answering (a stopped process, a full disk, a network partition without resets).
 * </ul>
 *
 * Switching back to {@link #forward()} lifts a hang the way a healed network partition does: frozen
 * connections carry on with the bytes that were held, and connections accepted during the hang are
 * connected upstream then. A test that wants the hang to end in resets instead calls {@link
 * #cutAll()} before {@link #forward()}.
 *
 * <p>{@link #cutAll()} closes every open connection on both ends with a TCP reset (whatever the mode),
 * so both the client and the server see the connection broken.
 *
 * <h2>Threads and cost</h2>
 *
 * Thread safe: modes can be switched from any thread while traffic flows. Each connection costs two
 * daemon threads copying blocking streams; this is a test tool for a handful of connections, not a
 * production proxy. The port stays the same across {@link #refuse()} and {@link #forward()}: it is
 * bound again with {@code SO_REUSEADDR}. {@link #close()} cuts every connection and frees the port.
 */
public final class FaultProxy implements AutoCloseable {

    /** What the proxy does with connections; see the class comment. */
    public enum Mode {
        FORWARD,
        REFUSE,
        HANG
    }

    private static final int BUFFER = 16 * 1024;

    private final InetSocketAddress target;
    private final InetAddress bindAddress = InetAddress.getLoopbackAddress();
    private final int port;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final Object lock = new Object();

    private Mode mode = Mode.FORWARD; // guarded by lock
    private ServerSocket listener; // guarded by lock; null while refusing or closed
    private boolean closed; // guarded by lock

    private FaultProxy(InetSocketAddress target) throws IOException {
        this.target = target;
        this.listener = listen(0);
        this.port = listener.getLocalPort();
        startAccepting(listener);
    }

    /**
     * Starts a proxy on a free loopback port, forwarding to {@code host}:{@code port}. Nothing is
     * connected upstream until a client connects.
     *
     * @throws UncheckedIOException if no port can be bound
     * @throws IllegalArgumentException if {@code port} is not 1..65535
     */
    public static FaultProxy start(String host, int port) {
        Objects.requireNonNull(host, "host must not be null");
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port must be between 1 and 65535, was " + port);
        }
        try {
            return new FaultProxy(new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a proxy to " + host + ":" + port, e);
        }
    }

    /** The address clients connect to: the loopback address. */
    public String host() {
        return bindAddress.getHostAddress();
    }

    /** The port clients connect to; the same for the proxy's whole life. */
    public int port() {
        return port;
    }

    /** The current mode. */
    public Mode mode() {
        synchronized (lock) {
            return mode;
        }
    }

    /** Connections open now (accepted and not yet closed), in any mode. */
    public int openConnections() {
        return links.size();
    }

    /**
     * Forwards again: binds the port again after {@link #refuse()}, resumes frozen connections and
     * connects upstream those accepted during a hang.
     *
     * @throws UncheckedIOException if the port cannot be bound again (another process took it)
     * @throws IllegalStateException if the proxy is closed
     */
    public void forward() {
        switchTo(Mode.FORWARD);
    }

    /** Refuses new connections (the port is closed); open connections are left as they are. */
    public void refuse() {
        switchTo(Mode.REFUSE);
    }

    /** Accepts new connections without answering them and freezes the open ones. */
    public void hang() {
        switchTo(Mode.HANG);
    }

    private void switchTo(Mode next) {
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("the proxy is closed");
            }
            if (next == Mode.REFUSE && listener != null) {
                closeQuietly(listener);
                listener = null;
            } else if (next != Mode.REFUSE && listener == null) {
                try {
                    listener = listen(port);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot bind port " + port + " again", e);
                }
                startAccepting(listener);
            }
            mode = next;
            lock.notifyAll();
        }
    }

    /** Closes every open connection with a reset, on both ends; the mode stays as it is. */
    public void cutAll() {
        for (Link link : links) {
            link.cut();
        }
    }

    /** Cuts every connection and frees the port. Idempotent. */
    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            if (listener != null) {
                closeQuietly(listener);
                listener = null;
            }
            lock.notifyAll();
        }
        cutAll();
    }

    @Override
    public String toString() {
        return "FaultProxy[" + host() + ":" + port + " -> " + target.getHostString() + ":" + target.getPort() + ", "
                + mode() + ", " + links.size() + " connections]";
    }

    // ---------------------------------------------------------------- plumbing

    private ServerSocket listen(int onPort) throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(bindAddress, onPort), 50);
        return s;
    }

    private void startAccepting(ServerSocket server) {
        daemon("fault-proxy-accept-" + port, () -> {
            while (!server.isClosed()) {
                Socket client;
                try {
                    client = server.accept();
                } catch (IOException e) {
                    return; // closed by refuse() or close()
                }
                Link link = new Link(client);
                links.add(link);
                daemon("fault-proxy-link-" + port, link::run);
            }
        });
    }

    /**
     * Blocks while the proxy hangs; returns whether traffic may flow (false once closed). A link that
     * was cut returns false too.
     */
    private boolean awaitFlowing(Link link) {
        synchronized (lock) {
            while (mode == Mode.HANG && !closed && !link.isCut()) {
                try {
                    lock.wait(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return !closed && !link.isCut();
        }
    }

    private static void daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // closing is best effort
        }
    }

    /** One client connection and, once connected, its upstream connection. */
    private final class Link {
        private final Socket client;
        private volatile Socket upstream;
        private volatile boolean cut;

        Link(Socket client) {
            this.client = client;
        }

        boolean isCut() {
            return cut;
        }

        void run() {
            // A connection accepted during a hang is held here, unanswered, until the hang ends.
            if (!awaitFlowing(this)) {
                cut();
                return;
            }
            Socket up = new Socket();
            try {
                up.setTcpNoDelay(true);
                client.setTcpNoDelay(true);
                up.connect(target, 5_000);
            } catch (IOException e) {
                closeQuietly(up);
                cut(); // the server itself is down: the client sees its connection dropped
                return;
            }
            upstream = up;
            if (cut) { // cut() ran before upstream was set
                cut();
                return;
            }
            daemon("fault-proxy-up-" + port, () -> pump(client, up));
            pump(up, client);
        }

        /** Copies {@code from} into {@code to} until either ends, holding bytes while the proxy hangs. */
        private void pump(Socket from, Socket to) {
            byte[] buffer = new byte[BUFFER];
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                while (true) {
                    int n = in.read(buffer);
                    if (!awaitFlowing(this)) {
                        break;
                    }
                    if (n < 0) {
                        break;
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // one side broke: the other side is closed below
            }
            close();
        }

        /** Closes both ends normally (one side ended its connection). */
        private void close() {
            links.remove(this);
            closeQuietly(client);
            Socket up = upstream;
            if (up != null) {
                closeQuietly(up);
            }
        }

        /** Closes both ends with a reset. */
        void cut() {
            cut = true;
            links.remove(this);
            reset(client);
            Socket up = upstream;
            if (up != null) {
                reset(up);
            }
            synchronized (lock) {
                lock.notifyAll();
            }
        }

        private void reset(Socket s) {
            try {
                s.setSoLinger(true, 0);
            } catch (SocketException ignored) {
                // already closed
            }
            closeQuietly(s);
        }
    }
}
