package io.tunnelstore.server.table;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.tunnelstore.protocol.model.Cell;
import io.tunnelstore.protocol.model.ColumnValue;
import io.tunnelstore.protocol.model.PlainRow;
import io.tunnelstore.protocol.model.PrimaryKey;
import io.tunnelstore.protocol.model.PrimaryKeyColumn;
import io.tunnelstore.protocol.pb.TableProtos.BatchWriteRowRequest;
import io.tunnelstore.protocol.pb.TableProtos.BatchWriteRowResponse;
import io.tunnelstore.protocol.pb.TableProtos.CapacityUnit;
import io.tunnelstore.protocol.pb.TableProtos.Condition;
import io.tunnelstore.protocol.pb.TableProtos.CreateTableRequest;
import io.tunnelstore.protocol.pb.TableProtos.GetRowRequest;
import io.tunnelstore.protocol.pb.TableProtos.OperationType;
import io.tunnelstore.protocol.pb.TableProtos.PartitionRange;
import io.tunnelstore.protocol.pb.TableProtos.PrimaryKeySchema;
import io.tunnelstore.protocol.pb.TableProtos.PrimaryKeyType;
import io.tunnelstore.protocol.pb.TableProtos.ReservedThroughput;
import io.tunnelstore.protocol.pb.TableProtos.RowExistenceExpectation;
import io.tunnelstore.protocol.pb.TableProtos.RowInBatchWriteRowRequest;
import io.tunnelstore.protocol.pb.TableProtos.RowInBatchWriteRowResponse;
import io.tunnelstore.protocol.pb.TableProtos.StreamSpecification;
import io.tunnelstore.protocol.pb.TableProtos.TableInBatchWriteRowRequest;
import io.tunnelstore.protocol.pb.TableProtos.TableMeta;
import io.tunnelstore.protocol.plainbuffer.PlainBufferCodec;
import io.tunnelstore.storage.LogRecord;
import io.tunnelstore.storage.StorageEngine;
import io.tunnelstore.storage.StorageOptions;
import io.tunnelstore.storage.rocksdb.RocksDbStorageEngine;
import io.tunnelstore.testsupport.ManualClock;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BatchWriteRow commits a table's rows together (one {@code mutateRows} call): the change log of every shard holds
 * the batch's rows of that shard in request order with gapless sequences, and a row whose condition fails is the only
 * one not written.
 */
class BatchWriteRowGroupCommitTest {

    private static final int ROWS = 200;
    private static final int FAILING_ROW = 57;
    private static final String[] PREFIXES = {"a", "n", "x"}; // one per partition: [INF_MIN,m) [m,t) [t,INF_MAX)

