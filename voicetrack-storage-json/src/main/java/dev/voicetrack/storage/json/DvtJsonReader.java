package dev.voicetrack.storage.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.voicetrack.core.migrate.DvtDocuments;
import dev.voicetrack.core.migrate.DvtGuild;
import dev.voicetrack.core.migrate.DvtGuildData;
import dev.voicetrack.core.migrate.DvtReader;
import dev.voicetrack.core.migrate.DvtSession;
import dev.voicetrack.core.migrate.DvtUser;
import dev.voicetrack.core.migrate.ImportException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Reads the data directory of discord-vc-tracker's {@code JSONStorage}: {@code guilds.json} (one
 * object keyed by guild id, each guild with its {@code users} array) and {@code sessions.json} (an
 * array of sessions, optional). Both are streamed with Jackson's parser, so a {@code guilds.json} of
 * any size needs memory for one guild at a time (plus the sessions, which the original caps at
 * 10,000). Ids are read as text whatever their size; numbers stay exact. A file that is not valid
 * JSON, ends early or holds a value of the wrong type fails with an {@link ImportException} naming
 * the file, the line, the column and the byte offset. The files are only read.
 *
 * <pre>{@code
 * try (DvtReader reader = DvtJsonReader.open(Path.of("data"))) {
 *     ImportReport report = Importer.from(DvtImport.source(reader)).to(storage).run();
 * }
 * }</pre>
 */
public final class DvtJsonReader implements DvtReader {
    /** The guilds file of the original's JSON backend. */
    public static final String GUILDS_FILE = "guilds.json";
    /** The sessions file of the original's JSON backend. */
    public static final String SESSIONS_FILE = "sessions.json";

    private static final JsonFactory JSON = JsonFactory.builder().build();

    private final Path dir;

    private DvtJsonReader(Path dir) {
        this.dir = dir;
    }

    /**
     * A reader of {@code dir}.
     *
     * @throws ImportException if {@code dir} is not a directory holding {@value #GUILDS_FILE}
     */
    public static DvtJsonReader open(Path dir) {
        Objects.requireNonNull(dir, "dir must not be null");
        if (!Files.isRegularFile(dir.resolve(GUILDS_FILE))) {
            throw new ImportException("dvt-json: " + dir + " holds no " + GUILDS_FILE
                    + " (give the data directory of discord-vc-tracker's JSONStorage)");
        }
        return new DvtJsonReader(dir);
    }

    @Override
    public String describe() {
        return "dvt-json:" + dir;
    }

