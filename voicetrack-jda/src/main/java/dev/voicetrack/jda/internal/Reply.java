package dev.voicetrack.jda.internal;

import java.util.List;
import net.dv8tion.jda.api.entities.MessageEmbed;
import net.dv8tion.jda.api.interactions.components.ActionRow;
import net.dv8tion.jda.api.utils.FileUpload;
import net.dv8tion.jda.api.utils.messages.MessageCreateBuilder;
import net.dv8tion.jda.api.utils.messages.MessageCreateData;
import net.dv8tion.jda.api.utils.messages.MessageEditBuilder;
import net.dv8tion.jda.api.utils.messages.MessageEditData;

/**
 * What a command answers, before it is sent as a reply, an edit or a follow-up. Immutable. Content longer than a
 * Discord message ({@value DiscordText#MAX_MESSAGE_LENGTH} characters, which JDA refuses to send) is cut, ending in "…": an error
 * that echoes a huge value is still answered.
 */
record Reply(String content, List<MessageEmbed> embeds, List<ActionRow> rows, boolean ephemeral, List<File> files) {

    /** A file attached to the answer; an embed shows it as {@code attachment://<name>}. */
    record File(String name, byte[] data) {}

    Reply {
        content = DiscordText.fitMessage(content);
        embeds = List.copyOf(embeds);
        rows = List.copyOf(rows);
        files = List.copyOf(files);
    }

    Reply(String content, List<MessageEmbed> embeds, List<ActionRow> rows, boolean ephemeral) {
        this(content, embeds, rows, ephemeral, List.of());
    }

    static Reply text(String content, boolean ephemeral) {
        return new Reply(content, List.of(), List.of(), ephemeral);
    }

    static Reply embed(MessageEmbed embed, boolean ephemeral) {
        return new Reply("", List.of(embed), List.of(), ephemeral);
    }

    /** An error: always ephemeral. */
    static Reply error(String message) {
        return text("❌ " + message, true);
    }

    MessageCreateData createData() {
        return new MessageCreateBuilder()
                .setContent(content)
                .setEmbeds(embeds)
                .setComponents(rows)
                .setFiles(uploads())
                .build();
    }

    MessageEditData editData() {
        MessageEditBuilder edit =
                new MessageEditBuilder().setContent(content).setEmbeds(embeds).setComponents(rows);
        if (!files.isEmpty()) {
            edit.setFiles(uploads());
        }
        return edit.build();
    }

    private List<FileUpload> uploads() {
        return files.stream().map(f -> FileUpload.fromData(f.data(), f.name())).toList();
    }
}
