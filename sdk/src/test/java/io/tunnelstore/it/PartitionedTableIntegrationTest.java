package io.tunnelstore.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunnelstore.client.ChannelInfo;
import io.tunnelstore.client.CreateTableRequest;
import io.tunnelstore.client.CreateTunnelRequest;
import io.tunnelstore.client.PrimaryKeyType;
import io.tunnelstore.client.TableDescription;
import io.tunnelstore.client.TunnelType;
import io.tunnelstore.protocol.model.ColumnValue;
import io.tunnelstore.protocol.model.PrimaryKey;
import io.tunnelstore.protocol.model.PrimaryKeyColumn;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CreateTable with split points against the real server: DescribeTable's shard splits and one channel each. */
class PartitionedTableIntegrationTest {
    @TempDir
    Path dataDir;

    @Test
    void integerSplitPointsGiveOnePartitionAndOneStreamChannelEach() {
        try (ItServer ots = new ItServer(dataDir)) {
            ots.tables.createTable(CreateTableRequest.builder("parts").addPrimaryKey("id", PrimaryKeyType.INTEGER)
                    .splitPoints("id", 100, 200).streamEnabled(24).build());
            TableDescription d = ots.tables.describeTable("parts");
            assertThat(d.shardSplits()).containsExactly(ItServer.pk(100), ItServer.pk(200));
            ots.tunnels.createTunnel(CreateTunnelRequest.of("parts", "s", TunnelType.STREAM));
            List<ChannelInfo> channels = ots.channels("parts", "s");
            assertThat(channels).hasSize(3).allSatisfy(c -> assertThat(c.type()).isEqualTo(ChannelInfo.Type.STREAM));
            assertThat(channels).extracting(ChannelInfo::channelId).doesNotHaveDuplicates();
        }
    }

    @Test
    void stringSplitPointsAndASinglePartitionTable() {
        try (ItServer ots = new ItServer(dataDir)) {
            List<PrimaryKey> points = List.of(PrimaryKey.of(PrimaryKeyColumn.of("name", ColumnValue.ofString("g"))),
                    PrimaryKey.of(PrimaryKeyColumn.of("name", ColumnValue.ofString("p"))));
            ots.tables.createTable(CreateTableRequest.builder("named").addPrimaryKey("name", PrimaryKeyType.STRING)
                    .addPrimaryKey("n", PrimaryKeyType.INTEGER).splitPoints(points).build());
            assertThat(ots.tables.describeTable("named").shardSplits()).isEqualTo(points);

            ots.tables.createTable(CreateTableRequest.builder("single").addPrimaryKey("id", PrimaryKeyType.INTEGER)
                    .build());
            assertThat(ots.tables.describeTable("single").shardSplits()).isEmpty();
        }
    }

    @Test
    void theItServerHelperUsesSplitPoints() {
        try (ItServer ots = new ItServer(dataDir)) {
            ots.createPartitionedTable("helper", 100);
            assertThat(ots.tables.describeTable("helper").shardSplits()).containsExactly(ItServer.pk(100));
            ots.tunnels.createTunnel(CreateTunnelRequest.of("helper", "s", TunnelType.STREAM));
            assertThat(ots.channels("helper", "s")).hasSize(2);
        }
    }
}
