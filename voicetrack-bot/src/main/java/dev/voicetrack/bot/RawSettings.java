package dev.voicetrack.bot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The settings as text, before {@link ConfigParser} reads them: every name of {@link
 * BotConfig#SETTINGS} with its value (defaults applied) and where the value came from. Reading the
 * sources (environment, {@code .env}, config file, overrides), masking secrets for display, and the
 * {@code .env} typo warnings live here. Immutable.
 */
final class RawSettings {

    private static final String DEFAULT = "default";
    private static final Set<String> SECRETS = Set.of("DISCORD_BOT_TOKEN", "ADMIN_API_TOKEN", "POSTGRES_PASSWORD");
    private static final Set<String> URLS_WITH_CREDENTIALS = Set.of("MONGODB_URI", "REDIS_URL", "VOICETRACK_JDBC_URL");

    /** Settings whose value is a secret that must not be blank when given. */
    private static final Set<String> TOKENS = Set.of("DISCORD_BOT_TOKEN", "ADMIN_API_TOKEN");

    private final Map<String, String> values;
    private final Map<String, String> sources;

    /** Warnings about names in the {@code .env} file that are not settings (likely typos). */
    private final List<String> ignored;

    private RawSettings(Map<String, String> values, Map<String, String> sources, List<String> ignored) {
        this.values = values;
        this.sources = sources;
        this.ignored = List.copyOf(ignored);
    }

    /** See {@link BotConfig#load}. */
    static RawSettings read(
            Map<String, String> environment,
            @Nullable Path dotEnv,
            @Nullable Path configFile,
            Map<String, String> overrides) {
        Map<String, String> values = new TreeMap<>();
        Map<String, String> sources = new TreeMap<>();
        BotConfig.SETTINGS.forEach((k, v) -> {
            values.put(k, v.defaultValue());
            sources.put(k, DEFAULT);
        });
        if (configFile != null) {
            readConfigFile(configFile).forEach((k, v) -> put(values, sources, k, v, configFile.toString()));
        }
        List<String> ignored = new ArrayList<>();
        if (dotEnv != null && Files.isRegularFile(dotEnv)) {
            readDotEnv(dotEnv).forEach((k, v) -> {
                if (BotConfig.SETTINGS.containsKey(k)) {
                    put(values, sources, k, v, dotEnv.toString());
                } else {
                    // A .env may be shared with other tools, so an unknown name is not an error; but it is
                    // most often a typo that would leave a setting at its default without a word.
                    ignored.add(k + " in " + dotEnv + " is not a VoiceTrack setting and was ignored"
                            + closest(k).map(c -> " (did you mean " + c + "?)").orElse(""));
                }
            });
        }
        environment.forEach((k, v) -> {
            if (BotConfig.SETTINGS.containsKey(k) && v != null) {
                put(values, sources, k, v, "environment");
            }
        });
        overrides.forEach((k, v) -> put(values, sources, k, v, "command line"));
        return new RawSettings(values, sources, ignored);
    }

    /** A copy with {@code changes} applied, as if given by {@code source}. */
    RawSettings with(Map<String, String> changes, String source) {
        Map<String, String> v = new TreeMap<>(values);
        Map<String, String> s = new TreeMap<>(sources);
        changes.forEach((k, val) -> put(v, s, k, val, source));
        return new RawSettings(v, s, ignored);
    }

    /** A copy with those of {@code changes} applied whose setting no source gave. */
    RawSettings withDefaults(Map<String, String> changes, String source) {
        Map<String, String> unset = new LinkedHashMap<>();
        changes.forEach((k, val) -> {
            if (DEFAULT.equals(sources.get(known(k)))) {
                unset.put(k, val);
            }
        });
        return with(unset, source);
    }

    private static void put(Map<String, String> values, Map<String, String> sources, String k, String v, String src) {
        if (!BotConfig.SETTINGS.containsKey(k)) {
            throw new ConfigException("unknown setting " + k + " in " + src + " (see --help for the names)");
        }
        if (TOKENS.contains(k) && !v.isEmpty() && v.isBlank()) {
            throw new ConfigException(k + " in " + src + " is blank (" + v.length()
                    + " whitespace characters); set the real value, or remove the line to leave it unset");
        }
        values.put(k, v.trim());
        sources.put(k, src);
    }

    /** The value of a setting, defaults applied; never null. */
    String value(String name) {
        return values.get(known(name));
    }

    private static String known(String name) {
        if (!BotConfig.SETTINGS.containsKey(name)) {
            throw new IllegalArgumentException("unknown setting " + name);
        }
        return name;
    }

    /** The value as it may be printed: secrets masked, passwords in URLs hidden. */
    String masked(String name) {
        String v = value(name);
        if (SECRETS.contains(name)) {
            return BotConfig.maskSecret(v);
        }
        if (URLS_WITH_CREDENTIALS.contains(name)) {
            return BotConfig.maskUrl(v);
        }
        return v;
    }

    /** The value as an error message may echo it: {@link #masked} and {@link BotConfig#abbreviate cut}. */
    String shown(String name) {
        return BotConfig.abbreviate(masked(name));
    }

    List<String> ignored() {
        return ignored;
    }

    /** Every setting with its (masked) value and where it came from, one per line. */
    String dump() {
        StringBuilder sb = new StringBuilder();
        for (String k : BotConfig.SETTINGS.keySet()) {
            sb.append(String.format(Locale.ROOT, "  %-22s = %-30s (%s)%n", k, masked(k), sources.get(k)));
        }
        return sb.toString();
    }

    // ---- sources ----

    static Map<String, String> readDotEnv(Path file) {
        Map<String, String> out = new LinkedHashMap<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException("cannot read " + file + ": " + e.getMessage());
        }
        for (String raw : lines) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("export ")) {
                line = line.substring(7).strip();
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String key = line.substring(0, eq).strip();
            String value = line.substring(eq + 1).strip();
            if (value.length() >= 2
                    && ((value.startsWith("\"") && value.endsWith("\""))
                            || (value.startsWith("'") && value.endsWith("'")))) {
                value = value.substring(1, value.length() - 1);
            } else {
                int hash = value.indexOf(" #");
                if (hash >= 0) {
                    value = value.substring(0, hash).strip();
                }
            }
            out.put(key, value);
        }
        return out;
    }

    static Map<String, String> readConfigFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("config file " + file + " does not exist");
        }
        Map<String, String> out = new LinkedHashMap<>();
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        try {
            if (name.endsWith(".json")) {
                JsonNode root = new ObjectMapper().readTree(file.toFile());
                if (root == null || !root.isObject()) {
                    throw new ConfigException("config file " + file + " must hold one JSON object of settings");
                }
                root.fields().forEachRemaining(e -> {
                    if (e.getValue().isContainerNode()) {
                        throw new ConfigException(
                                "setting " + e.getKey() + " in " + file + " must be a string, number or boolean");
                    }
                    out.put(e.getKey(), e.getValue().asText());
                });
            } else {
                Properties p = new Properties();
                try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                    p.load(r);
                }
                for (String k : p.stringPropertyNames()) {
                    out.put(k, p.getProperty(k));
                }
            }
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
        }
        return out;
    }

    /** The setting whose name is at most two edits from {@code name}, if exactly one is. */
    static Optional<String> closest(String name) {
        List<String> near = BotConfig.SETTINGS.keySet().stream()
                .filter(k -> editDistance(k, name.toUpperCase(Locale.ROOT)) <= 2)
                .toList();
        return near.size() == 1 ? Optional.of(near.get(0)) : Optional.empty();
    }

    private static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j], cur[j - 1]) + 1);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
