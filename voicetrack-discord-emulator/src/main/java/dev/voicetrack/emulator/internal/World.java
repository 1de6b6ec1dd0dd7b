package dev.voicetrack.emulator.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.voicetrack.emulator.EmulatorException;
import dev.voicetrack.emulator.InteractionResponse;
import dev.voicetrack.emulator.RecordedAttachment;
import dev.voicetrack.emulator.RecordedMessage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The emulated Discord: users, guilds, channels, messages, commands and interactions, and the JSON shapes Discord
 * uses for them.
 *
 * <h2>Concurrency</h2>
 *
 * One monitor, {@link #lock}, guards every piece of state. Scripting calls and REST handlers mutate inside {@link
 * #mutate}, which also hands the resulting dispatches to the {@link Gateway} in the same critical section, so the
 * order of sequence numbers is the order of state changes. Sockets are written only after the monitor is released
 * ({@link Gateway#flush}), so a slow client never blocks a REST handler, and a bot that calls the REST API from its
 * event thread cannot deadlock against a scripting call. Waiters ({@link #await}) sleep on the same monitor, which
 * every mutation notifies.
 */
final class World {
    final Object lock = new Object();
    final Snowflakes ids;
    final Clock clock;
    final Gateway gateway;
    final UserImpl bot;
    final String botToken;
    final Settings settings;
    /** The server's address, {@code http://127.0.0.1:<port>/}, for URLs of stored files; set once at start. */
    volatile String baseUrl = "";

    final Map<Long, UserImpl> users = new LinkedHashMap<>();
    final Map<Long, GuildImpl> guilds = new LinkedHashMap<>();
    final Map<Long, ChannelImpl> channels = new HashMap<>();
    final Map<Long, ChannelImpl> dmChannelsByUser = new HashMap<>();
    final Map<Long, StoredMessage> messages = new HashMap<>();
    final List<CommandRecord> globalCommands = new ArrayList<>();
    final Map<Long, InteractionImpl> interactions = new HashMap<>();

    World(Settings settings) {
        this.settings = settings;
        this.clock = settings.clock();
        this.ids = settings.idsFrom() == null ? new Snowflakes(clock) : Snowflakes.countingFrom(settings.idsFrom());
        this.botToken = settings.botToken();
        this.gateway =
                new Gateway(this, Math.toIntExact(settings.heartbeatInterval().toMillis()));
        this.bot = new UserImpl(this, ids.next(), settings.botName(), true);
        users.put(bot.id(), bot);
    }

    long applicationId() {
        return bot.id();
    }

    // ---------------------------------------------------------------- locking helpers

    <T> T mutate(Supplier<T> action) {
        T result;
        synchronized (lock) {
            result = action.get();
            lock.notifyAll();
        }
        gateway.flush();
        return result;
    }

    void mutate(Runnable action) {
        mutate(() -> {
            action.run();
            return null;
        });
    }

    <T> T read(Supplier<T> action) {
        synchronized (lock) {
            return action.get();
        }
    }

    /** Waits on the monitor until {@code probe} yields a value; the timeout is a hang guard. */
    <T> T await(Supplier<Optional<T>> probe, Duration timeout, Supplier<String> description) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (true) {
                Optional<T> value = probe.get();
                if (value.isPresent()) {
                    return value.get();
                }
                long remainingNanos = deadline - System.nanoTime();
                if (remainingNanos <= 0) {
                    throw new EmulatorException("timed out after " + timeout + " waiting for " + description.get());
                }
                try {
                    long millis = Math.max(1, remainingNanos / 1_000_000);
                    lock.wait(millis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new EmulatorException("interrupted while waiting for " + description.get(), e);
                }
            }
        }
    }

    String now() {
        return timestamp(clock.instant());
    }

    static String timestamp(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC).toString();
    }

    // ---------------------------------------------------------------- entity factories (call with the lock held)

    UserImpl newUser(String username, boolean isBot) {
        requireName("username", username);
        UserImpl user = new UserImpl(this, ids.next(), username, isBot);
        users.put(user.id(), user);
        return user;
    }

    ChannelImpl dmChannel(UserImpl user) {
        return dmChannelsByUser.computeIfAbsent(user.id(), id -> {
            ChannelImpl channel = new ChannelImpl(this, ids.next(), user.username(), ChannelImpl.Kind.DM, null, 0);
            channel.recipient = user;
            channels.put(channel.id(), channel);
            return channel;
        });
    }

    StoredMessage newMessage(ChannelImpl channel, UserImpl author, @Nullable MemberImpl member) {
        StoredMessage message = new StoredMessage(ids.next(), channel, author, member, now());
        messages.put(message.id, message);
        return message;
    }

    /** Dispatches MESSAGE_CREATE for a message that became visible to the bot's gateway sessions. */
    void dispatchMessageCreate(StoredMessage message) {
        int intent = message.channel.guild == null ? Intents.DIRECT_MESSAGES : Intents.GUILD_MESSAGES;
        boolean contentPrivileged = message.channel.guild != null && message.author != bot;
        gateway.dispatch("MESSAGE_CREATE", messageJson(message), intent, contentPrivileged);
    }

    static void requireName(String field, String value) {
        if (value == null) {
            throw new NullPointerException(field);
        }
        if (value.isBlank()) {
            throw new IllegalArgumentException(field + " must not be blank, was '" + value + "'");
        }
    }

    // ---------------------------------------------------------------- Discord JSON shapes

    ObjectNode userJson(UserImpl user) {
        ObjectNode json = Json.object()
                .put("id", Long.toUnsignedString(user.id()))
                .put("username", user.username())
                .put("discriminator", "0")
                .put("bot", user.bot())
                .put("system", false)
                .put("public_flags", 0);
        json.putNull("global_name");
        json.putNull("avatar");
        return json;
    }

    ObjectNode selfUserJson() {
        return userJson(bot).put("verified", true).put("mfa_enabled", false).put("flags", 0);
    }

    ObjectNode roleJson(RoleImpl role) {
        ObjectNode json = Json.object()
                .put("id", Long.toUnsignedString(role.id()))
                .put("name", role.name())
                .put("color", 0)
                .put("hoist", false)
                .put("position", role.position)
                .put("permissions", Long.toUnsignedString(role.permissions()))
                .put("managed", role.botId != 0)
                .put("mentionable", false)
                .put("flags", 0);
        json.putNull("icon");
        json.putNull("unicode_emoji");
        if (role.botId != 0) {
            json.putObject("tags").put("bot_id", Long.toUnsignedString(role.botId));
        }
        return json;
    }

    ObjectNode channelJson(ChannelImpl channel) {
        ObjectNode json =
                Json.object().put("id", Long.toUnsignedString(channel.id())).put("type", channel.kindCode());
        if (channel.kind == ChannelImpl.Kind.DM) {
            json.putArray("recipients").add(userJson(channel.recipient));
            json.putNull("last_message_id");
            json.put("flags", 0);
            return json;
        }
        json.put("guild_id", Long.toUnsignedString(channel.guild.id()))
                .put("name", channel.name())
                .put("position", channel.position)
                .put("nsfw", false)
                .put("rate_limit_per_user", 0)
                .put("flags", 0);
        json.putArray("permission_overwrites");
        json.putNull("parent_id");
        json.putNull("last_message_id");
        if (channel.kind == ChannelImpl.Kind.VOICE) {
            json.put("bitrate", 64_000).put("user_limit", 0);
            json.putNull("rtc_region");
        } else {
            json.putNull("topic");
        }
        return json;
    }

    /** A guild member object; {@code withUser} false leaves the user out (as in a message's member). */
    ObjectNode memberJson(MemberImpl member, boolean withUser) {
        ObjectNode json = Json.object();
        if (withUser) {
            json.set("user", userJson(member.user));
        }
        ArrayNode roles = json.putArray("roles");
        member.roles.forEach(role -> roles.add(Long.toUnsignedString(role.id())));
        json.putNull("nick");
        json.putNull("avatar");
        json.put("joined_at", member.joinedAt);
        if (member.premiumSince == null) {
            json.putNull("premium_since");
        } else {
            json.put("premium_since", member.premiumSince);
        }
        json.put("deaf", member.serverDeaf).put("mute", member.serverMute);
        json.put("pending", false).put("flags", 0);
        json.putNull("communication_disabled_until");
        return json;
    }

    ObjectNode voiceStateJson(MemberImpl member, boolean withMember) {
        ObjectNode json = Json.object()
                .put("guild_id", Long.toUnsignedString(member.guild.id()))
                .put("user_id", Long.toUnsignedString(member.user.id()));
        if (member.voiceChannel == null) {
            json.putNull("channel_id");
            json.putNull("session_id");
        } else {
            json.put("channel_id", Long.toUnsignedString(member.voiceChannel.id()));
            json.put("session_id", member.voiceSessionId);
        }
        json.put("deaf", member.serverDeaf)
                .put("mute", member.serverMute)
                .put("self_deaf", member.selfDeaf)
                .put("self_mute", member.selfMute)
                .put("self_stream", false)
                .put("self_video", false)
                .put("suppress", false);
        json.putNull("request_to_speak_timestamp");
        if (withMember) {
            json.set("member", memberJson(member, true));
        }
        return json;
    }

    /** The guild object of {@code GUILD_UPDATE}: the guild's own fields, without the GUILD_CREATE-only lists. */
    ObjectNode guildUpdateJson(GuildImpl guild) {
        return guildJson(guild)
                .without(List.of(
                        "joined_at",
                        "large",
                        "member_count",
                        "unavailable",
                        "threads",
                        "presences",
                        "channels",
                        "members",
                        "voice_states",
                        "guild_scheduled_events",
                        "stage_instances"));
    }

    ObjectNode guildJson(GuildImpl guild) {
        ObjectNode json = Json.object()
                .put("id", Long.toUnsignedString(guild.id()))
                .put("name", guild.name())
                .put("owner_id", Long.toUnsignedString(guild.ownerId))
                .put("unavailable", false)
                .put("large", false)
                .put("member_count", guild.members.size())
                .put("joined_at", guild.botJoinedAt)
                .put("preferred_locale", "en-US")
                .put("afk_timeout", 300)
                .put("verification_level", 0)
                .put("default_message_notifications", 0)
                .put("explicit_content_filter", 0)
                .put("mfa_level", 0)
                .put("nsfw_level", 0)
                .put("premium_tier", 0)
                .put("premium_subscription_count", guild.boosterCount())
                .put("premium_progress_bar_enabled", false)
                .put("max_members", 500_000);
        for (String empty : new String[] {
            "icon",
            "splash",
            "banner",
            "description",
            "vanity_url_code",
            "afk_channel_id",
            "rules_channel_id",
            "public_updates_channel_id",
            "safety_alerts_channel_id",
            "application_id"
        }) {
            json.putNull(empty);
        }
        if (guild.systemChannel == null) {
            json.putNull("system_channel_id");
        } else {
            json.put("system_channel_id", Long.toUnsignedString(guild.systemChannel.id()));
        }
        for (String emptyArray : new String[] {
            "threads", "presences", "emojis", "stickers", "guild_scheduled_events", "stage_instances", "features"
        }) {
            json.putArray(emptyArray);
        }
        ArrayNode roles = json.putArray("roles");
        guild.roles.forEach(role -> roles.add(roleJson(role)));
        ArrayNode channelArray = json.putArray("channels");
        guild.channels.forEach(channel -> channelArray.add(channelJson(channel).without("guild_id")));
        ArrayNode members = json.putArray("members");
        ArrayNode voiceStates = json.putArray("voice_states");
        for (MemberImpl member : guild.members.values()) {
            members.add(memberJson(member, true));
            if (member.voiceChannel != null) {
                voiceStates.add(voiceStateJson(member, false).without("guild_id"));
            }
        }
        return json;
    }

    ObjectNode messageJson(StoredMessage message) {
        return messageJson(message, true);
    }

    /** A message object; {@code withReferenced} adds the replied-to message (Discord nests it one level deep). */
    ObjectNode messageJson(StoredMessage message, boolean withReferenced) {
        ObjectNode json = Json.object()
                .put("id", Long.toUnsignedString(message.id))
                .put("type", message.type)
                .put("channel_id", Long.toUnsignedString(message.channel.id()));
        if (message.channel.guild != null) {
            json.put("guild_id", Long.toUnsignedString(message.channel.guild.id()));
        }
        json.set("author", userJson(message.author));
        if (message.member != null) {
            json.set("member", memberJson(message.member, false));
        }
        json.put("content", message.content)
                .put("timestamp", message.timestamp)
                .put("tts", false)
                .put("mention_everyone", false)
                .put("pinned", false)
                .put("flags", message.flags);
        if (message.editedTimestamp == null) {
            json.putNull("edited_timestamp");
        } else {
            json.put("edited_timestamp", message.editedTimestamp);
        }
        json.putArray("mention_roles");
        MessageParts.addTo(this, message, json, withReferenced);
        json.set("embeds", message.embeds.deepCopy());
        json.set("components", message.components.deepCopy());
        if (message.interaction != null) {
            json.put("webhook_id", Long.toUnsignedString(applicationId()));
            json.put("application_id", Long.toUnsignedString(applicationId()));
            // who ran the command (or clicked the component) this message answers, as Discord shows it
            InteractionImpl interaction = message.interaction;
            ObjectNode metadata = json.putObject("interaction_metadata")
                    .put("id", Long.toUnsignedString(interaction.id()))
                    .put("type", interaction.type);
            metadata.set("user", userJson(interaction.user));
            ObjectNode owners = metadata.putObject("authorizing_integration_owners");
            if (interaction.channel.guild != null) {
                owners.put("0", Long.toUnsignedString(interaction.channel.guild.id()));
            } else {
                owners.put("1", Long.toUnsignedString(interaction.user.id()));
            }
        }
        return json;
    }

    // ---------------------------------------------------------------- records

    RecordedMessage record(StoredMessage message) {
        return new RecordedMessage(
                message.id,
                message.channel.id(),
                message.author.id(),
                message.content,
                message.flags,
                Json.toMaps(message.embeds),
                Json.toMaps(message.components),
                message.interaction == null ? 0L : message.interaction.id(),
                message.attachments.stream()
                        .map(a -> new RecordedAttachment(a.filename(), a.contentType(), a.data()))
                        .toList());
    }

    /** Applies the message fields of a create or edit body (content, embeds, components, flags). */
    static void applyMessageBody(StoredMessage message, JsonNode body, boolean edit) {
        if (body == null || !body.isObject()) {
            return;
        }
        if (body.has("content")) {
            message.content =
                    body.get("content").isNull() ? "" : body.get("content").asText();
        }
        if (body.has("embeds")) {
            message.embeds = body.get("embeds").isArray()
                    ? (ArrayNode) body.get("embeds").deepCopy()
                    : Json.array();
            // Discord returns every embed with its type; bots never send it, and JDA needs it to read
            // the message back.
            for (var embed : message.embeds) {
                if (embed.isObject() && !embed.has("type")) {
                    ((com.fasterxml.jackson.databind.node.ObjectNode) embed).put("type", "rich");
                }
            }
        }
        if (body.has("components")) {
            message.components = body.get("components").isArray()
                    ? (ArrayNode) body.get("components").deepCopy()
                    : Json.array();
        }
        if (!edit && body.has("flags")) {
            message.flags = body.get("flags").asInt();
        }
    }

    static InteractionResponse response(InteractionResponse.Kind kind, int type, @Nullable RecordedMessage message) {
        return new InteractionResponse(kind, type, message);
    }
}
