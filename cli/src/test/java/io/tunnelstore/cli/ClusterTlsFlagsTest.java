package io.tunnelstore.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.tunnelstore.server.TlsSettings;
import io.tunnelstore.server.tls.ServerCertificates;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code tunnelstore cluster}'s TLS flags (passed on to every node as {@code server} names them) and the check of the
 * files a cluster node's flags name before anything starts: a bad {@code --cluster-trust} or certificate is a usage
 * error (exit code 2) before the ZooKeeper probe, not a start failure after it.
 */
class ClusterTlsFlagsTest {
    private static final Map<String, String> ENV = Map.of(ClusterCommand.MINICLUSTER_CLASSPATH_ENV, "/mc.jar");

    @TempDir
    Path dir;
    private Path cert;
    private Path key;

    @BeforeEach
    void certificate() {
        Path tls = dir.resolve("tls");
        ServerCertificates.load(TlsSettings.selfSigned("127.0.0.1"), tls, Clock.systemUTC());
        cert = tls.resolve(ServerCertificates.SELF_SIGNED_CERT);
        key = tls.resolve(ServerCertificates.SELF_SIGNED_KEY);
    }

    private static ClusterCommand parse(String... args) {
        ClusterCommand command = new ClusterCommand();
        new CommandLine(command).parseArgs(args);
        return command;
    }

    @Test
    void theTlsFlagsReachEveryNodeWithAbsolutePaths() {
        Path relativeCert = Path.of("").toAbsolutePath().relativize(cert);
        LocalCluster.Settings settings = parse("--data-dir", dir.resolve("c").toString(), "--port", "0",
                "--host", "0.0.0.0", "--advertise-host", "127.0.0.1", "--tls-cert", relativeCert.toString(),
                "--tls-key", key.toString(), "--cluster-trust", cert.toString()).settings(ENV);

        assertThat(settings.nodeServerArgs()).containsExactly("--cluster-session-timeout", "10",
                "--tls-cert", cert.toString(), "--tls-key", key.toString(), "--cluster-trust", cert.toString(),
                "--advertise-host", "127.0.0.1");
        assertThat(settings.host()).isEqualTo("0.0.0.0");
    }

    @Test
    void inconsistentTlsFlagsAreRefusedAsTheServerRefusesThem() {
        String data = dir.resolve("c").toString();
        assertThatThrownBy(() -> parse("--data-dir", data, "--port", "0", "--tls-cert", cert.toString())
                .settings(ENV)).isInstanceOf(CommandLine.ParameterException.class)
                .hasMessage("--tls-cert and --tls-key go together");
        assertThatThrownBy(() -> parse("--data-dir", data, "--port", "0", "--cluster-trust", cert.toString())
                .settings(ENV)).isInstanceOf(CommandLine.ParameterException.class)
                .hasMessage("--cluster-trust goes with --tls-cert/--tls-key or --tls-self-signed (forwarding is "
                        + "plain http otherwise)");
        assertThatThrownBy(() -> parse("--data-dir", data, "--port", "0", "--host", "0.0.0.0").settings(ENV))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessage("--host 0.0.0.0 listens on every address; give --advertise-host, the address the other "
                        + "nodes reach this node at");
    }

    @Test
    void unreadableCertificateFilesAreRefusedBeforeAnythingStarts() throws IOException {
        String data = dir.resolve("c").toString();
        Path missing = dir.resolve("missing.pem");
        Path empty = Files.writeString(dir.resolve("empty.pem"), "not a certificate\n");
        assertThatThrownBy(() -> parse("--data-dir", data, "--port", "0", "--tls-cert", cert.toString(),
                "--tls-key", key.toString(), "--cluster-trust", missing.toString()).settings(ENV))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessage("--cluster-trust: cannot read " + missing + " (no such file)");
        assertThatThrownBy(() -> parse("--data-dir", data, "--port", "0", "--tls-cert", cert.toString(),
                "--tls-key", key.toString(), "--cluster-trust", empty.toString()).settings(ENV))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessage("--cluster-trust: cannot set up the cluster's TLS trust: no certificate (BEGIN CERTIFICATE) in "
                        + empty);
        assertThatThrownBy(() -> parse("--data-dir", data, "--port", "0", "--tls-cert", missing.toString(),
                "--tls-key", key.toString()).settings(ENV))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessage("--tls-cert: cannot read " + missing + " (no such file)");
        assertThatThrownBy(() -> parse("--data-dir", data, "--port", "0", "--tls-cert", empty.toString(),
                "--tls-key", key.toString()).settings(ENV))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageStartingWith("--tls-cert/--tls-key: cannot set up TLS: ");
    }

    /**
     * {@code server --engine hbase} with a missing {@code --cluster-trust} file on a quorum where nothing listens: the
     * file is reported (exit code 2, the usage code of every bad flag), not the quorum.
     */
    @Test
    void aServerNodeReportsABadClusterTrustFileBeforeTheZooKeeperProbe() throws IOException {
        String quorum = "127.0.0.1:" + freePort();
        Path missing = dir.resolve("missing.pem");

        CliRun.Result r = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> CliRun.run("server", "--engine",
                "hbase", "--hbase-zookeeper", quorum, "--port", Integer.toString(freePort()), "--data-dir",
                dir.resolve("node").toString(), "--tls-cert", cert.toString(), "--tls-key", key.toString(),
                "--cluster-trust", missing.toString()));

        assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
        assertThat(r.err().lines().findFirst()).hasValue("--cluster-trust: cannot read " + missing + " (no such file)");
        assertThat(r.err()).doesNotContain("quorum " + quorum).doesNotContain("\tat ");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
