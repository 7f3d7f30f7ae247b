package io.tunnelstore.client.internal;

import com.google.protobuf.ByteString;
import io.tunnelstore.client.BatchWriteResult;
import io.tunnelstore.client.ConsumedCapacity;
import io.tunnelstore.client.CreateTableRequest;
import io.tunnelstore.client.Direction;
import io.tunnelstore.client.GetRowRequest;
import io.tunnelstore.client.PrimaryKeySchema;
import io.tunnelstore.client.PrimaryKeyType;
import io.tunnelstore.client.RangePage;
import io.tunnelstore.client.Row;
import io.tunnelstore.client.RowChange;
import io.tunnelstore.client.RowDeleteChange;
import io.tunnelstore.client.RowExistence;
import io.tunnelstore.client.RowPutChange;
import io.tunnelstore.client.RowUpdateChange;
import io.tunnelstore.client.ScanOptions;
import io.tunnelstore.client.StreamDetails;
import io.tunnelstore.client.StreamSpecification;
import io.tunnelstore.client.TableDescription;
import io.tunnelstore.client.TableOptions;
import io.tunnelstore.protocol.model.ColumnValue;
import io.tunnelstore.protocol.model.PlainRow;
import io.tunnelstore.protocol.model.PrimaryKey;
import io.tunnelstore.protocol.pb.TableProtos;
import io.tunnelstore.protocol.plainbuffer.PlainBufferCodec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Conversions between the public table model and the wire messages (PROTOCOL.md §4.2, §5.9). Pure functions;
 * a malformed response surfaces as {@link IllegalArgumentException} (the transport turns it into a
 * {@link io.tunnelstore.client.ClientTransportException}).
 */
public final class TableMessages {

    private TableMessages() {
    }

    // ------------------------------------------------------------------ table management

    public static TableProtos.CreateTableRequest createTable(CreateTableRequest r) {
        TableProtos.TableMeta.Builder meta = TableProtos.TableMeta.newBuilder().setTableName(r.tableName());
        for (PrimaryKeySchema pk : r.primaryKey()) {
            TableProtos.PrimaryKeySchema.Builder s = TableProtos.PrimaryKeySchema.newBuilder()
                    .setName(pk.name()).setType(toProto(pk.type()));
            if (pk.autoIncrement()) {
                s.setOption(TableProtos.PrimaryKeyOption.AUTO_INCREMENT);
            }
            meta.addPrimaryKey(s);
        }
        TableProtos.CreateTableRequest.Builder b = TableProtos.CreateTableRequest.newBuilder()
                .setTableMeta(meta)
                .setReservedThroughput(TableProtos.ReservedThroughput.newBuilder()
                        .setCapacityUnit(TableProtos.CapacityUnit.newBuilder().setRead(0).setWrite(0)))
                .setTableOptions(TableProtos.TableOptions.newBuilder()
                        .setTimeToLive(r.options().timeToLiveSeconds())
                        .setMaxVersions(r.options().maxVersions()));
        if (r.stream().enabled()) {
            b.setStreamSpec(streamSpec(r.stream()));
        }
        addPartitions(b, r.splitPoints());
        return b.build();
    }

    /**
     * Split points as contiguous PartitionRanges {@code [INF_MIN, p1) … [pn, INF_MAX)}, each bound a single value
     * in the no-length-prefix PlainBuffer form (PROTOCOL.md §4.2, §5.3). No points: no ranges (one partition).
     */
    private static void addPartitions(TableProtos.CreateTableRequest.Builder b, List<PrimaryKey> splitPoints) {
        if (splitPoints.isEmpty()) {
            return;
        }
        ColumnValue begin = ColumnValue.INF_MIN;
        for (int i = 0; i <= splitPoints.size(); i++) {
            ColumnValue end = i < splitPoints.size() ? splitPoints.get(i).get(0).value() : ColumnValue.INF_MAX;
            b.addPartitions(TableProtos.PartitionRange.newBuilder()
                    .setBegin(ByteString.copyFrom(PlainBufferCodec.encodeValueNoLengthPrefix(begin)))
                    .setEnd(ByteString.copyFrom(PlainBufferCodec.encodeValueNoLengthPrefix(end))));
            begin = end;
        }
    }

