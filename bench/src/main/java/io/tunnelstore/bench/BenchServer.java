package io.tunnelstore.bench;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Tunnelstore server in a child JVM ({@link BenchServerMain}) on a data directory, so that its RSS and CPU can be read
 * from {@code /proc/<pid>} without the harness's own threads in the numbers. Not thread-safe; close once.
 */
final class BenchServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BenchServer.class);
    static final String INSTANCE = "bench";
    static final String ACCESS_KEY_ID = "bench-ak";
    static final String ACCESS_KEY_SECRET = "bench-secret";

    private final Process process;
    private final int port;
    private final Path dataDir;

    private BenchServer(Process process, int port, Path dataDir) {
        this.process = process;
        this.port = port;
        this.dataDir = dataDir;
    }

    /**
     * Starts a server on {@code dataDir}; {@code syncWrites} makes every commit wait for its WAL fsync (the product
     * default). Blocks until the server prints its port (at most 60 s).
     */
    static BenchServer start(Path dataDir, boolean syncWrites, String heap) {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBinary());
        cmd.add("-Xmx" + heap);
        cmd.add("-XX:+UseG1GC");
        // GC pauses with System.nanoTime() stamps (decorator timenanos), so they line up with the stage trace
        cmd.add("-Xlog:gc:file=" + gcLog(dataDir) + ":timenanos");
        // e.g. BENCH_SERVER_JAVA_OPTS="-XX:StartFlightRecording=filename=/tmp/server.jfr" to profile the server
        String extra = System.getenv("BENCH_SERVER_JAVA_OPTS");
        if (extra != null && !extra.isBlank()) {
            cmd.addAll(List.of(extra.trim().split("\\s+")));
        }
        cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(BenchServerMain.class.getName());
        cmd.add(dataDir.toString());
        cmd.add(syncWrites ? "sync" : "nosync");
        try {
            Files.createDirectories(dataDir);
            ProcessBuilder pb = new ProcessBuilder(cmd);
            pb.redirectError(dataDir.resolveSibling(dataDir.getFileName() + "-server.log").toFile());
            Process p = pb.start();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            String line = readLineWithin(out, p, deadline);
            while (line != null && !line.startsWith("READY ")) {
                line = readLineWithin(out, p, deadline); // JVM options such as JFR may print first
            }
            if (line == null || !line.startsWith("READY ")) {
                p.destroyForcibly();
                throw new IllegalStateException("bench server did not start (got '" + line + "'); see "
                        + dataDir.resolveSibling(dataDir.getFileName() + "-server.log"));
            }
            int port = Integer.parseInt(line.substring("READY ".length()).trim());
            log.info("bench server pid {} on port {} (data {}, syncWrites={})", p.pid(), port, dataDir, syncWrites);
            return new BenchServer(p, port, dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the bench server", e);
        }
    }

    private static String readLineWithin(BufferedReader in, Process p, long deadline) throws IOException {
        StringBuilder sb = new StringBuilder();
        while (System.nanoTime() < deadline) {
            if (in.ready() || !p.isAlive()) {
                int c = in.read();
                if (c < 0 || c == '\n') {
                    return c < 0 && sb.isEmpty() ? null : sb.toString();
                }
                sb.append((char) c);
            } else {
                try {
                    Thread.sleep(20); // polling a pipe: no condition to wait on
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return null;
                }
            }
        }
        return null;
    }

    /** The server child's GC log (unified logging, {@code timenanos} = the server's System.nanoTime()). */
    static Path gcLog(Path dataDir) {
        return dataDir.resolveSibling(dataDir.getFileName() + "-gc.log");
    }

    Path gcLog() {
        return gcLog(dataDir);
    }

    static String javaBinary() {
        return System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    }

    String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    long pid() {
        return process.pid();
    }

    Path dataDir() {
        return dataDir;
    }

    /** Stops the server: closes its stdin (clean shutdown), then kills it if it has not exited within 60 s. */
    @Override
    public void close() {
        try {
            process.getOutputStream().close();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                log.warn("bench server {} did not stop within 60 s; killing it", process.pid());
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
