package dev.voicetrack.testkit.redis;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Finds free loopback ports, never the shared Redis port. */
final class FreePorts {

    private FreePorts() {}

    /**
     * A port that is free now on 127.0.0.1; with {@code withClusterBus}, its cluster bus port (port +
     * 10000) is free too.
     */
    static int find(boolean withClusterBus) {
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = probe(0);
            if (port <= 0 || port == RedisServer.SHARED_PORT) {
                continue;
            }
            if (!withClusterBus) {
                return port;
            }
            if (port + 10_000 <= 65_535 && probe(port + 10_000) > 0) {
                return port;
            }
        }
        throw new IllegalStateException("no free loopback port found");
    }

    private static int probe(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return s.getLocalPort();
        } catch (IOException e) {
            return -1;
        }
    }
}
