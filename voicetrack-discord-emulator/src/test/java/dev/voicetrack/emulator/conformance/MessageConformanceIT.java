package dev.voicetrack.emulator.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.voicetrack.emulator.DiscordEmulator;
import dev.voicetrack.emulator.EmulatedChannel;
import dev.voicetrack.emulator.EmulatedGuild;
import dev.voicetrack.emulator.EmulatedMember;
import dev.voicetrack.emulator.RecordedMessage;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Message attachments, replies, mentions and reactions over raw HTTP and a raw websocket. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MessageConformanceIT {
    private static final int GUILDS = 1;
    private static final int GUILD_MESSAGES = 1 << 9;
    private static final int GUILD_MESSAGE_REACTIONS = 1 << 10;
    private static final String THUMBS_UP = "\uD83D\uDC4D";

    private DiscordEmulator emulator;
    private Raw raw;
    private EmulatedGuild guild;
    private EmulatedChannel general;
    private EmulatedMember alice;
    private EmulatedMember bob;

    @BeforeEach
    void start() {
        emulator = DiscordEmulator.start();
        raw = new Raw(emulator);
        guild = emulator.createGuild("g");
        general = guild.createTextChannel("general");
        alice = guild.addMember("alice", false);
        bob = guild.addMember("bob", false);
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    private String messages() {
        return "channels/" + general.id() + "/messages";
    }

    private HttpResponse<String> post(String json) {
        return raw.send("POST", messages(), json);
    }

    // ---------------------------------------------------------------- attachments

    @Test
    void multipartFiles_areKept_andReturnedAsAttachmentsWithIdFilenameSizeUrl() {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("report.txt", "hello world");
        files.put("b.txt", "12345");
        HttpResponse<String> response = raw.sendMultipart(
                "POST",
                messages(),
                "{\"content\":\"files\",\"attachments\":[{\"id\":0,\"filename\":\"report.txt\","
                        + "\"description\":\"the report\"},{\"id\":1,\"filename\":\"b.txt\"}]}",
                files);

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode attachments = Raw.json(response).path("attachments");
        assertThat(attachments).hasSize(2);
        JsonNode first = attachments.get(0);
        assertThat(first.path("id").asText()).matches("\\d+");
        assertThat(first.path("filename").asText()).isEqualTo("report.txt");
        assertThat(first.path("description").asText()).isEqualTo("the report");
        assertThat(first.path("size").asInt()).isEqualTo(11);
        assertThat(attachments.get(1).path("size").asInt()).isEqualTo(5);
        HttpResponse<String> download = Raw.fetch(first.path("url").asText());
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.body()).isEqualTo("hello world");

        String id = Raw.json(response).path("id").asText();
        JsonNode fetched = Raw.json(raw.get(messages() + "/" + id));
        assertThat(fetched.path("attachments")).isEqualTo(attachments);
    }

    @Test
    void aFileAlone_isNotAnEmptyMessage_andAnEditKeepsOnlyTheListedAttachments() {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("a.txt", "a");
        files.put("b.txt", "bb");
        HttpResponse<String> created = raw.sendMultipart("POST", messages(), "{}", files);
        assertThat(created.statusCode()).isEqualTo(200);
        JsonNode attachments = Raw.json(created).path("attachments");
        assertThat(attachments).hasSize(2);

        String keep = attachments.get(1).path("id").asText();
        HttpResponse<String> edited = raw.send(
                "PATCH",
                messages() + "/" + Raw.json(created).path("id").asText(),
                "{\"attachments\":[{\"id\":\"" + keep + "\"}]}");

        assertThat(edited.statusCode()).isEqualTo(200);
        assertThat(Raw.json(edited).path("attachments")).hasSize(1);
        assertThat(Raw.json(edited).at("/attachments/0/filename").asText()).isEqualTo("b.txt");
    }

    // ---------------------------------------------------------------- replies

    @Test
    void aReply_isType19_withMessageReferenceAndReferencedMessage_andPingsTheAuthor() {
        RecordedMessage question = alice.sendMessage(general, "what's my level?");

        HttpResponse<String> reply =
                post("{\"content\":\"level 3\",\"message_reference\":{\"message_id\":\"" + question.id() + "\"}}");

        assertThat(reply.statusCode()).isEqualTo(200);
        JsonNode body = Raw.json(reply);
        assertThat(body.path("type").asInt()).isEqualTo(19);
        assertThat(body.at("/message_reference/message_id").asText()).isEqualTo(Long.toString(question.id()));
        assertThat(body.at("/message_reference/channel_id").asText()).isEqualTo(Long.toString(general.id()));
        assertThat(body.at("/message_reference/guild_id").asText()).isEqualTo(Long.toString(guild.id()));
        assertThat(body.at("/referenced_message/id").asText()).isEqualTo(Long.toString(question.id()));
        assertThat(body.at("/referenced_message/content").asText()).isEqualTo("what's my level?");
        assertThat(userIds(body.path("mentions")))
                .containsExactly(Long.toString(alice.user().id()));
    }

    @Test
    void aReplyWithRepliedUserFalse_doesNotPing() {
        RecordedMessage question = alice.sendMessage(general, "hi");

        JsonNode body = Raw.json(post("{\"content\":\"hello\",\"message_reference\":{\"message_id\":\"" + question.id()
                + "\"},\"allowed_mentions\":{\"parse\":[],\"replied_user\":false}}"));

        assertThat(body.path("type").asInt()).isEqualTo(19);
        assertThat(body.path("mentions")).isEmpty();
    }

    @Test
    void aReplyToAnUnknownMessage_is400WithErrors_unlessFailIfNotExistsIsFalse() {
        HttpResponse<String> refused = post("{\"content\":\"x\",\"message_reference\":{\"message_id\":\"1\"}}");

        assertThat(refused.statusCode()).isEqualTo(400);
        JsonNode error = Raw.json(refused);
        assertThat(error.path("code").asInt()).isEqualTo(50035);
        assertThat(error.at("/errors/message_reference/_errors/0/code").asText())
                .isEqualTo("MESSAGE_REFERENCE_UNKNOWN_MESSAGE");
        assertThat(general.botMessages()).isEmpty();

        HttpResponse<String> plain =
                post("{\"content\":\"x\",\"message_reference\":{\"message_id\":\"1\",\"fail_if_not_exists\":false}}");
        assertThat(plain.statusCode()).isEqualTo(200);
        assertThat(Raw.json(plain).path("type").asInt()).isZero();
        assertThat(Raw.json(plain).has("message_reference")).isFalse();
    }

    // ---------------------------------------------------------------- mentions

    @Test
    void mentions_areFilledFromTheContent() {
        JsonNode body = Raw.json(post("{\"content\":\"<@" + alice.user().id() + "> and <@!"
                + bob.user().id() + "> and <@1>\"}"));

        assertThat(userIds(body.path("mentions")))
                .containsExactly(
                        Long.toString(alice.user().id()),
                        Long.toString(bob.user().id()));
        assertThat(body.at("/mentions/0/username").asText()).isEqualTo("alice");
        assertThat(body.at("/mentions/0/member/roles").isArray()).isTrue();
    }

    @Test
    void mentions_honourAllowedMentions() {
        String content = "<@" + alice.user().id() + "> <@" + bob.user().id() + ">";

        JsonNode none = Raw.json(post("{\"content\":\"" + content + "\",\"allowed_mentions\":{\"parse\":[]}}"));
        JsonNode onlyBob = Raw.json(post("{\"content\":\"" + content + "\",\"allowed_mentions\":{\"users\":[\""
                + bob.user().id() + "\"]}}"));
        JsonNode users =
                Raw.json(post("{\"content\":\"" + content + "\",\"allowed_mentions\":{\"parse\":[\"users\"]}}"));

        assertThat(none.path("mentions")).isEmpty();
        assertThat(userIds(onlyBob.path("mentions")))
                .containsExactly(Long.toString(bob.user().id()));
        assertThat(userIds(users.path("mentions"))).hasSize(2);
    }

    @Test
    void allowedMentions_parseUsersWithAUsersList_is400() {
        HttpResponse<String> refused = post("{\"content\":\"x\",\"allowed_mentions\":{\"parse\":[\"users\"],"
                + "\"users\":[\"" + alice.user().id() + "\"]}}");

        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(Raw.json(refused)
                        .at("/errors/allowed_mentions/_errors/0/code")
                        .asText())
                .isEqualTo("MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE");
    }

    @Test
    void aMembersMessage_carriesItsMentions() throws Exception {
        Raw.Socket socket = Raw.Socket.connect(emulator);
        socket.identify(emulator, GUILDS | GUILD_MESSAGES | (1 << 15), null);

        alice.sendMessage(general, "hey <@" + bob.user().id() + ">");

        JsonNode created = socket.awaitDispatch("MESSAGE_CREATE").path("d");
        assertThat(userIds(created.path("mentions")))
                .containsExactly(Long.toString(bob.user().id()));
    }

    // ---------------------------------------------------------------- reactions

    @Test
    void reactions_putGetDelete_withEventsForSessionsWithTheReactionIntent() throws Exception {
        Raw.Socket withIntent = Raw.Socket.connect(emulator);
        withIntent.identify(emulator, GUILDS | GUILD_MESSAGE_REACTIONS, null);
        Raw.Socket withoutIntent = Raw.Socket.connect(emulator);
        withoutIntent.identify(emulator, GUILDS | GUILD_MESSAGES, null);
        RecordedMessage message = alice.sendMessage(general, "react to me");
        String reaction = messages() + "/" + message.id() + "/reactions/" + encode(THUMBS_UP);

        HttpResponse<String> put = raw.send("PUT", reaction + "/@me", null);

        assertThat(put.statusCode()).isEqualTo(204);
        JsonNode added = withIntent.awaitDispatch("MESSAGE_REACTION_ADD").path("d");
        assertThat(added.path("user_id").asText())
                .isEqualTo(Long.toString(emulator.botUser().id()));
        assertThat(added.path("message_id").asText()).isEqualTo(Long.toString(message.id()));
        assertThat(added.path("guild_id").asText()).isEqualTo(Long.toString(guild.id()));
        assertThat(added.at("/emoji/name").asText()).isEqualTo(THUMBS_UP);
        assertThat(added.at("/emoji/id").isNull()).isTrue();
        assertThat(added.path("message_author_id").asText())
                .isEqualTo(Long.toString(alice.user().id()));
        withoutIntent.sync();
        assertThat(withoutIntent.dispatches("MESSAGE_REACTION_ADD")).isEmpty();

        HttpResponse<String> users = raw.get(reaction);
        assertThat(users.statusCode()).isEqualTo(200);
        assertThat(userIds(Raw.json(users)))
                .containsExactly(Long.toString(emulator.botUser().id()));
        JsonNode fetched = Raw.json(raw.get(messages() + "/" + message.id()));
        assertThat(fetched.at("/reactions/0/count").asInt()).isEqualTo(1);
        assertThat(fetched.at("/reactions/0/me").asBoolean()).isTrue();
        assertThat(fetched.at("/reactions/0/emoji/name").asText()).isEqualTo(THUMBS_UP);

        assertThat(raw.send("DELETE", reaction + "/@me", null).statusCode()).isEqualTo(204);
        JsonNode removed = withIntent.awaitDispatch("MESSAGE_REACTION_REMOVE").path("d");
        assertThat(removed.at("/emoji/name").asText()).isEqualTo(THUMBS_UP);
        assertThat(Raw.json(raw.get(reaction))).isEmpty();
        assertThat(Raw.json(raw.get(messages() + "/" + message.id())).has("reactions"))
                .isFalse();
    }

    @Test
    void reactions_unknownEmojiOrMessage_areRefused() {
        RecordedMessage message = alice.sendMessage(general, "x");

        HttpResponse<String> unknownEmoji =
                raw.send("PUT", messages() + "/" + message.id() + "/reactions/notanemoji/@me", null);
        HttpResponse<String> unknownCustom =
                raw.send("PUT", messages() + "/" + message.id() + "/reactions/party:12345/@me", null);
        HttpResponse<String> unknownMessage =
                raw.send("PUT", messages() + "/1/reactions/" + encode(THUMBS_UP) + "/@me", null);

        assertThat(unknownEmoji.statusCode()).isEqualTo(400);
        assertThat(Raw.json(unknownEmoji).path("code").asInt()).isEqualTo(10014);
        assertThat(Raw.json(unknownCustom).path("code").asInt()).isEqualTo(10014);
        assertThat(unknownMessage.statusCode()).isEqualTo(404);
        assertThat(Raw.json(unknownMessage).path("code").asInt()).isEqualTo(10008);
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private static List<String> userIds(JsonNode users) {
        List<String> ids = new ArrayList<>();
        users.forEach(user -> ids.add(user.path("id").asText()));
        return ids;
    }
}
