package io.tunnelstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tunnel consume} in its own process, stopped the way Ctrl-C stops it (a signal that runs the JVM's shutdown
 * hooks): it exits, and what it printed was checkpointed, so the next consumer does not receive it again.
 */
class ConsumeInterruptIT {

    @Test
    void aSignalStopsConsumeGracefullyAndCommitsWhatWasPrinted(@TempDir Path dataDir) throws Exception {
        try (InProcessServer server = new InProcessServer(dataDir)) {
            server.run("table", "create", "feed", "--pk", "id:integer", "--stream-hours", "1");
            for (int i = 0; i < 3; i++) {
                server.run("table", "put", "feed", "--pk", "id=" + i, "-c", "v=int:" + i);
            }
            server.run("tunnel", "create", "feed", "follow", "--type", "base-and-stream");

            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                    "-cp", System.getProperty("java.class.path"), Main.class.getName()));
            command.addAll(List.of(server.args("tunnel", "consume", "feed", "follow")));
            Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            List<String> printed = new CopyOnWriteArrayList<>();
            CountDownLatch allBase = new CountDownLatch(3);
            Thread pump = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(
                        new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        printed.add(line);
                        allBase.countDown();
                    }
                } catch (java.io.IOException e) {
                    // the child is gone; the assertions below report what was read
                }
            }, "consume-output");
            pump.setDaemon(true);
            pump.start();
            try {
                assertThat(allBase.await(60, TimeUnit.SECONDS)).as("base rows printed: %s", printed).isTrue();
                child.destroy(); // SIGTERM, like Ctrl-C's SIGINT, runs the shutdown hooks
                assertThat(child.waitFor(45, TimeUnit.SECONDS)).as("consume exits after the signal").isTrue();
                assertThat(child.exitValue()).isEqualTo(143);
            } finally {
                child.destroyForcibly();
            }
            pump.join(5_000);
            assertThat(printed).containsExactly("[base] PUT id=0: v=0", "[base] PUT id=1: v=1",
                    "[base] PUT id=2: v=2");

            // What the stopped consumer printed was committed: the next one gets only the new change.
            server.run("table", "put", "feed", "--pk", "id=9", "-c", "v=int:9");
            CliRun.Result next = server.run("tunnel", "consume", "feed", "follow", "--max-records", "1",
                    "--timeout", "PT60S");
            assertThat(next.exitCode()).as(next.err()).isZero();
            assertThat(next.outLines()).hasSize(1);
            assertThat(next.outLines().get(0)).matches("\\[stream \\S+\\] PUT id=9: v=9");
        }
    }
}
