package io.tunnelstore.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.alicloud.openservices.tablestore.SyncClient;
import com.alicloud.openservices.tablestore.TunnelClient;
import com.alicloud.openservices.tablestore.model.ColumnValue;
import com.alicloud.openservices.tablestore.model.CreateTableRequest;
import com.alicloud.openservices.tablestore.model.Direction;
import com.alicloud.openservices.tablestore.model.GetRangeRequest;
import com.alicloud.openservices.tablestore.model.GetRowRequest;
import com.alicloud.openservices.tablestore.model.PrimaryKey;
import com.alicloud.openservices.tablestore.model.PrimaryKeyBuilder;
import com.alicloud.openservices.tablestore.model.PrimaryKeyType;
import com.alicloud.openservices.tablestore.model.PrimaryKeyValue;
import com.alicloud.openservices.tablestore.model.PutRowRequest;
import com.alicloud.openservices.tablestore.model.RangeRowQueryCriteria;
import com.alicloud.openservices.tablestore.model.Row;
import com.alicloud.openservices.tablestore.model.RowPutChange;
import com.alicloud.openservices.tablestore.model.SingleRowQueryCriteria;
import com.alicloud.openservices.tablestore.model.StreamRecord;
import com.alicloud.openservices.tablestore.model.TableMeta;
import com.alicloud.openservices.tablestore.model.TableOptions;
import com.alicloud.openservices.tablestore.model.tunnel.CreateTunnelRequest;
import com.alicloud.openservices.tablestore.model.tunnel.DescribeTunnelRequest;
import com.alicloud.openservices.tablestore.model.tunnel.TunnelStage;
import com.alicloud.openservices.tablestore.model.tunnel.TunnelType;
import com.alicloud.openservices.tablestore.tunnel.worker.IChannelProcessor;
import com.alicloud.openservices.tablestore.tunnel.worker.ProcessRecordsInput;
import com.alicloud.openservices.tablestore.tunnel.worker.TunnelWorker;
import com.alicloud.openservices.tablestore.tunnel.worker.TunnelWorkerConfig;
import io.tunnelstore.server.TunnelstoreServer;
import io.tunnelstore.testsupport.Await;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code server --engine hbase}: a complete server on an HBase minicluster (in a child JVM, see
 * {@link MiniHBaseProcess}) through the shaded engine, answering the official SDK — tables, rows, ranges and a
 * BaseAndStream tunnel's hand-over from base data to the stream.
 */
class HBaseServerTest {
    private static final String AK = "hbaseServerKey";
    private static final String SK = "hbaseServerSecret0123456789";

    @TempDir
    Path dataDir;

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

    @Test
    void serverOnHBaseAnswersTheOfficialSdk() throws Exception {
        String zookeeper = MiniHBaseProcess.zookeeper();
        ServerCommand command = parse("--engine", "hbase", "--hbase-zookeeper", zookeeper, "--hbase-table",
                "server_test", "--port", "0", "--data-dir", dataDir.toString());
        TunnelstoreServer server = StandardModules.server(command.config(Map.of("OTS_AK_ENV", AK, "OTS_SK_ENV", SK)))
                .storage(command.hbaseStorage())
                .console(new PrintStream(OutputStream.nullOutputStream()))
                .build();
        server.start();
        SyncClient client = new SyncClient(server.endpoint(), AK, SK, "tunnelstore");
        TunnelClient tunnels = new TunnelClient(server.endpoint(), AK, SK, "tunnelstore");
        TunnelWorkerConfig config = null;
        TunnelWorker worker = null;
        try {
            assertThat(server.context().storage().getClass().getName())
                    .isEqualTo("io.tunnelstore.storage.hbase.HBaseStorageEngine");
            TableMeta meta = new TableMeta("orders");
            meta.addPrimaryKeyColumn("id", PrimaryKeyType.INTEGER);
            client.createTable(new CreateTableRequest(meta, new TableOptions(-1, 1)));
            for (long id = 0; id < 30; id++) {
                put(client, id, "base-" + id);
            }
            Row row = client.getRow(new GetRowRequest(criteria(7))).getRow();
            assertThat(row.getLatestColumn("v").getValue().asString()).isEqualTo("base-7");
            RangeRowQueryCriteria range = new RangeRowQueryCriteria("orders");
            range.setInclusiveStartPrimaryKey(pk(10));
            range.setExclusiveEndPrimaryKey(pk(15));
            range.setDirection(Direction.FORWARD);
            range.setMaxVersions(1);
            List<Long> ids = client.getRange(new GetRangeRequest(range)).getRows().stream()
                    .map(r -> r.getPrimaryKey().getPrimaryKeyColumn("id").getValue().asLong()).toList();
            assertThat(ids).containsExactly(10L, 11L, 12L, 13L, 14L);

            String tunnelId = tunnels.createTunnel(new CreateTunnelRequest("orders", "sync",
                    TunnelType.BaseAndStream)).getTunnelId();
            Collector collector = new Collector();
            config = new TunnelWorkerConfig(collector);
            config.setHeartbeatIntervalInSec(5);
            worker = new TunnelWorker(tunnelId, tunnels, config);
            worker.connectAndWorking();
            await(() -> collector.size() >= 30);
            await(() -> tunnels.describeTunnel(new DescribeTunnelRequest("orders", "sync")).getTunnelInfo()
                    .getStage() == TunnelStage.ProcessStream);
            put(client, 100, "stream-100");
            put(client, 7, "stream-7");
            await(() -> collector.size() >= 32);

            List<String> received = collector.all();
            assertThat(received.subList(0, 30)).containsExactlyInAnyOrderElementsOf(
                    LongStream.range(0, 30).mapToObj(id -> "PUT " + id + " base-" + id).toList());
            assertThat(received.subList(30, received.size()))
                    .containsExactly("PUT 100 stream-100", "PUT 7 stream-7");
        } finally {
            if (worker != null) {
                worker.shutdown();
            }
            if (config != null) {
                config.shutdown();
            }
            tunnels.shutdown();
            client.shutdown();
            server.close();
        }
    }

    private static PrimaryKey pk(long id) {
        return PrimaryKeyBuilder.createPrimaryKeyBuilder().addPrimaryKeyColumn("id", PrimaryKeyValue.fromLong(id))
                .build();
    }

    private static SingleRowQueryCriteria criteria(long id) {
        SingleRowQueryCriteria c = new SingleRowQueryCriteria("orders", pk(id));
        c.setMaxVersions(1);
        return c;
    }

    private static void put(SyncClient client, long id, String value) {
        RowPutChange put = new RowPutChange("orders", pk(id));
        put.addColumn("v", ColumnValue.fromString(value));
        client.putRow(new PutRowRequest(put));
    }

    private static void await(BooleanSupplier condition) {
        Await.until(condition, Duration.ofSeconds(90));
    }

    /** "TYPE id value" of every delivered record, in delivery order. */
    private static final class Collector implements IChannelProcessor {
        private final List<String> records = new ArrayList<>();

        @Override
        public synchronized void process(ProcessRecordsInput input) {
            for (StreamRecord r : input.getRecords()) {
                records.add(r.getRecordType() + " " + r.getPrimaryKey().getPrimaryKeyColumn("id").getValue().asLong()
                        + " " + r.getColumns().get(0).getColumn().getValue().asString());
            }
        }

        synchronized int size() {
            return records.size();
        }

        synchronized List<String> all() {
            return List.copyOf(records);
        }

        @Override
        public void shutdown() {
        }
    }
}