    public static TableProtos.StreamSpecification streamSpec(StreamSpecification s) {
        TableProtos.StreamSpecification.Builder b = TableProtos.StreamSpecification.newBuilder()
                .setEnableStream(s.enabled());
        if (s.enabled()) {
            b.setExpirationTime(s.expirationHours());
        }
        return b.build();
    }

    public static TableDescription describeTable(TableProtos.DescribeTableResponse r) {
        List<PrimaryKeySchema> pk = new ArrayList<>();
        for (TableProtos.PrimaryKeySchema s : r.getTableMeta().getPrimaryKeyList()) {
            boolean auto = s.hasOption() && s.getOption() == TableProtos.PrimaryKeyOption.AUTO_INCREMENT;
            pk.add(new PrimaryKeySchema(s.getName(), fromProto(s.getType()), auto));
        }
        TableProtos.TableOptions o = r.getTableOptions();
        TableOptions options = new TableOptions(
                o.hasTimeToLive() ? o.getTimeToLive() : TableOptions.TTL_FOREVER,
                o.hasMaxVersions() ? o.getMaxVersions() : 1);
        StreamDetails stream = r.hasStreamDetails() ? streamDetails(r.getStreamDetails()) : StreamDetails.disabled();
        List<PrimaryKey> splits = new ArrayList<>(r.getShardSplitsCount());
        for (ByteString split : r.getShardSplitsList()) {
            splits.add(PlainBufferCodec.decodePrimaryKey(split.toByteArray()));
        }
        return new TableDescription(r.getTableMeta().getTableName(), pk, options, stream, splits);
    }

    public static StreamDetails streamDetails(TableProtos.StreamDetails d) {
        if (!d.getEnableStream()) {
            return StreamDetails.disabled();
        }
        return new StreamDetails(true, d.hasStreamId() ? d.getStreamId() : null, d.getExpirationTime(),
                d.getLastEnableTime());
    }

    private static TableProtos.PrimaryKeyType toProto(PrimaryKeyType t) {
        return switch (t) {
            case INTEGER -> TableProtos.PrimaryKeyType.INTEGER;
            case STRING -> TableProtos.PrimaryKeyType.STRING;
            case BINARY -> TableProtos.PrimaryKeyType.BINARY;
        };
    }

    private static PrimaryKeyType fromProto(TableProtos.PrimaryKeyType t) {
        return switch (t) {
            case INTEGER -> PrimaryKeyType.INTEGER;
            case STRING -> PrimaryKeyType.STRING;
            case BINARY -> PrimaryKeyType.BINARY;
        };
    }

    // ------------------------------------------------------------------ single-row operations

    public static TableProtos.Condition condition(RowExistence e) {
        TableProtos.RowExistenceExpectation x = switch (e) {
            case IGNORE -> TableProtos.RowExistenceExpectation.IGNORE;
            case EXPECT_EXIST -> TableProtos.RowExistenceExpectation.EXPECT_EXIST;
            case EXPECT_NOT_EXIST -> TableProtos.RowExistenceExpectation.EXPECT_NOT_EXIST;
        };
        return TableProtos.Condition.newBuilder().setRowExistence(x).build();
    }

    /** The PlainBuffer {@code row}/{@code row_change}/{@code primary_key} bytes of a change. */
    public static ByteString rowBytes(RowChange change) {
        PlainRow row;
        if (change instanceof RowPutChange p) {
            row = PlainRow.of(p.primaryKey(), p.cells());
        } else if (change instanceof RowUpdateChange u) {
            row = PlainRow.of(u.primaryKey(), u.cells());
        } else {
            row = PlainRow.deleteMarkerRow(change.primaryKey());
        }
        return ByteString.copyFrom(PlainBufferCodec.encodeRow(row));
    }

    public static TableProtos.PutRowRequest putRow(RowPutChange c) {
        return TableProtos.PutRowRequest.newBuilder().setTableName(c.tableName()).setRow(rowBytes(c))
                .setCondition(condition(c.condition())).build();
    }

