package io.tunnelstore.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the real command line ({@link Main#run}) in this JVM with stdout and stderr captured. Runs are serialized
 * because {@code System.out} / {@code System.err} are process-wide.
 */
final class CliRun {
    private static final Object LOCK = new Object();

    /** What one run produced. */
    record Result(int exitCode, String out, String err) {
        /** Stdout split into lines (no trailing empty line). */
        List<String> outLines() {
            return out.lines().toList();
        }

        /** Stderr lines written by the command line (log lines of the in-process server are left out). */
        List<String> cliErrLines() {
            List<String> lines = new ArrayList<>();
            for (String line : err.split("\n")) {
                if (line.startsWith("tunnelstore ") || line.startsWith("  remedy: ") || line.startsWith("load: ")) {
                    lines.add(line);
                }
            }
            return lines;
        }
    }

    private CliRun() {
    }

    /** A parsed JSON object (for assertions). */
    @SuppressWarnings("unchecked")
    static java.util.Map<String, Object> object(Object json) {
        return (java.util.Map<String, Object>) json;
    }

    static Result run(String... args) {
        synchronized (LOCK) {
            PrintStream oldOut = System.out;
            PrintStream oldErr = System.err;
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            try {
                System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
                System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
                int code = Main.run(args);
                System.out.flush();
                System.err.flush();
                return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
            } finally {
                System.setOut(oldOut);
                System.setErr(oldErr);
            }
        }
    }
}
