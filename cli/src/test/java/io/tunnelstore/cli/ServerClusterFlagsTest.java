package io.tunnelstore.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code tunnelstore server} flags of a cluster node: the advertised address and the cluster's TLS trust. */
class ServerClusterFlagsTest {

    private static ServerCommand parse(String... args) {
        ServerCommand command = new ServerCommand();
        new CommandLine(command).parseArgs(args);
        command.config(Map.of());
        return command;
    }

    @Test
    void theAdvertisedAddressIsTheAdvertiseHostOrTheListenHostWithThePort() {
        ServerCommand listenHost = parse("--engine", "hbase", "--hbase-zookeeper", "zk:2181", "--host", "10.0.0.5",
                "--port", "8800");
        assertThat(listenHost.advertisedAddress()).isEqualTo("10.0.0.5:8800");
        assertThat(listenHost.nodeId()).isEqualTo("10.0.0.5-8800");
        ServerCommand wildcard = parse("--engine", "hbase", "--hbase-zookeeper", "zk", "--host", "0.0.0.0",
                "--port", "8800", "--advertise-host", "node-2.internal");
        assertThat(wildcard.advertisedAddress()).isEqualTo("node-2.internal:8800");
        assertThat(wildcard.nodeId()).isEqualTo("node-2.internal-8800");
        assertThat(parse("--engine", "hbase", "--hbase-zookeeper", "zk", "--port", "8800",
                "--advertise-host", "fd00::5").advertisedAddress()).isEqualTo("[fd00::5]:8800");
    }

    @Test
    void inconsistentClusterFlagsAreUsageErrors() {
        assertThatThrownBy(() -> parse("--engine", "hbase", "--hbase-zookeeper", "zk", "--host", "0.0.0.0"))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessage("--host 0.0.0.0 listens on every address; give --advertise-host, the address the other "
                        + "nodes reach this node at");
        assertThatThrownBy(() -> parse("--advertise-host", "node-2"))
                .hasMessage("--advertise-host and --cluster-trust go with --engine hbase");
        assertThatThrownBy(() -> parse("--engine", "hbase", "--hbase-zookeeper", "zk", "--cluster-trust", "ca.pem"))
                .hasMessage("--cluster-trust goes with --tls-cert/--tls-key or --tls-self-signed (forwarding is "
                        + "plain http otherwise)");
        assertThatThrownBy(() -> parse("--engine", "hbase", "--hbase-zookeeper", "zk", "--advertise-host", "::"))
                .hasMessage("--advertise-host must be a host name or address the other nodes can reach, got '::'");
        assertThat(parse("--engine", "hbase", "--hbase-zookeeper", "zk", "--tls-self-signed", "--cluster-trust",
                "ca.pem").clusterTrust).hasToString("ca.pem");
    }
}