    /** A PutRow request asking for the written primary key back (RT_PK), for auto-increment columns. */
    public static TableProtos.PutRowRequest putRowReturningPrimaryKey(RowPutChange c) {
        return putRow(c).toBuilder().setReturnContent(TableProtos.ReturnContent.newBuilder()
                .setReturnType(TableProtos.ReturnType.RT_PK)).build();
    }

    /**
     * The primary key a PutRow with RT_PK wrote: the returned row's key, or the request's key when the server
     * returned none and the request had no auto-increment placeholder.
     *
     * @throws IllegalArgumentException if the server returned no key for an auto-increment placeholder
     */
    public static PrimaryKey writtenPrimaryKey(RowPutChange c, TableProtos.PutRowResponse r) {
        if (r.hasRow() && !r.getRow().isEmpty()) {
            return PlainBufferCodec.decodeSingleRow(r.getRow().toByteArray()).primaryKey();
        }
        if (c.primaryKey().hasMarkerValue()) {
            throw new IllegalArgumentException("PutRow response carries no primary key for an auto-increment write");
        }
        return c.primaryKey();
    }

    public static TableProtos.UpdateRowRequest updateRow(RowUpdateChange c) {
        return TableProtos.UpdateRowRequest.newBuilder().setTableName(c.tableName()).setRowChange(rowBytes(c))
                .setCondition(condition(c.condition())).build();
    }

    public static TableProtos.DeleteRowRequest deleteRow(RowDeleteChange c) {
        return TableProtos.DeleteRowRequest.newBuilder().setTableName(c.tableName()).setPrimaryKey(rowBytes(c))
                .setCondition(condition(c.condition())).build();
    }

    public static TableProtos.GetRowRequest getRow(GetRowRequest r) {
        return TableProtos.GetRowRequest.newBuilder().setTableName(r.tableName())
                .setPrimaryKey(ByteString.copyFrom(PlainBufferCodec.encodePrimaryKey(r.primaryKey())))
                .addAllColumnsToGet(r.columnsToGet()).setMaxVersions(r.maxVersions()).build();
    }

    /** The row of a GetRow response, or {@code null} when the row does not exist (zero-length bytes). */
    public static Row rowOrNull(ByteString bytes) {
        if (bytes.isEmpty()) {
            return null;
        }
        PlainRow row = PlainBufferCodec.decodeSingleRow(bytes.toByteArray());
        return new Row(row.primaryKey(), row.cells());
    }

    public static ConsumedCapacity consumed(TableProtos.ConsumedCapacity c) {
        TableProtos.CapacityUnit cu = c.getCapacityUnit();
        return new ConsumedCapacity(cu.getRead(), cu.getWrite());
    }

    // ------------------------------------------------------------------ range

    public static TableProtos.GetRangeRequest getRange(String table, PrimaryKey start, PrimaryKey end,
                                                       ScanOptions o, int limit) {
        TableProtos.GetRangeRequest.Builder b = TableProtos.GetRangeRequest.newBuilder()
                .setTableName(table)
                .setDirection(o.direction() == Direction.FORWARD
                        ? TableProtos.Direction.FORWARD : TableProtos.Direction.BACKWARD)
                .addAllColumnsToGet(o.columnsToGet())
                .setMaxVersions(o.maxVersions())
                .setInclusiveStartPrimaryKey(ByteString.copyFrom(PlainBufferCodec.encodePrimaryKey(start)))
                .setExclusiveEndPrimaryKey(ByteString.copyFrom(PlainBufferCodec.encodePrimaryKey(end)));
        if (limit > 0) {
            b.setLimit(limit);
        }
        return b.build();
    }

    public static RangePage rangePage(TableProtos.GetRangeResponse r) {
        List<Row> rows = new ArrayList<>();
        for (PlainRow p : PlainBufferCodec.decodeRows(r.getRows().toByteArray())) {
            rows.add(new Row(p.primaryKey(), p.cells()));
        }
        PrimaryKey next = null;
        if (r.hasNextStartPrimaryKey() && !r.getNextStartPrimaryKey().isEmpty()) {
            next = PlainBufferCodec.decodeSingleRow(r.getNextStartPrimaryKey().toByteArray()).primaryKey();
        }
        return new RangePage(rows, next, consumed(r.getConsumed()));
    }