    @Test
    void rowsAreLoggedInRequestOrderPerShardAndAFailedConditionSparesTheOthers(@TempDir Path dir) {
        ManualClock clock = ManualClock.startingAt(Instant.ofEpochMilli(1_800_000_000_000L));
        try (StorageEngine storage = RocksDbStorageEngine.open(dir,
                StorageOptions.builder().clock(clock).syncWrites(false).build())) {
            TableCatalog catalog = new TableCatalog(storage);
            new TableAdminService(catalog, clock::millis).createTable("i", CreateTableRequest.newBuilder()
                    .setTableMeta(TableMeta.newBuilder().setTableName("t").addPrimaryKey(
                            PrimaryKeySchema.newBuilder().setName("pk").setType(PrimaryKeyType.STRING)))
                    .setReservedThroughput(ReservedThroughput.newBuilder()
                            .setCapacityUnit(CapacityUnit.getDefaultInstance()))
                    .setStreamSpec(StreamSpecification.newBuilder().setEnableStream(true).setExpirationTime(24))
                    .addPartitions(range(ColumnValue.INF_MIN, ColumnValue.ofString("m")))
                    .addPartitions(range(ColumnValue.ofString("m"), ColumnValue.ofString("t")))
                    .addPartitions(range(ColumnValue.ofString("t"), ColumnValue.INF_MAX))
                    .build());
            RowService rows = new RowService(catalog, storage, clock::millis);

            // request order differs from key order: keys are shuffled, the column "i" records the request index
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < ROWS; i++) {
                keys.add(String.format("%s%03d", PREFIXES[i % PREFIXES.length], i));
            }
            Collections.shuffle(keys, new Random(42));
            TableInBatchWriteRowRequest.Builder table = TableInBatchWriteRowRequest.newBuilder().setTableName("t");
            for (int i = 0; i < ROWS; i++) {
                RowExistenceExpectation expect = i == FAILING_ROW
                        ? RowExistenceExpectation.EXPECT_EXIST // the row does not exist yet
                        : RowExistenceExpectation.IGNORE;
                table.addRows(RowInBatchWriteRowRequest.newBuilder()
                        .setType(OperationType.PUT)
                        .setCondition(Condition.newBuilder().setRowExistence(expect))
                        .setRowChange(ByteString.copyFrom(PlainBufferCodec.encodeRow(
                                PlainRow.of(key(keys.get(i)), List.of(Cell.put("i", ColumnValue.ofLong(i))))))));
            }
            BatchWriteRowResponse response = rows.batchWriteRow("i",
                    BatchWriteRowRequest.newBuilder().addTables(table).build());

            assertThat(response.getTablesCount()).isEqualTo(1);
            List<RowInBatchWriteRowResponse> results = response.getTables(0).getRowsList();
            assertThat(results).hasSize(ROWS);
            for (int i = 0; i < ROWS; i++) {
                RowInBatchWriteRowResponse r = results.get(i);
                if (i == FAILING_ROW) {
                    assertThat(r.getIsOk()).isFalse();
                    assertThat(r.getError().getCode()).isEqualTo("OTSConditionCheckFail");
                } else {
                    assertThat(r.getIsOk()).as("row %d", i).isTrue();
                    assertThat(r.getConsumed().getCapacityUnit().getWrite()).isEqualTo(1);
                }
            }

            TableDescriptor descriptor = catalog.require("i", "t");
            List<Integer> loggedIndexes = new ArrayList<>();
            for (Partition p : descriptor.partitions()) {
                List<LogRecord> log = storage.readLog(descriptor.tableId(), p.shardId(), 1, ROWS + 10, Long.MAX_VALUE);
                List<Integer> expected = new ArrayList<>();
                for (int i = 0; i < ROWS; i++) {
                    if (i != FAILING_ROW && p.contains(ColumnValue.ofString(keys.get(i)))) {
                        expected.add(i);
                    }
                }
                assertThat(expected).as("every shard gets rows").isNotEmpty();
                List<Integer> logged = log.stream().map(r -> (int) ChangeRecordCodec.decode(r.payload()).row()
                        .cells().get(0).value().asLong()).toList();
                assertThat(logged).as("shard %d in request order", p.shardId()).isEqualTo(expected);
                assertThat(log.stream().map(LogRecord::sequence).toList())
                        .isEqualTo(java.util.stream.LongStream.rangeClosed(1, expected.size()).boxed().toList());
                loggedIndexes.addAll(logged);
            }
            assertThat(loggedIndexes).hasSize(ROWS - 1).doesNotContain(FAILING_ROW);

            assertThat(rows.getRow("i", get(keys.get(FAILING_ROW))).getRow()).isEqualTo(ByteString.EMPTY);
            PlainRow neighbour = PlainBufferCodec.decodeSingleRow(
                    rows.getRow("i", get(keys.get(FAILING_ROW + 1))).getRow().toByteArray());
            assertThat(neighbour.cells()).extracting(c -> c.value().asLong()).containsExactly((long) FAILING_ROW + 1);
        }
    }

    private static PrimaryKey key(String value) {
        return PrimaryKey.of(PrimaryKeyColumn.of("pk", ColumnValue.ofString(value)));
    }

    private static GetRowRequest get(String key) {
        return GetRowRequest.newBuilder().setTableName("t").setMaxVersions(1)
                .setPrimaryKey(ByteString.copyFrom(PlainBufferCodec.encodePrimaryKey(key(key)))).build();
    }

    private static PartitionRange range(ColumnValue begin, ColumnValue end) {
        return PartitionRange.newBuilder()
                .setBegin(ByteString.copyFrom(PlainBufferCodec.encodeValueNoLengthPrefix(begin)))
                .setEnd(ByteString.copyFrom(PlainBufferCodec.encodeValueNoLengthPrefix(end))).build();
    }
}
