package io.tunnelstore.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code tunnelstore cluster}: its flags and their checks (the processes are tested in {@link ClusterCommandIT}). */
class ClusterCommandTest {
    private static final Map<String, String> ENV = Map.of(ClusterCommand.MINICLUSTER_CLASSPATH_ENV, "/mc.jar",
            "OTS_AK_ENV", "clusterKey", "OTS_SK_ENV", "clusterSecret0123456789");

    @TempDir
    Path dir;

    private static ClusterCommand parse(String... args) {
        ClusterCommand command = new ClusterCommand();
        new CommandLine(command).parseArgs(args);
        return command;
    }

    @Test
    void flagsBecomeTheClusterSettings() {
        LocalCluster.Settings settings = parse("--nodes", "2", "--port", "0", "--data-dir", dir.toString(),
                "--instance", "alpha,beta", "--region-servers", "2", "--node-heap", "384m", "--grace-period", "3")
                .settings(ENV);
        assertThat(settings.nodes()).isEqualTo(2);
        assertThat(settings.dataDir()).isEqualTo(dir.toAbsolutePath().normalize());
        assertThat(settings.instances()).containsExactly("alpha", "beta");
        assertThat(settings.regionServers()).isEqualTo(2);
        assertThat(settings.miniclusterClassPath()).isEqualTo("/mc.jar");
        assertThat(settings.nodeJvmArgs()).containsExactly("-Xmx384m");
        // only the admin key is passed on explicitly (the rest of the environment is inherited as usual)
        assertThat(settings.environment()).containsOnly(Map.entry("OTS_AK_ENV", "clusterKey"),
                Map.entry("OTS_SK_ENV", "clusterSecret0123456789"));
        assertThat(settings.gracePeriod()).isEqualTo(Duration.ofSeconds(3));
        assertThat(settings.nodeServerArgs()).containsExactly("--cluster-session-timeout", "10");
        assertThat(settings.startTimeout()).isEqualTo(Duration.ofSeconds(300));
        assertThat(settings.port(1)).isZero();
        assertThat(settings.port(2)).isZero();
    }

    @Test
    void defaultsAreThreeNodesFromPort8800() {
        LocalCluster.Settings settings = parse("--data-dir", dir.toString(), "--port", "47100").settings(ENV);
        assertThat(settings.nodes()).isEqualTo(3);
        assertThat(settings.instances()).containsExactly("tunnelstore");
        assertThat(List.of(settings.port(1), settings.port(2), settings.port(3))).containsExactly(47100, 47101, 47102);
        assertThat(parse().nodes).isEqualTo(3);
        assertThat(parse().port).isEqualTo(8800);
        assertThat(parse().dataDir).isEqualTo(Path.of("./cluster-data"));
    }

    @Test
    void badInputIsAClearUsageError() throws Exception {
        assertThatThrownBy(() -> parse("--nodes", "0", "--data-dir", dir.toString()).settings(ENV))
                .isInstanceOf(CommandLine.ParameterException.class).hasMessage("--nodes must be at least 1, got 0");
        assertThatThrownBy(() -> parse("--region-servers", "0", "--data-dir", dir.toString()).settings(ENV))
                .hasMessage("--region-servers must be at least 1, got 0");
        assertThatThrownBy(() -> parse("--port", "65535", "--nodes", "2", "--data-dir", dir.toString()).settings(ENV))
                .hasMessage("--port 65535 leaves no room for 2 nodes (ports PORT..PORT+N-1 must be in 1-65535, or 0 "
                        + "for free ports)");
        assertThatThrownBy(() -> parse("--port", "0", "--cluster-session-timeout", "0", "--data-dir",
                dir.toString()).settings(ENV)).hasMessage("--cluster-session-timeout must be positive, got 0");
        assertThatThrownBy(() -> parse("--node-heap", "lots", "--data-dir", dir.toString()).settings(ENV))
                .hasMessage("--node-heap must look like 512m or 2g, got 'lots'");
        assertThatThrownBy(() -> parse("--port", "0", "--data-dir", dir.toString()).settings(Map.of()))
                .hasMessageContaining("the HBase minicluster's class path is unknown: run 'cluster' through the "
                        + "./tunnelstore launcher");

        assertThatThrownBy(() -> parse("--port", "0", "--instance", "bad name", "--data-dir", dir.toString())
                .settings(ENV)).hasMessageStartingWith("invalid instance name 'bad name'");
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        assertThatThrownBy(() -> parse("--port", "0", "--data-dir", file.resolve("sub").toString()).settings(ENV))
                .hasMessageStartingWith("--data-dir: cannot create " + file.resolve("sub"));
    }

    @Test
    void aBusyPortIsNamedBeforeAnythingStarts() throws Exception {
        try (ServerSocket busy = new ServerSocket()) {
            busy.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            int port = busy.getLocalPort();
            assertThatThrownBy(() -> parse("--nodes", "1", "--port", Integer.toString(port), "--data-dir",
                    dir.toString()).settings(ENV))
                    .hasMessageStartingWith("port " + port + " (node-1) on 127.0.0.1 is not free")
                    .hasMessageEndingWith("choose another --port, or --port 0 for free ports");
        }
    }

    @Test
    void theCommandLineAnswersBadInputWithExitCode2() {
        CliRun.Result result = CliRun.run("cluster", "--nodes", "-1", "--data-dir", dir.toString());
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).startsWith("--nodes must be at least 1, got -1");
    }
}
