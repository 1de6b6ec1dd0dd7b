package dev.voicetrack.bot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The repository's {@code ./voicetrack} launcher builds the bot's jar when it is missing or older than a
 * main source or build file (a {@code git pull} or an edit would otherwise run the old jar without a
 * word), and not for test sources, the benchmarks or build output. The script is run by {@code sh} as a
 * user runs it, in a copy of the repository's layout whose {@code mvnw} and {@code java} are stand-ins
 * that record their calls: what is under test is the launcher's decision, not Maven.
 */
class LauncherScriptTest {
    private static final Instant JAR_TIME = Instant.parse("2026-01-01T12:00:00Z");

    @TempDir
    Path root;

    private Path jar;

    @BeforeEach
    void layout() throws IOException {
        Files.copy(Path.of("../voicetrack"), root.resolve("voicetrack"));
        executable(
                "mvnw",
                "echo build >> \"$(dirname \"$0\")/calls\"\n"
                        + "mkdir -p voicetrack-bot/target && : > voicetrack-bot/target/voicetrack.jar\n");
        Files.createDirectories(root.resolve("bin"));
        executable("bin/java", "echo \"java $*\" >> \"" + root.resolve("calls") + "\"\n");
        for (String file : List.of(
                "pom.xml",
                "voicetrack-core/src/main/java/Core.java",
                "voicetrack-core/src/test/java/CoreTest.java",
                "voicetrack-bench/src/main/java/Bench.java",
                "voicetrack-core/target/classes/Core.class")) {
            write(file, JAR_TIME.minusSeconds(60));
        }
        jar = root.resolve("voicetrack-bot/target/voicetrack.jar");
    }

    @Test
    void aMissingJar_isBuiltThenRun() throws Exception {
        assertThat(launch("--help")).containsExactly("build", "java -jar " + jar + " --help");
    }

    @Test
    void aJarNewerThanEverySource_runsWithoutABuild() throws Exception {
        write("voicetrack-bot/target/voicetrack.jar", JAR_TIME);
        assertThat(launch("demo")).containsExactly("java -jar " + jar + " demo");
    }

    @Test
    void aMainSourceOrPomChangedAfterTheJar_rebuildsFirst() throws Exception {
        for (String changed : List.of("voicetrack-core/src/main/java/Core.java", "pom.xml")) {
            write("voicetrack-bot/target/voicetrack.jar", JAR_TIME);
            Files.deleteIfExists(root.resolve("calls"));
            write(changed, JAR_TIME.plusSeconds(60));
            assertThat(launch("run")).as(changed).containsExactly("build", "java -jar " + jar + " run");
            write(changed, JAR_TIME.minusSeconds(60));
        }
    }

    @Test
    void testSources_theBenchmarksAndBuildOutput_doNotRebuild() throws Exception {
        write("voicetrack-bot/target/voicetrack.jar", JAR_TIME);
        for (String changed : List.of(
                "voicetrack-core/src/test/java/CoreTest.java",
                "voicetrack-bench/src/main/java/Bench.java",
                "voicetrack-core/target/classes/Core.class")) {
            write(changed, JAR_TIME.plusSeconds(60));
        }
        assertThat(launch("stats")).containsExactly("java -jar " + jar + " stats");
    }

    /** Runs the launcher with the stand-in {@code java} first on the PATH; returns the recorded calls. */
    private List<String> launch(String command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("sh", root.resolve("voicetrack").toString(), command)
                .directory(root.toFile())
                .redirectErrorStream(true);
        pb.environment().put("PATH", root.resolve("bin") + ":" + System.getenv("PATH"));
        pb.environment().remove("VOICETRACK_JAVA_OPTS");
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("the launcher finished").isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        return Files.readAllLines(root.resolve("calls"));
    }

    private void write(String file, Instant modified) throws IOException {
        Path path = root.resolve(file);
        Files.createDirectories(path.getParent());
        if (!Files.exists(path)) {
            Files.writeString(path, file);
        }
        Files.setLastModifiedTime(path, FileTime.from(modified));
    }

    private void executable(String file, String body) throws IOException {
        Path path = root.resolve(file);
        Files.writeString(path, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
