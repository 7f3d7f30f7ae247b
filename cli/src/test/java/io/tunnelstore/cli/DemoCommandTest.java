package io.tunnelstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tunnelstore demo} end to end with its embedded server: the base data is exactly the rows written before
 * the tunnel (a snapshot), and every change written while consuming arrives in the stream phase.
 */
class DemoCommandTest {
    @TempDir
    Path dataDir;

    @Test
    void baseCountIsExactlyTheRowsWrittenBeforeTheTunnel() {
        CliRun.Result r = CliRun.run("demo", "--rows", "437", "--changes", "90", "--heartbeat", "PT5S",
                "--data-dir", dataDir.toString());
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        List<String> lines = r.outLines();
        assertThat(lines.get(lines.size() - 1)).isEqualTo("demo: base=437 stream=90 ok");
        // no progress line ever counted a base row more than written
        assertThat(lines).filteredOn(l -> l.startsWith("demo: stage="))
                .allSatisfy(l -> assertThat(l).matches("demo: stage=\\S+ base=(\\d|[1-9]\\d|[1-3]\\d\\d|4[0-2]\\d|43[0-7])"
                        + "/437 .*"));
    }
}
