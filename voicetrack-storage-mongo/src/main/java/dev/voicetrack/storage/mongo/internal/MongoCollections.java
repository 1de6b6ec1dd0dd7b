package dev.voicetrack.storage.mongo.internal;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import org.bson.Document;

/**
 * The database and its seven VoiceTrack collections, resolved once and shared by the storage's parts.
 * Resolving sends nothing to the server.
 *
 * @param database the database
 * @param guilds config by guild id ({@code _id}), in the form of {@link Documents#configDoc}
 * @param members one document per guild and user ({@code _id} "guild:user"), see {@link Documents}
 * @param activity one document per guild, user, day and channel ({@code _id} "guild:user:day:channel")
 * @param hourly one document per guild, local hour slot and channel ({@code _id} "guild:slot:channel"),
 *     the guild's hourly activity (see the kernel's {@code HourlyRule}); a collection added after
 *     schema version 1, absent (so empty) in older databases, which read the same
 * @param sessions one document per voice session ({@code _id} the session id)
 * @param journal the chunks and headers of batches being applied, see {@link BatchJournal}
 * @param meta the schema version ({@code _id} "schema")
 */
public record MongoCollections(
        MongoDatabase database,
        MongoCollection<Document> guilds,
        MongoCollection<Document> members,
        MongoCollection<Document> activity,
        MongoCollection<Document> hourly,
        MongoCollection<Document> sessions,
        MongoCollection<Document> journal,
        MongoCollection<Document> meta) {

    /** The collections of {@code database}, by their stored names. */
    public static MongoCollections of(MongoDatabase database) {
        return new MongoCollections(
                database,
                database.getCollection("guilds"),
                database.getCollection("members"),
                database.getCollection("activity"),
                database.getCollection("hourly"),
                database.getCollection("sessions"),
                database.getCollection("journal"),
                database.getCollection("meta"));
    }

    /** The database's name, for messages. */
    public String name() {
        return database.getName();
    }
}
