package dev.voicetrack.storage.mongo;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.net.InetSocketAddress;

/**
 * An in-process server that speaks the MongoDB wire protocol (mongo-java-server, memory backend) on
 * a free loopback port, reached through the real driver. It has no transactions, which the storage
 * does not use.
 */
final class InProcessMongo implements AutoCloseable {
    private final MongoServer server;
    private final MongoClient client;

    InProcessMongo() {
        server = new MongoServer(new MemoryBackend());
        server.bind("127.0.0.1", 0);
        InetSocketAddress address = server.getLocalAddress();
        client = MongoClients.create("mongodb://127.0.0.1:" + address.getPort());
    }

    MongoClient client() {
        return client;
    }

    @Override
    public void close() {
        client.close();
        server.shutdownNow();
    }
}
