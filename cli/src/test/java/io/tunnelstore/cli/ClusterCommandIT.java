package io.tunnelstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.alicloud.openservices.tablestore.SyncClient;
import io.tunnelstore.testsupport.Await;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code tunnelstore cluster} as a user runs it, in a process of its own: the ready lines, then
 * {@code cluster ready nodes=N}, every node answering the official SDK, and no process left behind — after SIGTERM,
 * after a SIGKILL of the command itself, and when a node fails to start.
 */
class ClusterCommandIT {

    @Test
    void startsNodesPrintsTheContractAndStopsEverythingOnSigterm() throws Exception {
        try (Cluster command = Cluster.start("cluster-cmd", "--nodes", "2")) {
            Await.until("cluster ready", Duration.ofMinutes(5),
                    () -> command.output.contains("cluster ready nodes=2") || !command.process.isAlive());
            List<String> lines = command.stdoutLines();
            assertThat(lines).as(command.describe()).contains("cluster ready nodes=2");
            List<String> endpoints = lines.stream().filter(l -> l.startsWith("endpoint=")).toList();
            assertThat(endpoints).hasSize(2).allMatch(l -> l.matches("endpoint=http://127\\.0\\.0\\.1:\\d+ "
                    + "instance=tunnelstore"));
            assertThat(lines.indexOf("cluster ready nodes=2")).isEqualTo(lines.size() - 1);
            assertThat(lines.get(lines.size() - 2)).startsWith("hbase zookeeper=127.0.0.1:");
            for (String line : endpoints) {
                String endpoint = line.substring("endpoint=".length(), line.indexOf(' '));
                SyncClient client = new SyncClient(endpoint, ClusterHarness.ACCESS_KEY_ID,
                        ClusterHarness.ACCESS_KEY_SECRET, "tunnelstore");
                try {
                    assertThat(client.listTable().getTableNames()).isEmpty();
                } finally {
                    client.shutdown();
                }
            }
            // the minicluster and the two nodes
            assertThat(command.seen).hasSize(3);

            command.process.destroy(); // SIGTERM
            assertThat(command.process.waitFor(3, TimeUnit.MINUTES)).isTrue();
            assertThat(command.process.exitValue()).isEqualTo(143);
            assertThat(command.seen).allMatch(p -> !p.isAlive(), "every child ended");
        }
    }

    @Test
    void aNodeThatCannotStartStopsTheClusterWithNoOrphans() throws Exception {
        // a heap no JVM starts with: node-1's JVM exits at once, after the minicluster has started
        try (Cluster command = Cluster.start("cluster-bad-node", "--nodes", "2", "--node-heap", "1k")) {
            assertThat(command.process.waitFor(5, TimeUnit.MINUTES)).isTrue();
            assertThat(command.process.exitValue()).as(command.describe()).isEqualTo(1);
            assertThat(command.output).anyMatch(l -> l.startsWith("tunnelstore cluster: node-1 exited before it was ready "
                    + "(exit code 1); last lines of "));
            assertThat(command.output).noneMatch(l -> l.startsWith("cluster ready"));
            // the minicluster ran (node-1's JVM may end before the 100 ms sampling sees it), and nothing is left
            assertThat(command.seen).isNotEmpty().allMatch(p -> !p.isAlive(), "every child ended");
        }
    }

    @Test
    void killedWithSigkillItLeavesNoChildRunning() throws Exception {
        try (Cluster command = Cluster.start("cluster-kill9", "--nodes", "1")) {
            Await.until("cluster ready", Duration.ofMinutes(5),
                    () -> command.output.contains("cluster ready nodes=1") || !command.process.isAlive());
            assertThat(command.stdoutLines()).as(command.describe()).contains("cluster ready nodes=1");
            // the minicluster and the node (the 100 ms sampling may also catch a JVM between fork and exec)
            assertThat(command.seen).hasSizeGreaterThanOrEqualTo(2);

            command.process.destroyForcibly(); // SIGKILL: none of the command's own clean-up runs
            assertThat(command.process.waitFor(1, TimeUnit.MINUTES)).isTrue();
            long killed = System.nanoTime();
            // the node watches its parent's pid (the JDK polls a non-child's liveness at most every 5 s), then
            // closes as on SIGTERM; the minicluster reads its standard input to the end and stops HBase
            Await.until("every child ended", Duration.ofMinutes(2), () -> command.seen.stream()
                    .noneMatch(ProcessHandle::isAlive));
            System.out.printf("tunnelstore cluster killed with SIGKILL: its children ended within %d ms%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed));
            assertThat(java.nio.file.Files.readString(command.dataDir.resolve("logs").resolve("node-1.log")))
                    .contains("tunnelstore server: the process that started this node (pid " + command.process.pid()
                            + ") ended; stopping");
        }
    }

    /** {@code tunnelstore cluster} in a child JVM, with its output and every descendant process it ever had. */
    private static final class Cluster implements AutoCloseable {
        final Process process;
        final List<String> output = new CopyOnWriteArrayList<>();
        final List<String> stdout = new CopyOnWriteArrayList<>();
        final Set<ProcessHandle> seen = ConcurrentHashMap.newKeySet();
        final Path dataDir;

        private Cluster(Process process, Path dataDir) {
            this.process = process;
            this.dataDir = dataDir;
            daemon("cluster-stdout", () -> pump(new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8)), true));
            daemon("cluster-stderr", () -> pump(new BufferedReader(new InputStreamReader(process.getErrorStream(),
                    StandardCharsets.UTF_8)), false));
            daemon("cluster-children", () -> {
                while (process.isAlive()) {
                    process.descendants().filter(p -> p.info().command().orElse("").endsWith("java"))
                            .forEach(seen::add);
                    try {
                        Thread.sleep(100); // sampling the process tree: no event tells when a child appears
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }

        static Cluster start(String name, String... args) throws IOException {
            LocalCluster.Settings settings = ClusterHarness.settings(name, 1, 1);
            List<String> command = new ArrayList<>(List.of(LocalCluster.javaBinary(), "-Xmx256m", "-cp",
                    System.getProperty("java.class.path"), Main.class.getName(), "cluster", "--port", "0",
                    "--data-dir", settings.dataDir().toString(), "--grace-period", "5",
                    "--minicluster-classpath", settings.miniclusterClassPath()));
            if (!List.of(args).contains("--node-heap")) {
                command.addAll(List.of("--node-heap", "384m"));
            }
            command.addAll(List.of(args));
            ProcessBuilder builder = new ProcessBuilder(command);
            builder.environment().putAll(settings.environment());
            return new Cluster(builder.start(), settings.dataDir());
        }

        private void pump(BufferedReader reader, boolean isStdout) {
            try (reader) {
                String line;
                while ((line = reader.readLine()) != null) {
                    output.add(line);
                    if (isStdout) {
                        stdout.add(line);
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        }

        private static void daemon(String name, Runnable body) {
            Thread thread = new Thread(body, name);
            thread.setDaemon(true);
            thread.start();
        }

        List<String> stdoutLines() {
            return List.copyOf(stdout);
        }

        String describe() {
            return "output of tunnelstore cluster: " + String.join(System.lineSeparator(), output);
        }

        @Override
        public void close() {
            if (process.isAlive()) {
                process.destroy();
                try {
                    if (!process.waitFor(2, TimeUnit.MINUTES)) {
                        process.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            seen.forEach(ProcessHandle::destroyForcibly); // only if the test already failed
        }
    }
}
