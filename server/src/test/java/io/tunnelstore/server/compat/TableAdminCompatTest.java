package io.tunnelstore.server.compat;

import static io.tunnelstore.server.compat.CompatServer.assertOtsError;
import static io.tunnelstore.server.compat.CompatServer.meta;
import static org.assertj.core.api.Assertions.assertThat;

import com.alicloud.openservices.tablestore.model.CapacityUnit;
import com.alicloud.openservices.tablestore.model.CreateTableRequest;
import com.alicloud.openservices.tablestore.model.CreateTableRequestEx;
import com.alicloud.openservices.tablestore.model.DeleteTableRequest;
import com.alicloud.openservices.tablestore.model.DescribeTableRequest;
import com.alicloud.openservices.tablestore.model.DescribeTableResponse;
import com.alicloud.openservices.tablestore.model.PrimaryKeySchema;
import com.alicloud.openservices.tablestore.model.PrimaryKeyType;
import com.alicloud.openservices.tablestore.model.PrimaryKeyValue;
import com.alicloud.openservices.tablestore.model.ReservedThroughput;
import com.alicloud.openservices.tablestore.model.StreamSpecification;
import com.alicloud.openservices.tablestore.model.TableOptions;
import com.alicloud.openservices.tablestore.model.UpdateTableRequest;
import com.alicloud.openservices.tablestore.model.UpdateTableResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** CreateTable, ListTable, DescribeTable, UpdateTable and DeleteTable through the official Java SDK. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TableAdminCompatTest {

    private CompatServer ots;

    @BeforeAll
    void start(@TempDir Path dir) {
        ots = new CompatServer(dir);
    }

    @AfterAll
    void stop() {
        ots.close();
    }

    @Test
    void describeReturnsEverythingCreateTableSet() {
        CreateTableRequest create = new CreateTableRequest(
                meta("described", "region", PrimaryKeyType.STRING, "id", PrimaryKeyType.INTEGER,
                        "raw", PrimaryKeyType.BINARY),
                new TableOptions(86_400 * 30, 3, 7_200),
                new ReservedThroughput(new CapacityUnit(5, 7)));
        ots.client.createTable(create);

        DescribeTableResponse d = ots.client.describeTable(new DescribeTableRequest("described"));

        assertThat(d.getTableMeta().getTableName()).isEqualTo("described");
        assertThat(d.getTableMeta().getPrimaryKeyList()).containsExactly(
                new PrimaryKeySchema("region", PrimaryKeyType.STRING),
                new PrimaryKeySchema("id", PrimaryKeyType.INTEGER),
                new PrimaryKeySchema("raw", PrimaryKeyType.BINARY));
        assertThat(d.getTableOptions().getTimeToLive()).isEqualTo(86_400 * 30);
        assertThat(d.getTableOptions().getMaxVersions()).isEqualTo(3);
        assertThat(d.getTableOptions().getMaxTimeDeviation()).isEqualTo(7_200);
        assertThat(d.getReservedThroughputDetails().getCapacityUnit().getReadCapacityUnit()).isEqualTo(5);
        assertThat(d.getReservedThroughputDetails().getCapacityUnit().getWriteCapacityUnit()).isEqualTo(7);
        assertThat(d.getReservedThroughputDetails().getLastIncreaseTime()).isEqualTo(ots.clock.millis() / 1000);
        assertThat(d.getStreamDetails().isEnableStream()).isFalse();
        assertThat(d.getShardSplits()).isEmpty();
        assertThat(d.getCreationTime()).isEqualTo(ots.clock.millis() * 1000);
    }

    @Test
    void defaultsApplyWhenOptionsAreOmitted() {
        ots.client.createTable(new CreateTableRequest(meta("defaults", "pk", PrimaryKeyType.INTEGER),
                new TableOptions(-1, 1)));
        DescribeTableResponse d = ots.client.describeTable(new DescribeTableRequest("defaults"));
        assertThat(d.getTableOptions().getTimeToLive()).isEqualTo(-1);
        assertThat(d.getTableOptions().getMaxVersions()).isEqualTo(1);
        assertThat(d.getTableOptions().getMaxTimeDeviation()).isEqualTo(86_400);
        assertThat(d.getReservedThroughputDetails().getCapacityUnit().getReadCapacityUnit()).isZero();
    }

    @Test
    void splitPointsBecomeShardSplitsAndStreamDetailsAreFilled() {
        CreateTableRequestEx create = new CreateTableRequestEx(meta("split", "pk", PrimaryKeyType.INTEGER),
                new TableOptions(-1, 1));
        create.setSplitPoints(List.of(PrimaryKeyValue.fromLong(100), PrimaryKeyValue.fromLong(200)));
        StreamSpecification stream = new StreamSpecification(true, 24);
        stream.addOriginColumnsToGet("old");
        create.setStreamSpecification(stream);
        ots.createTableEx(create);

        DescribeTableResponse d = ots.client.describeTable(new DescribeTableRequest("split"));

        assertThat(d.getShardSplits()).hasSize(2);
        assertThat(d.getShardSplits().get(0).getPrimaryKeyColumn("pk").getValue().asLong()).isEqualTo(100);
        assertThat(d.getShardSplits().get(1).getPrimaryKeyColumn("pk").getValue().asLong()).isEqualTo(200);
        assertThat(d.getStreamDetails().isEnableStream()).isTrue();
        assertThat(d.getStreamDetails().getStreamId()).isNotBlank();
        assertThat(d.getStreamDetails().getExpirationTime()).isEqualTo(24);
        assertThat(d.getStreamDetails().getLastEnableTime()).isEqualTo(ots.clock.millis() * 1000);
        assertThat(d.getStreamDetails().getOriginColumnsToGet()).containsExactly("old");
        assertThat(ots.module().catalog().require(CompatServer.INSTANCE, "split").partitions())
                .extracting(p -> p.shardId()).containsExactly(1L, 2L, 3L);
    }

    @Test
    void updateTableChangesOptionsAndTogglesTheStream() {
        ots.client.createTable(new CreateTableRequest(meta("updated", "pk", PrimaryKeyType.STRING),
                new TableOptions(-1, 1)));

        UpdateTableRequest enable = new UpdateTableRequest("updated");
        TableOptions options = new TableOptions();
        options.setMaxVersions(4);
        options.setTimeToLive(172_800);
        enable.setTableOptionsForUpdate(options);
        enable.setStreamSpecification(new StreamSpecification(true, 12));
        UpdateTableResponse enabled = ots.client.updateTable(enable);

        assertThat(enabled.getTableOptions().getMaxVersions()).isEqualTo(4);
        assertThat(enabled.getTableOptions().getTimeToLive()).isEqualTo(172_800);
        assertThat(enabled.getTableOptions().getMaxTimeDeviation()).isEqualTo(86_400);
        assertThat(enabled.getStreamDetails().isEnableStream()).isTrue();
        assertThat(enabled.getStreamDetails().getExpirationTime()).isEqualTo(12);
        String streamId = enabled.getStreamDetails().getStreamId();
        assertThat(streamId).isNotBlank();

        DescribeTableResponse d = ots.client.describeTable(new DescribeTableRequest("updated"));
        assertThat(d.getTableOptions().getMaxVersions()).isEqualTo(4);
        assertThat(d.getStreamDetails().getStreamId()).isEqualTo(streamId);

        UpdateTableRequest disable = new UpdateTableRequest("updated");
        disable.setStreamSpecification(new StreamSpecification(false));
        UpdateTableResponse disabled = ots.client.updateTable(disable);
        assertThat(disabled.getStreamDetails().isEnableStream()).isFalse();
        assertThat(disabled.getTableOptions().getMaxVersions()).isEqualTo(4);

        UpdateTableRequest throughput = new UpdateTableRequest("updated");
        throughput.setReservedThroughputForUpdate(new ReservedThroughput(new CapacityUnit(3, 4)));
        UpdateTableResponse t = ots.client.updateTable(throughput);
        assertThat(t.getReservedThroughputDetails().getCapacityUnit().getReadCapacityUnit()).isEqualTo(3);
        assertThat(t.getReservedThroughputDetails().getCapacityUnit().getWriteCapacityUnit()).isEqualTo(4);
        assertThat(t.getStreamDetails().isEnableStream()).isFalse();
    }

    @Test
    void listAndDeleteTables() {
        ots.client.createTable(new CreateTableRequest(meta("zz_doomed", "pk", PrimaryKeyType.INTEGER),
                new TableOptions(-1, 1)));
        assertThat(ots.client.listTable().getTableNames()).contains("zz_doomed");

        ots.client.deleteTable(new DeleteTableRequest("zz_doomed"));

        assertThat(ots.client.listTable().getTableNames()).doesNotContain("zz_doomed");
        assertOtsError(() -> ots.client.describeTable(new DescribeTableRequest("zz_doomed")),
                "OTSObjectNotExist", 404);
        assertOtsError(() -> ots.client.deleteTable(new DeleteTableRequest("zz_doomed")), "OTSObjectNotExist", 404);
    }

    @Test
    void invalidSchemasAreRejected() {
        assertOtsError(() -> ots.client.createTable(new CreateTableRequest(meta("1bad", "pk", PrimaryKeyType.INTEGER),
                new TableOptions(-1, 1))), "OTSParameterInvalid", 400);
        assertOtsError(() -> ots.client.createTable(new CreateTableRequest(meta("five", "a", PrimaryKeyType.INTEGER,
                "b", PrimaryKeyType.INTEGER, "c", PrimaryKeyType.INTEGER, "d", PrimaryKeyType.INTEGER,
                "e", PrimaryKeyType.INTEGER), new TableOptions(-1, 1))), "OTSParameterInvalid", 400);
        assertOtsError(() -> ots.client.createTable(new CreateTableRequest(meta("dup", "a", PrimaryKeyType.INTEGER,
                "a", PrimaryKeyType.STRING), new TableOptions(-1, 1))), "OTSParameterInvalid", 400);
        assertThat(ots.client.listTable().getTableNames()).doesNotContain("1bad", "five", "dup");
    }
}
