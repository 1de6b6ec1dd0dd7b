package dev.voicetrack.jda.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReplyTest {

    @Test
    void errorEchoingAHugeOptionValue_isCutToDiscordsLimit_soJdaBuildsTheMessage() {
        // a slash-command string option may hold 6000 characters; an error message that echoes it must still send
        Reply reply = CommandListener.errorReply(
                "/leaderboard",
                new IllegalArgumentException("window must be one of ..., was '" + "w".repeat(6000) + "'"));

        assertThat(reply.createData().getContent())
                .hasSize(2000)
                .startsWith("❌ window")
                .endsWith("…");
        assertThat(reply.editData().getContent()).hasSize(2000);
        assertThat(reply.ephemeral()).isTrue();
    }

    @Test
    void shortContent_isKeptAsIs() {
        assertThat(Reply.text("hello", false).createData().getContent()).isEqualTo("hello");
    }
}
