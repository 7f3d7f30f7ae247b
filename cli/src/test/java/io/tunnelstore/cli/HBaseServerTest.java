package io.tunnelstore.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code server --engine hbase}: its flags are checked before anything starts. A running node answering the official
 * SDK (tables, rows, ranges, Stream, the three tunnel types) is {@link ClusterCompatTest}'s, on the shared cluster
 * ({@link HBaseCluster}): {@code server --engine hbase} always joins a cluster.
 */
class HBaseServerTest {
    private static ServerCommand parse(String... args) {
        ServerCommand command = new ServerCommand();
        new CommandLine(command).parseArgs(args);
        return command;
    }

    @Test
    void engineFlagsAreChecked() {
        assertThatThrownBy(() -> parse("--engine", "hbase").config(Map.of()))
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("needs --hbase-zookeeper");
        assertThatThrownBy(() -> parse("--hbase-zookeeper", "zk:2181").config(Map.of()))
                .hasMessageContaining("go with --engine hbase");
        assertThatThrownBy(() -> parse("--engine", "hbase", "--hbase-zookeeper", "zk:99999").config(Map.of()))
                .hasMessage("--hbase-zookeeper: bad port '99999' in ZooKeeper quorum entry 'zk:99999' (1-65535)");
        assertThatThrownBy(() -> parse("--engine", "hbase", "--hbase-zookeeper", "zk1,,zk2").config(Map.of()))
                .hasMessageContaining("bad ZooKeeper quorum entry ''");
        assertThatThrownBy(() -> parse("--engine", "cassandra")).isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("Invalid value for option '--engine'");
        assertThatThrownBy(() -> parse("--node-id", "a b").config(Map.of())).hasMessageContaining("--node-id");
        assertThat(parse("--node-id", "node-1").nodeId()).isEqualTo("node-1");
        assertThat(parse("--port", "9000").nodeId()).isEqualTo("127.0.0.1-9000");
    }
}
