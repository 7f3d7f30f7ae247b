package io.tunnelstore.bench;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.stream.Stream;

/**
 * Makes a work directory ready for a run. Scenarios create tables in fresh server data directories under it, so a
 * directory left by an earlier run would make them fail ({@code OTSObjectAlreadyExist}). A run therefore marks its
 * work directory with {@value #MARKER}; the next run on a marked directory empties it first. A non-empty directory
 * without the marker is refused rather than emptied: the harness never deletes files it did not create.
 */
final class WorkDirectory {

    static final String MARKER = ".tunnelstore-bench";

    /** What {@link #prepare} did, for the run's log line. */
    enum Outcome { CREATED, USED_EMPTY, CLEANED_PREVIOUS_RUN }

    /** The directory cannot be used; the message says why and what to do. */
    static final class RefusedException extends Exception {
        RefusedException(String message) {
            super(message);
        }
    }

    private WorkDirectory() {}

    static Outcome prepare(Path dir) throws IOException, RefusedException {
        Outcome outcome;
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(dir);
            outcome = Outcome.CREATED;
        } else if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new RefusedException("bench: --work-dir " + dir + " exists and is not a directory;"
                    + " give a new or empty directory");
        } else if (isEmpty(dir)) {
            outcome = Outcome.USED_EMPTY;
        } else if (Files.isRegularFile(dir.resolve(MARKER), LinkOption.NOFOLLOW_LINKS)) {
            deleteContents(dir);
            outcome = Outcome.CLEANED_PREVIOUS_RUN;
        } else {
            throw new RefusedException("bench: --work-dir " + dir + " is not empty and was not made by a bench run"
                    + " (no " + MARKER + " file in it); give a new or empty directory, or an earlier bench run's"
                    + " directory, which is emptied first");
        }
        Files.writeString(dir.resolve(MARKER), "work directory of a Tunnelstore bench run; emptied by the next run\n");
        return outcome;
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }

    /** Deletes everything inside {@code dir} (not {@code dir} itself); symbolic links are removed, never followed. */
    private static void deleteContents(Path dir) throws IOException {
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                if (!d.equals(dir)) {
                    Files.delete(d);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
