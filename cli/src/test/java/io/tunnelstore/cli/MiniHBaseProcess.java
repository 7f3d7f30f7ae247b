package io.tunnelstore.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One HBase minicluster per test JVM, in a child JVM ({@code io.tunnelstore.storage.hbase.MiniHBaseMain} of
 * storage-hbase's tests): HBase's server side needs protobuf 2.5 on its class path, the Tunnelstore server protobuf
 * 4, so they cannot share a JVM. The class path comes from storage-hbase's build ({@code minicluster.deps.classpath});
 * the child stops when this JVM closes its standard input (at exit, or when this JVM dies).
 */
final class MiniHBaseProcess {
    /** HBase's JVM flags on Java 17 (../shared/docs/HBASE.md; the same as storage-hbase's surefire argLine). */
    private static final List<String> HBASE_JVM_FLAGS = List.of(
            "-Dorg.apache.hbase.thirdparty.io.netty.tryReflectionSetAccessible=true", "--add-modules",
            "jdk.unsupported", "--add-opens", "java.base/java.nio=ALL-UNNAMED", "--add-opens",
            "java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--add-opens",
            "java.base/jdk.internal.ref=ALL-UNNAMED", "--add-opens", "java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens", "java.base/java.util=ALL-UNNAMED", "--add-opens",
            "java.base/java.util.concurrent=ALL-UNNAMED", "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
            "--add-exports", "java.security.jgss/sun.security.krb5=ALL-UNNAMED", "--add-exports",
            "java.base/sun.net.dns=ALL-UNNAMED", "--add-exports", "java.base/sun.net.util=ALL-UNNAMED");

    private static String quorum;
    /** Run at JVM exit before the minicluster stops (nodes using it close first). */
    private static final List<Runnable> BEFORE_STOP = new CopyOnWriteArrayList<>();

    private MiniHBaseProcess() {}

    /** Starts the minicluster on first use and returns its ZooKeeper quorum (HOST:PORT). */
    static synchronized String zookeeper() throws Exception {
        if (quorum == null) {
            quorum = start();
        }
        return quorum;
    }

    /**
     * Runs {@code action} at JVM exit before the minicluster is stopped: servers on it close while HBase still
     * answers (otherwise their HBase clients retry against a stopped cluster and the JVM's exit waits for them).
     */
    static void beforeStop(Runnable action) {
        BEFORE_STOP.add(action);
    }

    private static String start() throws Exception {
        String buildDir = System.getProperty("build.dir.name", "target");
        Path module = Path.of("..", "storage-hbase").toAbsolutePath().normalize();
        Path deps = module.resolve(buildDir).resolve("minicluster.deps.classpath");
        if (!Files.isRegularFile(deps)) {
            throw new IllegalStateException(deps + " is missing: build storage-hbase's tests first "
                    + "(mvn -pl cli -am test)");
        }
        String classPath = String.join(java.io.File.pathSeparator, module.resolve(buildDir).resolve("test-classes")
                .toString(), module.resolve(buildDir).resolve("classes").toString(),
                Files.readString(deps, StandardCharsets.UTF_8).strip());
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g"));
        command.addAll(HBASE_JVM_FLAGS);
        command.addAll(List.of("-cp", classPath, "io.tunnelstore.storage.hbase.MiniHBaseMain"));
        Path workDir = Files.createTempDirectory("minihbase");
        Process process = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
        List<String> output = new CopyOnWriteArrayList<>();
        CompletableFuture<String> ready = new CompletableFuture<>();
        Thread pump = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    if (output.size() < 200) {
                        output.add(line);
                    }
                    if (line.startsWith("zookeeper=")) {
                        ready.complete(line.substring("zookeeper=".length()));
                    }
                }
            } catch (IOException e) {
                // the child ended; reported below
            }
            ready.completeExceptionally(new IllegalStateException("minicluster exited: " + output));
        }, "minihbase-output");
        pump.setDaemon(true);
        pump.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (Runnable action : BEFORE_STOP) {
                try {
                    action.run();
                } catch (RuntimeException e) {
                    System.err.println("minicluster: a clean-up before the stop failed: " + e);
                }
            }
            try {
                process.getOutputStream().close(); // EOF: the child stops its cluster and exits
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (IOException | InterruptedException e) {
                process.destroyForcibly();
            }
        }, "minihbase-stop"));
        try {
            return ready.get(5, TimeUnit.MINUTES);
        } catch (TimeoutException e) {
            process.destroyForcibly();
            throw new IllegalStateException("minicluster not ready after 5 minutes: " + output, e);
        }
    }
}
