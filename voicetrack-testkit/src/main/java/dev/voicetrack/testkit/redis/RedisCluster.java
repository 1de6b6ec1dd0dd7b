package dev.voicetrack.testkit.redis;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away Redis Cluster of three masters and no replicas for integration tests: three {@link
 * RedisServer}s with {@code --cluster-enabled yes} on free loopback ports (whose cluster bus ports,
 * +10000, are free too), joined with {@code redis-cli --cluster create ... --cluster-replicas 0
 * --cluster-yes} (or, without {@code redis-cli}, with the same CLUSTER ADDSLOTS and CLUSTER MEET
 * commands sent directly). {@link #start()} returns once every node reports {@code cluster_state:ok}.
 */
public final class RedisCluster implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

    private final List<RedisServer> nodes;

    private RedisCluster(List<RedisServer> nodes) {
        this.nodes = List.copyOf(nodes);
    }

    /**
     * Starts three masters and creates the cluster.
     *
     * @throws IllegalStateException if {@code redis-cli} is missing or the cluster does not form in time
     */
    public static RedisCluster start() {
        List<RedisServer> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                int port = FreePorts.find(true);
                nodes.add(RedisServer.startOnPort(
                        port,
                        List.of(
                                "--cluster-enabled", "yes",
                                "--cluster-config-file", "nodes-" + port + ".conf",
                                "--cluster-node-timeout", "5000")));
            }
            Optional<Path> cli = RedisBinaries.redisCli();
            if (cli.isPresent()) {
                createWithCli(cli.get(), nodes);
            } else {
                createByHand(nodes);
            }
            RedisCluster cluster = new RedisCluster(nodes);
            cluster.awaitReady();
            return cluster;
        } catch (IOException | RuntimeException e) {
            nodes.forEach(RedisServer::close);
            throw e instanceof RuntimeException r ? r : new IllegalStateException("could not create the cluster", e);
        } catch (InterruptedException e) {
            nodes.forEach(RedisServer::kill);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating the cluster", e);
        }
    }

    private static void createWithCli(Path cli, List<RedisServer> nodes) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(cli.toString(), "--cluster", "create"));
        for (RedisServer n : nodes) {
            cmd.add(n.host() + ":" + n.port());
        }
        cmd.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("redis-cli --cluster create failed: " + output);
        }
    }

    /**
     * What {@code redis-cli --cluster create} does, for when only an embedded {@code redis-server} is
     * available: split the 16384 slots into three ranges, assign one to each node, and introduce the
     * nodes to each other.
     */
    private static void createByHand(List<RedisServer> nodes) {
        int slots = 16384;
        for (int i = 0; i < nodes.size(); i++) {
            int from = slots * i / nodes.size();
            int to = slots * (i + 1) / nodes.size();
            String[] cmd = new String[2 + to - from];
            cmd[0] = "CLUSTER";
            cmd[1] = "ADDSLOTS";
            for (int s = from; s < to; s++) {
                cmd[2 + s - from] = Integer.toString(s);
            }
            String reply = nodes.get(i).command(cmd);
            if (!reply.equals("+OK")) {
                throw new IllegalStateException("CLUSTER ADDSLOTS failed on " + nodes.get(i) + ": " + reply);
            }
        }
        RedisServer first = nodes.get(0);
        for (RedisServer other : nodes.subList(1, nodes.size())) {
            String reply = first.command("CLUSTER", "MEET", other.host(), Integer.toString(other.port()));
            if (!reply.equals("+OK")) {
                throw new IllegalStateException("CLUSTER MEET failed: " + reply);
            }
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            boolean ok = true;
            for (RedisServer n : nodes) {
                if (!n.command("CLUSTER", "INFO").contains("cluster_state:ok")) {
                    ok = false;
                    break;
                }
            }
            if (ok) {
                return;
            }
            RedisServer.sleepBriefly();
        }
        throw new IllegalStateException("cluster did not reach cluster_state:ok within " + READY_TIMEOUT);
    }

    /** The three master nodes. */
    public List<RedisServer> nodes() {
        return nodes;
    }

    /** Seed URLs of every node, {@code redis://127.0.0.1:<port>}. */
    public List<String> urls() {
        return nodes.stream().map(RedisServer::url).toList();
    }

    /** Kills every node and deletes their directories. */
    @Override
    public void close() {
        nodes.forEach(RedisServer::close);
    }
}
