package io.tunnelstore.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --work-dir}: a new or empty directory is used, an earlier run's is emptied, anything else is refused. */
class WorkDirectoryTest {

    @TempDir
    Path root;

    private static String[] entries(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toArray(String[]::new);
        }
    }

    @Test
    void aMissingDirectoryIsCreatedAndMarked() throws Exception {
        Path dir = root.resolve("a/b");
        assertThat(WorkDirectory.prepare(dir)).isEqualTo(WorkDirectory.Outcome.CREATED);
        assertThat(entries(dir)).containsExactly(WorkDirectory.MARKER);
    }

    @Test
    void anEmptyDirectoryIsUsedAndMarked() throws Exception {
        assertThat(WorkDirectory.prepare(root)).isEqualTo(WorkDirectory.Outcome.USED_EMPTY);
        assertThat(entries(root)).containsExactly(WorkDirectory.MARKER);
    }

    @Test
    void anEarlierRunsDirectoryIsEmptied() throws Exception {
        Path work = root.resolve("work");
        WorkDirectory.prepare(work);
        // what a run leaves: server data directories, logs, results
        Files.createDirectories(work.resolve("ingest/server-data/db"));
        Files.writeString(work.resolve("ingest/server-data/db/000001.log"), "x");
        Files.writeString(work.resolve("results.json"), "{}");
        Path outside = Files.createDirectories(root.resolve("outside"));
        Files.writeString(outside.resolve("keep.txt"), "keep");
        Files.createSymbolicLink(work.resolve("link-to-outside"), outside);

        assertThat(WorkDirectory.prepare(work)).isEqualTo(WorkDirectory.Outcome.CLEANED_PREVIOUS_RUN);

        assertThat(entries(work)).containsExactly(WorkDirectory.MARKER);
        // a symbolic link is removed, not followed
        assertThat(Files.readString(outside.resolve("keep.txt"))).isEqualTo("keep");
    }

    @Test
    void aNonEmptyDirectoryWithoutTheMarkIsRefusedAndLeftAlone() throws Exception {
        Files.writeString(root.resolve("notes.txt"), "mine");
        assertThatThrownBy(() -> WorkDirectory.prepare(root))
                .isInstanceOf(WorkDirectory.RefusedException.class)
                .hasMessage("bench: --work-dir " + root + " is not empty and was not made by a bench run (no "
                        + ".tunnelstore-bench file in it); give a new or empty directory, or an earlier bench run's"
                        + " directory, which is emptied first");
        assertThat(entries(root)).containsExactly("notes.txt");
        assertThat(Files.readString(root.resolve("notes.txt"))).isEqualTo("mine");
    }

    @Test
    void aFileIsRefused() throws Exception {
        Path file = Files.writeString(root.resolve("file"), "x");
        assertThatThrownBy(() -> WorkDirectory.prepare(file))
                .isInstanceOf(WorkDirectory.RefusedException.class)
                .hasMessage("bench: --work-dir " + file + " exists and is not a directory; give a new or empty directory");
    }
}
