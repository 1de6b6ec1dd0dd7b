package dev.voicetrack.storage.mongo;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import dev.voicetrack.core.migrate.DvtDocuments;
import dev.voicetrack.core.migrate.DvtGuild;
import dev.voicetrack.core.migrate.DvtGuildData;
import dev.voicetrack.core.migrate.DvtReader;
import dev.voicetrack.core.migrate.DvtSession;
import dev.voicetrack.core.migrate.DvtUser;
import dev.voicetrack.core.migrate.DvtValues;
import dev.voicetrack.core.migrate.ImportException;
import java.util.AbstractCollection;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.bson.BsonValue;
import org.bson.Document;

/**
 * Reads the database of discord-vc-tracker's {@code MongoStorage} (database {@code voicetracker} by
 * default): collections {@code guilds}, {@code users} and {@code sessions}, only with queries (no
 * index is created, nothing is written). Numbers are read whatever BSON type the JavaScript driver
 * chose (int32 for small values, double beyond, int64), provided they are whole; dates are BSON
 * dates. Guilds come in id order, one at a time, each with its sessions read from the server as they
 * are iterated (never all in memory here); users and sessions whose guild document is gone
 * come last, as guilds without a record. A document that cannot be read fails with an {@link
 * ImportException} naming the collection, the document's {@code _id} and the field.
 */
public final class DvtMongoReader implements DvtReader {
    /** The original's default database name. */
    public static final String DEFAULT_DATABASE = "voicetracker";

    private final MongoClient client;
    private final MongoDatabase db;
    private final List<MongoCursor<Document>> cursors = new ArrayList<>();
    private final String shown;

    private DvtMongoReader(MongoClient client, MongoDatabase db, String shown) {
        this.client = client;
        this.db = db;
        this.shown = shown;
    }

    /**
     * Connects to {@code uri} and reads {@code database}. Unless the URI sets {@code
     * serverSelectionTimeoutMS}, an unreachable server fails after 5 s.
     *
     * @throws ImportException if the URI is malformed
     */
    public static DvtMongoReader open(String uri, String database) {
        Objects.requireNonNull(uri, "uri must not be null");
        Objects.requireNonNull(database, "database must not be null");
        if (database.isBlank()) {
            throw new IllegalArgumentException("database must not be blank, was '" + database + "'");
        }
        String masked = uri.replaceAll("(?<=://)[^/@]*@", "****@");
        try {
            ConnectionString cs = new ConnectionString(uri);
            MongoClientSettings.Builder settings = MongoClientSettings.builder().applyConnectionString(cs);
            if (cs.getServerSelectionTimeout() == null) {
                // An unreachable server fails in seconds, not after the driver's 30 s default.
                settings.applyToClusterSettings(b -> b.serverSelectionTimeout(5, TimeUnit.SECONDS));
            }
            MongoClient client = MongoClients.create(settings.build());
            return new DvtMongoReader(client, client.getDatabase(database), "dvt-mongo:" + masked + "#" + database);
        } catch (IllegalArgumentException | MongoException e) {
            throw new ImportException("dvt-mongo: cannot connect to " + masked + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String describe() {
        return shown;
    }

    @Override
    public void read(Consumer<DvtGuildData> guilds) {
        try {
            List<DvtGuild> records = new ArrayList<>();
            Set<String> known = new TreeSet<>();
            try (MongoCursor<Document> c = db.getCollection("guilds")
                    .find()
                    .sort(Sorts.ascending("guildId"))
                    .iterator()) {
                while (c.hasNext()) {
                    Document d = c.next();
                    String where = where("guilds", d);
                    String id = DvtValues.id(d.get("guildId"), where + ".guildId");
                    records.add(DvtDocuments.guild(id, d, where));
                    known.add(id);
                }
            }
            Set<String> orphans = new LinkedHashSet<>();
            for (String collection : List.of("users", "sessions")) {
                for (BsonValue id : db.getCollection(collection).distinct("guildId", BsonValue.class)) {
                    String g = DvtValues.id(plain(id), shown + " collection " + collection + " guildId");
                    if (!known.contains(g)) {
                        orphans.add(g);
                    }
                }
            }
            for (DvtGuild g : records) {
                guilds.accept(new DvtGuildData(g.guildId(), g, users(g.guildId()), sessions(g.guildId())));
                closeCursors();
            }
            for (String g : new TreeSet<>(orphans)) {
                guilds.accept(new DvtGuildData(g, null, users(g), sessions(g)));
                closeCursors();
            }
        } catch (MongoException e) {
            throw new ImportException(shown + ": cannot be read: " + e.getMessage() + "; nothing was written", e);
        } finally {
            closeCursors();
        }
    }

    private List<DvtUser> users(String guildId) {
        List<DvtUser> out = new ArrayList<>();
        MongoCollection<Document> users = db.getCollection("users");
        try (MongoCursor<Document> c = users.find(Filters.eq("guildId", guildId))
                .sort(Sorts.ascending("userId"))
                .iterator()) {
            while (c.hasNext()) {
                Document d = c.next();
                out.add(DvtDocuments.user(d, where("users", d)));
            }
        }
        return out;
    }

    /**
     * The guild's sessions, read from the server each time they are iterated (a guild may hold
     * millions: they are never all in memory here). Cursors still open when the guild's call returns
     * are closed by {@link #read}.
     */
    private Collection<DvtSession> sessions(String guildId) {
        MongoCollection<Document> sessions = db.getCollection("sessions");
        return new AbstractCollection<>() {
            private long size = -1;

            @Override
            public int size() {
                if (size < 0) {
                    size = sessions.countDocuments(Filters.eq("guildId", guildId));
                }
                return (int) Math.min(size, Integer.MAX_VALUE);
            }

            @Override
            public Iterator<DvtSession> iterator() {
                MongoCursor<Document> c = sessions.find(Filters.eq("guildId", guildId))
                        .sort(Sorts.ascending("_id"))
                        .iterator();
                cursors.add(c);
                return new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        boolean more = c.hasNext();
                        if (!more) {
                            c.close();
                            cursors.remove(c);
                        }
                        return more;
                    }

                    @Override
                    public DvtSession next() {
                        Document d = c.next();
                        return DvtDocuments.session(d, where("sessions", d));
                    }
                };
            }
        };
    }

    /** Closes the session cursors a guild's consumer left open (it stopped iterating, or failed). */
    private void closeCursors() {
        cursors.forEach(MongoCursor::close);
        cursors.clear();
    }

    /** A distinct value as the driver decodes it inside a document. */
    private static Object plain(BsonValue v) {
        if (v.isString()) {
            return v.asString().getValue();
        }
        if (v.isInt32()) {
            return v.asInt32().getValue();
        }
        if (v.isInt64()) {
            return v.asInt64().getValue();
        }
        return v.toString();
    }

    private String where(String collection, Document d) {
        return shown + " collection " + collection + " document " + d.get("_id");
    }

    /** Closes the connection. */
    @Override
    public void close() {
        client.close();
    }
}
