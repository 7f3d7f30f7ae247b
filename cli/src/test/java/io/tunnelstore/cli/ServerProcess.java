package io.tunnelstore.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@code tunnelstore server} running in a child JVM, as the launcher runs it: tests use it to kill the server with
 * SIGKILL or stop it with SIGTERM and look at what it printed.
 */
final class ServerProcess implements AutoCloseable {
    static final String ACCESS_KEY_ID = "crashTestKey";
    static final String ACCESS_KEY_SECRET = "crashTestSecret0123456789";

    private final Process process;
    private final List<String> output = new CopyOnWriteArrayList<>();
    private final CompletableFuture<String> endpoint = new CompletableFuture<>();

    private ServerProcess(Process process) {
        this.process = process;
        Thread pump = new Thread(this::pumpOutput, "server-output-" + process.pid());
        pump.setDaemon(true);
        pump.start();
    }

    /** Starts {@code tunnelstore server --port 0 --data-dir dataDir} with a fixed admin key from the environment. */
    static ServerProcess start(Path dataDir, String... extraArgs) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "server", "--port", "0", "--data-dir", dataDir.toString()));
        command.addAll(List.of(extraArgs));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.put("OTS_AK_ENV", ACCESS_KEY_ID);
        env.put("OTS_SK_ENV", ACCESS_KEY_SECRET);
        return new ServerProcess(builder.start());
    }

    private void pumpOutput() {
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                output.add(line);
                if (line.startsWith("endpoint=")) {
                    endpoint.complete(line.substring("endpoint=".length(), line.indexOf(' ')));
                }
            }
        } catch (IOException e) {
            // The process died; the endpoint future below reports it.
        }
        endpoint.completeExceptionally(new IllegalStateException("server exited before it was ready: " + output));
    }

    /** Waits for the ready line and returns the endpoint it names. */
    String awaitEndpoint(Duration timeout) throws Exception {
        try {
            return endpoint.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("server not ready after " + timeout + ": " + output, e);
        }
    }

    /** Waits for the process to end and returns its exit code. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("server still running after " + timeout);
        }
        return process.exitValue();
    }

    /** SIGKILL: the process gets no chance to flush anything. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** SIGTERM: the server's shutdown hook closes it cleanly. */
    void terminate() {
        process.destroy();
    }

    List<String> output() {
        return List.copyOf(output);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill9();
        }
    }
}
