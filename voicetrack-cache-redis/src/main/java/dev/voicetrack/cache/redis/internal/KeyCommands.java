package dev.voicetrack.cache.redis.internal;

import io.lettuce.core.KeyValue;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The few commands a cache's single-key hot path sends ({@code get}, {@code put}), over either a
 * blocking {@link DirectConnection} or Lettuce ({@link #of}). Both answer alike: a script's reply is
 * a {@code Long}, a {@code byte[]}, {@code null} (Lua {@code false} or nil) or a {@code List} of
 * those.
 */
interface KeyCommands {

    /** The values of {@code fields} in the hash at {@code key}, {@code null} where a field is absent. */
    List<byte @Nullable []> hmget(String key, String... fields);

    <T> T evalsha(String sha, ScriptOutputType type, String[] keys, byte[]... args);

    <T> T eval(String script, ScriptOutputType type, String[] keys, byte[]... args);

    /** The same commands on a Lettuce connection. */
    static KeyCommands of(RedisClusterCommands<String, byte[]> redis) {
        return new KeyCommands() {
            @Override
            public List<byte @Nullable []> hmget(String key, String... fields) {
                List<KeyValue<String, byte[]>> found = redis.hmget(key, fields);
                List<byte @Nullable []> values = new ArrayList<>(found.size());
                for (KeyValue<String, byte[]> kv : found) {
                    values.add(kv.hasValue() ? kv.getValue() : null);
                }
                return values;
            }

            @Override
            public <T> T evalsha(String sha, ScriptOutputType type, String[] keys, byte[]... args) {
                return redis.evalsha(sha, type, keys, args);
            }

            @Override
            public <T> T eval(String script, ScriptOutputType type, String[] keys, byte[]... args) {
                return redis.eval(script, type, keys, args);
            }
        };
    }
}