    // ------------------------------------------------------------------ batch write

    /**
     * Groups changes by table (tables in order of first appearance, rows in request order), remembering each
     * row's original index: {@code indexes.get(t).get(i)} is the request position of row {@code i} of table
     * {@code t}.
     */
    public record BatchPlan(TableProtos.BatchWriteRowRequest request, List<String> tables,
                            List<List<Integer>> indexes) {
    }

    public static BatchPlan batchWrite(List<? extends RowChange> changes) {
        Map<String, List<Integer>> byTable = new LinkedHashMap<>();
        for (int i = 0; i < changes.size(); i++) {
            byTable.computeIfAbsent(changes.get(i).tableName(), t -> new ArrayList<>()).add(i);
        }
        TableProtos.BatchWriteRowRequest.Builder b = TableProtos.BatchWriteRowRequest.newBuilder();
        List<String> tables = new ArrayList<>();
        List<List<Integer>> indexes = new ArrayList<>();
        for (Map.Entry<String, List<Integer>> e : byTable.entrySet()) {
            TableProtos.TableInBatchWriteRowRequest.Builder t =
                    TableProtos.TableInBatchWriteRowRequest.newBuilder().setTableName(e.getKey());
            for (int index : e.getValue()) {
                RowChange c = changes.get(index);
                TableProtos.OperationType type = c instanceof RowPutChange ? TableProtos.OperationType.PUT
                        : c instanceof RowUpdateChange ? TableProtos.OperationType.UPDATE
                        : TableProtos.OperationType.DELETE;
                t.addRows(TableProtos.RowInBatchWriteRowRequest.newBuilder().setType(type)
                        .setRowChange(rowBytes(c)).setCondition(condition(c.condition())));
            }
            b.addTables(t);
            tables.add(e.getKey());
            indexes.add(List.copyOf(e.getValue()));
        }
        return new BatchPlan(b.build(), List.copyOf(tables), List.copyOf(indexes));
    }

    /**
     * Maps a BatchWriteRow response back to request order.
     *
     * @throws IllegalArgumentException if the response does not mirror the request's tables and row counts
     */
    public static BatchWriteResult batchWriteResult(BatchPlan plan, List<? extends RowChange> changes,
                                                    TableProtos.BatchWriteRowResponse r) {
        if (r.getTablesCount() != plan.tables().size()) {
            throw new IllegalArgumentException("BatchWriteRow response has " + r.getTablesCount()
                    + " tables, the request had " + plan.tables().size());
        }
        BatchWriteResult.RowResult[] out = new BatchWriteResult.RowResult[changes.size()];
        for (int t = 0; t < plan.tables().size(); t++) {
            TableProtos.TableInBatchWriteRowResponse table = r.getTables(t);
            List<Integer> idx = plan.indexes().get(t);
            if (!table.getTableName().equals(plan.tables().get(t)) || table.getRowsCount() != idx.size()) {
                throw new IllegalArgumentException("BatchWriteRow response table " + t + " is '"
                        + table.getTableName() + "' with " + table.getRowsCount() + " rows, expected '"
                        + plan.tables().get(t) + "' with " + idx.size());
            }
            for (int i = 0; i < idx.size(); i++) {
                TableProtos.RowInBatchWriteRowResponse row = table.getRows(i);
                int index = idx.get(i);
                ConsumedCapacity cu = row.hasConsumed() ? consumed(row.getConsumed()) : ConsumedCapacity.NONE;
                out[index] = row.getIsOk()
                        ? new BatchWriteResult.RowResult(index, changes.get(index), true, null, null, cu)
                        : new BatchWriteResult.RowResult(index, changes.get(index), false,
                                row.hasError() ? row.getError().getCode() : "OTSClientUnknownError",
                                row.hasError() ? row.getError().getMessage() : "", cu);
            }
        }
        return new BatchWriteResult(List.of(out));
    }
}