    @Override
    public void read(Consumer<DvtGuildData> guilds) {
        Map<String, List<DvtSession>> sessions = readSessions();
        Path file = dir.resolve(GUILDS_FILE);
        try (JsonParser p = JSON.createParser(file.toFile())) {
            expect(p, p.nextToken(), JsonToken.START_OBJECT, file, "an object keyed by guild id");
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                guilds.accept(guild(p, file, key, sessions.remove(key)));
            }
            expect(p, t, JsonToken.END_OBJECT, file, "a guild id or the end of the object");
            if (p.nextToken() != null) {
                throw located(file, p.currentLocation(), "unexpected data after the end of the guilds object");
            }
        } catch (JsonProcessingException e) {
            throw located(file, e.getLocation(), e.getOriginalMessage());
        } catch (IOException e) {
            throw new ImportException(file + ": cannot be read: " + e.getMessage(), e);
        }
        sessions.forEach((guildId, list) -> guilds.accept(new DvtGuildData(guildId, null, List.of(), list)));
    }

    private DvtGuildData guild(JsonParser p, Path file, String key, @Nullable List<DvtSession> sessions)
            throws IOException {
        expect(p, p.nextToken(), JsonToken.START_OBJECT, file, "the object of guild " + key);
        Map<String, Object> fields = new LinkedHashMap<>();
        List<DvtUser> users = new ArrayList<>();
        String where = GUILDS_FILE + " guild " + key;
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            if (name.equals("users") && v == JsonToken.START_ARRAY) {
                int i = 0;
                while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                    JsonLocation at = p.currentLocation();
                    Object user = tree(p, file);
                    if (!(user instanceof Map<?, ?> doc)) {
                        throw located(file, at, where + ".users[" + i + "] must be an object");
                    }
                    users.add(convert(
                            file, at, () -> DvtDocuments.user(cast(doc), where + ".users[" + users.size() + "]")));
                    i++;
                }
            } else {
                fields.put(name, tree(p, file));
            }
        }
        JsonLocation end = p.currentLocation();
        DvtGuild guild = convert(file, end, () -> DvtDocuments.guild(key, fields, where));
        return new DvtGuildData(key, guild, users, sessions == null ? List.of() : sessions);
    }

    private Map<String, List<DvtSession>> readSessions() {
        Map<String, List<DvtSession>> byGuild = new LinkedHashMap<>();
        Path file = dir.resolve(SESSIONS_FILE);
        if (!Files.exists(file)) {
            return byGuild;
        }
        try (JsonParser p = JSON.createParser(file.toFile())) {
            expect(p, p.nextToken(), JsonToken.START_ARRAY, file, "an array of sessions");
            int i = 0;
            while (p.nextToken() != JsonToken.END_ARRAY) {
                JsonLocation at = p.currentLocation();
                Object s = tree(p, file);
                if (!(s instanceof Map<?, ?> doc)) {
                    throw located(file, at, "sessions[" + i + "] must be an object");
                }
                Map<String, Object> m = cast(doc);
                String where = SESSIONS_FILE + "[" + i + "]";
                DvtSession session = convert(file, at, () -> DvtDocuments.session(m, where));
                String guildId = convert(
                        file, at, () -> dev.voicetrack.core.migrate.DvtValues.id(m.get("guildId"), where + ".guildId"));
                byGuild.computeIfAbsent(guildId, k -> new ArrayList<>()).add(session);
                i++;
            }
            if (p.nextToken() != null) {
                throw located(file, p.currentLocation(), "unexpected data after the end of the sessions array");
            }
        } catch (JsonProcessingException e) {
            throw located(file, e.getLocation(), e.getOriginalMessage());
        } catch (IOException e) {
            throw new ImportException(file + ": cannot be read: " + e.getMessage(), e);
        }
        return byGuild;
    }

    /** The value at the parser's current token as a plain tree; numbers exact, text as text. */
    private static @Nullable Object tree(JsonParser p, Path file) throws IOException {
        JsonToken t = p.currentToken();
        if (t == null) {
            throw located(file, p.currentLocation(), "the file ends in the middle of a value");
        }
        switch (t) {
            case START_OBJECT: {
                Map<String, Object> m = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    p.nextToken();
                    m.put(name, tree(p, file));
                }
                return m;
            }
            case START_ARRAY: {
                List<Object> l = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    if (p.currentToken() == null) {
                        throw located(file, p.currentLocation(), "the file ends in the middle of a list");
                    }
                    l.add(tree(p, file));
                }
                return l;
            }
            case VALUE_STRING:
                return p.getText();
            case VALUE_NUMBER_INT:
                return p.getNumberValue();
            case VALUE_NUMBER_FLOAT:
                return p.getDoubleValue();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            default:
                throw located(file, p.currentLocation(), "unexpected " + t);
        }
    }

    private static void expect(JsonParser p, @Nullable JsonToken got, JsonToken want, Path file, String what) {
        if (got != want) {
            throw located(
                    file,
                    p.currentLocation(),
                    "expected " + what + ", found "
                            + (got == null
                                    ? "the end of the file"
                                    : got.asString() == null ? got : "'" + got.asString() + "'"));
        }
    }

    private interface Conversion<T> {
        T get();
    }

    private static <T> T convert(Path file, JsonLocation at, Conversion<T> c) {
        try {
            return c.get();
        } catch (ImportException e) {
            throw located(file, at, e.getMessage());
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> m) {
        return (Map<String, Object>) m;
    }

    private static ImportException located(Path file, @Nullable JsonLocation at, String what) {
        String where = at == null
                ? ""
                : " at line " + at.getLineNr() + ", column " + at.getColumnNr() + " (byte " + at.getByteOffset() + ")";
        return new ImportException(file + where + ": " + plain(what) + "; nothing was written");
    }

    /** Jackson's message without its source description ("[Source: ...; line: 1, column: 95]" reads "line 1, column 95"). */
    static String plain(String jacksonMessage) {
        return SOURCE_REF.matcher(jacksonMessage).replaceAll("line $1, column $2");
    }

    private static final Pattern SOURCE_REF = Pattern.compile("\\[Source: [^\\]]*?; line: (\\d+), column: (\\d+)]");
}
