package io.tunnelstore.server.table;

import com.google.protobuf.ByteString;
import io.tunnelstore.protocol.errors.OtsException;
import io.tunnelstore.protocol.model.PlainRow;
import io.tunnelstore.protocol.model.PrimaryKey;
import io.tunnelstore.protocol.pb.TableProtos.BatchGetRowRequest;
import io.tunnelstore.protocol.pb.TableProtos.BatchGetRowResponse;
import io.tunnelstore.protocol.pb.TableProtos.BatchWriteRowRequest;
import io.tunnelstore.protocol.pb.TableProtos.BatchWriteRowResponse;
import io.tunnelstore.protocol.pb.TableProtos.Condition;
import io.tunnelstore.protocol.pb.TableProtos.DeleteRowRequest;
import io.tunnelstore.protocol.pb.TableProtos.DeleteRowResponse;
import io.tunnelstore.protocol.pb.TableProtos.Direction;
import io.tunnelstore.protocol.pb.TableProtos.Error;
import io.tunnelstore.protocol.pb.TableProtos.GetRangeRequest;
import io.tunnelstore.protocol.pb.TableProtos.GetRangeResponse;
import io.tunnelstore.protocol.pb.TableProtos.GetRowRequest;
import io.tunnelstore.protocol.pb.TableProtos.GetRowResponse;
import io.tunnelstore.protocol.pb.TableProtos.OperationType;
import io.tunnelstore.protocol.pb.TableProtos.PutRowRequest;
import io.tunnelstore.protocol.pb.TableProtos.PutRowResponse;
import io.tunnelstore.protocol.pb.TableProtos.ReturnContent;
import io.tunnelstore.protocol.pb.TableProtos.RowInBatchGetRowResponse;
import io.tunnelstore.protocol.pb.TableProtos.RowInBatchWriteRowRequest;
import io.tunnelstore.protocol.pb.TableProtos.RowInBatchWriteRowResponse;
import io.tunnelstore.protocol.pb.TableProtos.TableInBatchGetRowRequest;
import io.tunnelstore.protocol.pb.TableProtos.TableInBatchGetRowResponse;
import io.tunnelstore.protocol.pb.TableProtos.TableInBatchWriteRowRequest;
import io.tunnelstore.protocol.pb.TableProtos.TableInBatchWriteRowResponse;
import io.tunnelstore.protocol.pb.TableProtos.UpdateRowRequest;
import io.tunnelstore.protocol.pb.TableProtos.UpdateRowResponse;
import io.tunnelstore.protocol.plainbuffer.PlainBufferCodec;
import io.tunnelstore.protocol.plainbuffer.PlainBufferException;
import io.tunnelstore.storage.StorageEngine;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.Lock;
import io.tunnelstore.server.cluster.ClusterPlacement;
import io.tunnelstore.server.cluster.ClusterResources;
import io.tunnelstore.server.cluster.NotOwnerException;
import io.tunnelstore.server.cluster.SingleNodePlacement;
import io.tunnelstore.storage.FencedException;
import java.util.Collections;
import java.util.function.LongSupplier;

/**
 * The row operations: PutRow, UpdateRow, DeleteRow, GetRow, BatchGetRow, BatchWriteRow and GetRange. Parses and
 * validates requests, delegates to {@link RowWriter} and {@link RowReader}, and builds responses with consumed
 * capacity (read and write) on every row result. Thread-safe; blocks on storage.
 */
final class RowService {

    private final TableCatalog catalog;
    private final RowWriter writer;
    private final ClusterPlacement placement;
    private final RowReader reader;
    private final AutoIncrementAllocator autoIncrement;
    private final LongSupplier clockMillis;

    RowService(TableCatalog catalog, StorageEngine storage, LongSupplier clockMillis) {
        this(catalog, storage, new SingleNodePlacement(storage), clockMillis);
    }

    /** Row operations whose writes commit through {@code placement} (fenced on the partition owner in a cluster). */
    RowService(TableCatalog catalog, StorageEngine storage, ClusterPlacement placement, LongSupplier clockMillis) {
        this.catalog = catalog;
        this.placement = placement;
        this.writer = new RowWriter(placement);
        this.autoIncrement = new AutoIncrementAllocator(storage, placement);
        this.reader = new RowReader(storage);
        this.clockMillis = clockMillis;
    }

    // ------------------------------------------------------------------ single-row writes

    PutRowResponse putRow(String instance, PutRowRequest req) {
        RowWriter.Outcome o = write(instance, req.getTableName(), OperationType.PUT, req.getRow(), req.getCondition(),
                req.hasReturnContent() ? req.getReturnContent() : null);
        PutRowResponse.Builder b = PutRowResponse.newBuilder().setConsumed(Capacity.of(o.readUnits(), o.writeUnits()));
        if (o.returnedRow() != null) {
            b.setRow(ByteString.copyFrom(o.returnedRow()));
        }
        return b.build();
    }

    UpdateRowResponse updateRow(String instance, UpdateRowRequest req) {
        RowWriter.Outcome o = write(instance, req.getTableName(), OperationType.UPDATE, req.getRowChange(),
                req.getCondition(), req.hasReturnContent() ? req.getReturnContent() : null);
        UpdateRowResponse.Builder b = UpdateRowResponse.newBuilder()
                .setConsumed(Capacity.of(o.readUnits(), o.writeUnits()));
        if (o.returnedRow() != null) {
            b.setRow(ByteString.copyFrom(o.returnedRow()));
        }
        return b.build();
    }

    DeleteRowResponse deleteRow(String instance, DeleteRowRequest req) {
        RowWriter.Outcome o = write(instance, req.getTableName(), OperationType.DELETE, req.getPrimaryKey(),
                req.getCondition(), req.hasReturnContent() ? req.getReturnContent() : null);
        DeleteRowResponse.Builder b = DeleteRowResponse.newBuilder()
                .setConsumed(Capacity.of(o.readUnits(), o.writeUnits()));
        if (o.returnedRow() != null) {
            b.setRow(ByteString.copyFrom(o.returnedRow()));
        }
        return b.build();
    }

    private RowWriter.Outcome write(String instance, String tableName, OperationType type, ByteString row,
                                    Condition condition, ReturnContent returnContent) {
        TableDescriptor table = catalog.require(instance, tableName);
        // the request time: timestamp deviation and TTL checks only; version timestamps are assigned by the
        // storage engine under the row lock (VersionClock)
        long now = clockMillis.getAsLong();
        RowWrite write = RowWrite.parse(table, type, row, condition, returnContent, now);
        return commit(table, write, now);
    }

    /**
     * Fills auto-increment values, then applies the write under the table's split lock (shared), routed by the
     * partitions current at that moment: a split that committed after the request was parsed moved the row's
     * partition to a new shard, and the closed parent shard must not get the record.
     */
    private RowWriter.Outcome commit(TableDescriptor table, RowWrite write, long now) {
        RowWrite filled = fillAutoIncrement(table, write, now);
        Lock shared = catalog.splitLock(table.tableId()).readLock();
        shared.lock();
        try {
            TableDescriptor current = currentVersionOf(table)
                    .orElseThrow(() -> TableErrors.tableNotFound(table.tableName()));
            return writer.apply(current, filled, now);
        } finally {
            shared.unlock();
        }
    }

    private RowWrite fillAutoIncrement(TableDescriptor table, RowWrite write, long now) {
        return write.needsAutoIncrement()
                ? write.withAutoIncrement(autoIncrement.next(table.tableId(),
                        table.partitionFor(write.primaryKey().get(0).value()).shardId(), now * 1000)) : write;
    }

    /**
     * The table's descriptor as of now (partitions after any committed split), empty when it was dropped (or
     * re-created under a new id) since the request was parsed; call under the split lock.
     */
    private Optional<TableDescriptor> currentVersionOf(TableDescriptor table) {
        return catalog.find(table.instanceName(), table.tableName())
                .filter(t -> t.tableId() == table.tableId());
    }

    // ------------------------------------------------------------------ reads

    GetRowResponse getRow(String instance, GetRowRequest req) {
        TableDescriptor table = catalog.require(instance, req.getTableName());
        long now = clockMillis.getAsLong();
        PrimaryKey key = decodeKey(req.getPrimaryKey());
        PrimaryKeyValidator.requireRowKey(table, key);
        ReadProjection projection = ReadProjection.of(table, new ReadProjection.Request(req.getColumnsToGetList(),
                req.hasTimeRange() ? req.getTimeRange() : null,
                req.hasMaxVersions() ? req.getMaxVersions() : null,
                req.hasFilter() ? req.getFilter() : null,
                req.hasStartColumn() ? req.getStartColumn() : null,
                req.hasEndColumn() ? req.getEndColumn() : null,
                req.hasToken() ? req.getToken() : null), now);
        Optional<PlainRow> row = reader.get(table, key, projection);
        return GetRowResponse.newBuilder()
                .setConsumed(Capacity.of(Capacity.units(row.map(RowReader::sizeOf).orElse(0L)), 0))
                // not found: a zero-length row (a bare header would make the Java SDK fail)
                .setRow(row.map(r -> ByteString.copyFrom(PlainBufferCodec.encodeRow(r))).orElse(ByteString.EMPTY))
                .build();
    }

    BatchGetRowResponse batchGetRow(String instance, BatchGetRowRequest req) {
        int rows = req.getTablesList().stream().mapToInt(TableInBatchGetRowRequest::getPrimaryKeyCount).sum();
        if (rows > TableLimits.MAX_BATCH_GET_ROWS) {
            throw TableErrors.invalid("Rows count exceeds the upper limit:%d.", TableLimits.MAX_BATCH_GET_ROWS)
                    .withLogDetail("BatchGetRow of " + rows + " rows");
        }
        long now = clockMillis.getAsLong();
        BatchGetRowResponse.Builder response = BatchGetRowResponse.newBuilder();
        for (TableInBatchGetRowRequest t : req.getTablesList()) {
            TableInBatchGetRowResponse.Builder tb = TableInBatchGetRowResponse.newBuilder()
                    .setTableName(t.getTableName());
            Optional<TableDescriptor> table = catalog.find(instance, t.getTableName());
            ReadProjection projection = null;
            OtsException tableError = null;
            if (table.isEmpty()) {
                tableError = TableErrors.tableNotFound(t.getTableName());
            } else {
                projection = ReadProjection.of(table.get(), new ReadProjection.Request(t.getColumnsToGetList(),
                        t.hasTimeRange() ? t.getTimeRange() : null,
                        t.hasMaxVersions() ? t.getMaxVersions() : null,
                        t.hasFilter() ? t.getFilter() : null,
                        t.hasStartColumn() ? t.getStartColumn() : null,
                        t.hasEndColumn() ? t.getEndColumn() : null,
                        null), now);
            }
            for (ByteString keyBytes : t.getPrimaryKeyList()) {
                if (tableError != null) {
                    tb.addRows(failedGet(tableError));
                    continue;
                }
                try {
                    PrimaryKey key = decodeKey(keyBytes);
                    PrimaryKeyValidator.requireRowKey(table.get(), key);
                    Optional<PlainRow> row = reader.get(table.get(), key, projection);
                    tb.addRows(RowInBatchGetRowResponse.newBuilder()
                            .setIsOk(true)
                            .setConsumed(Capacity.of(Capacity.units(row.map(RowReader::sizeOf).orElse(0L)), 0))
                            .setRow(row.map(r -> ByteString.copyFrom(PlainBufferCodec.encodeRow(r)))
                                    .orElse(ByteString.EMPTY)));
                } catch (OtsException e) {
                    tb.addRows(failedGet(e));
                }
            }
            response.addTables(tb);
        }
        return response.build();
    }

    GetRangeResponse getRange(String instance, GetRangeRequest req) {
        TableDescriptor table = catalog.require(instance, req.getTableName());
        long now = clockMillis.getAsLong();
        PrimaryKey start = decodeKey(req.getInclusiveStartPrimaryKey());
        PrimaryKey end = decodeKey(req.getExclusiveEndPrimaryKey());
        PrimaryKeyValidator.requireRangeBound(table, start);
        PrimaryKeyValidator.requireRangeBound(table, end);
        boolean backward = req.getDirection() == Direction.BACKWARD;
        int order = KeyCodec.compare(KeyCodec.encode(start), KeyCodec.encode(end));
        if (!backward && order >= 0) {
            throw TableErrors.invalid("Begin key must less than end key in FORWARD.");
        }
        if (backward && order <= 0) {
            throw TableErrors.invalid("Begin key must more than end key in BACKWARD.");
        }
        int limit = TableLimits.MAX_RANGE_ROWS;
        if (req.hasLimit()) {
            if (req.getLimit() <= 0) {
                throw TableErrors.invalid("The limit must be greater than 0.")
                        .withLogDetail("limit " + req.getLimit());
            }
            limit = Math.min(limit, req.getLimit());
        }
        ReadProjection projection = ReadProjection.of(table, new ReadProjection.Request(req.getColumnsToGetList(),
                req.hasTimeRange() ? req.getTimeRange() : null,
                req.hasMaxVersions() ? req.getMaxVersions() : null,
                req.hasFilter() ? req.getFilter() : null,
                req.hasStartColumn() ? req.getStartColumn() : null,
                req.hasEndColumn() ? req.getEndColumn() : null,
                req.hasToken() ? req.getToken() : null), now);
        RowReader.Page page = reader.range(table, start, end, backward, limit, projection);
        GetRangeResponse.Builder b = GetRangeResponse.newBuilder()
                .setConsumed(Capacity.of(Capacity.units(page.bytes()), 0))
                .setRows(ByteString.copyFrom(PlainBufferCodec.encodeRows(page.rows())));
        if (page.nextStart() != null) {
            b.setNextStartPrimaryKey(ByteString.copyFrom(PlainBufferCodec.encodePrimaryKey(page.nextStart())));
        }
        return b.build();
    }

    // ------------------------------------------------------------------ batch write

    BatchWriteRowResponse batchWriteRow(String instance, BatchWriteRowRequest req) {
        int rows = req.getTablesList().stream().mapToInt(TableInBatchWriteRowRequest::getRowsCount).sum();
        if (rows > TableLimits.MAX_BATCH_WRITE_ROWS) {
            throw TableErrors.invalid("Rows count exceeds the upper limit:%d.", TableLimits.MAX_BATCH_WRITE_ROWS)
                    .withLogDetail("BatchWriteRow of " + rows + " rows");
        }
        long bytes = req.getTablesList().stream().flatMap(t -> t.getRowsList().stream())
                .mapToLong(r -> r.getRowChange().size()).sum();
        if (bytes > TableLimits.MAX_BATCH_WRITE_BYTES) {
            throw TableErrors.invalid(
                    "The total data size of BatchWriteRow request exceeds the limit, limit size: %d, data size:%d.",
                    TableLimits.MAX_BATCH_WRITE_BYTES, bytes);
        }
        if (req.hasIsAtomic() && req.getIsAtomic()) {
            throw TableErrors.invalid("Atomic BatchWriteRow is not supported yet.");
        }
        BatchWriteRowResponse.Builder response = BatchWriteRowResponse.newBuilder();
        for (TableInBatchWriteRowRequest t : req.getTablesList()) {
            TableInBatchWriteRowResponse.Builder tb = TableInBatchWriteRowResponse.newBuilder()
                    .setTableName(t.getTableName());
            writeTableRows(instance, t).forEach(tb::addRows);
            response.addTables(tb);
        }
        return response.build();
    }

    /**
     * The rows of one table of a BatchWriteRow, committed together: every row is parsed (a bad row gets its error),
     * then all valid rows go to storage in one {@link RowWriter#applyAll} call under one shared hold of the table's
     * split lock, routed by the partitions current at that moment (the same rule as {@link #commit} for one row).
     *
     * @return one result per request row, in request order
     */
    private List<RowInBatchWriteRowResponse> writeTableRows(String instance, TableInBatchWriteRowRequest t) {
        int count = t.getRowsCount();
        RowInBatchWriteRowResponse[] results = new RowInBatchWriteRowResponse[count];
        Optional<TableDescriptor> found = catalog.find(instance, t.getTableName());
        if (found.isEmpty()) {
            Arrays.fill(results, failedWrite(TableErrors.tableNotFound(t.getTableName())));
            return Arrays.asList(results);
        }
        TableDescriptor table = found.get();
        long now = clockMillis.getAsLong();
        List<Integer> positions = new ArrayList<>(count); // request index of each entry of writes
        List<RowWrite> writes = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            RowInBatchWriteRowRequest r = t.getRows(i);
            try {
                RowWrite write = RowWrite.parse(table, r.getType(), r.getRowChange(), r.getCondition(),
                        r.hasReturnContent() ? r.getReturnContent() : null, now);
                writes.add(fillAutoIncrement(table, write, now));
                positions.add(i);
            } catch (OtsException e) {
                results[i] = failedWrite(e);
            }
        }
        if (!writes.isEmpty()) {
            List<RowWriter.BatchResult> committed;
            Lock shared = catalog.splitLock(table.tableId()).readLock();
            shared.lock();
            try {
                Optional<TableDescriptor> current = currentVersionOf(table);
                committed = current.isPresent() ? applyOwned(current.get(), writes, now)
                        : writes.stream().map(w -> RowWriter.BatchResult.failed(
                                TableErrors.tableNotFound(table.tableName()))).toList();
            } finally {
                shared.unlock();
            }
            for (int k = 0; k < writes.size(); k++) {
                RowWriter.BatchResult result = committed.get(k);
                results[positions.get(k)] = result.error() != null ? failedWrite(result.error())
                        : succeededWrite(result.outcome());
            }
        }
        return Arrays.asList(results);
    }

    /**
     * {@link RowWriter#applyAll} of the rows whose partitions this node owns; in a cluster, the other rows (their
     * owner moved since the batch was split, or a forwarded part reached a node whose view differs) and, when the
     * fence refuses the commit as a whole, every row get {@code OTSPartitionUnavailable}: nothing of them was written,
     * the client may retry them. On a single node every partition is owned, so this is applyAll itself.
     */
    private List<RowWriter.BatchResult> applyOwned(TableDescriptor table, List<RowWrite> writes, long now) {
        if (!placement.clustered()) {
            return writer.applyAll(table, writes, now);
        }
        List<RowWriter.BatchResult> results = new ArrayList<>(Collections.nCopies(writes.size(), null));
        List<Integer> owned = new ArrayList<>();
        for (int k = 0; k < writes.size(); k++) {
            long shard = table.partitionFor(writes.get(k).primaryKey().get(0).value()).shardId();
            if (placement.isLocal(ClusterResources.partition(table.tableId(), shard))) {
                owned.add(k);
            } else {
                results.set(k, RowWriter.BatchResult.failed(TableErrors.partitionUnavailable()));
            }
        }
        if (!owned.isEmpty()) {
            List<RowWriter.BatchResult> committed;
            try {
                committed = writer.applyAll(table, owned.stream().map(writes::get).toList(), now);
            } catch (FencedException | NotOwnerException e) {
                committed = Collections.nCopies(owned.size(),
                        RowWriter.BatchResult.failed(TableErrors.partitionUnavailable()));
            }
            for (int j = 0; j < owned.size(); j++) {
                results.set(owned.get(j), committed.get(j));
            }
        }
        return results;
    }

    private static RowInBatchWriteRowResponse succeededWrite(RowWriter.Outcome o) {
        RowInBatchWriteRowResponse.Builder rb = RowInBatchWriteRowResponse.newBuilder()
                .setIsOk(true)
                .setConsumed(Capacity.of(o.readUnits(), o.writeUnits()));
        if (o.returnedRow() != null) {
            rb.setRow(ByteString.copyFrom(o.returnedRow()));
        }
        return rb.build();
    }

    private static RowInBatchWriteRowResponse failedWrite(OtsException e) {
        return RowInBatchWriteRowResponse.newBuilder().setIsOk(false).setError(error(e)).build();
    }

    // ------------------------------------------------------------------ helpers

    private static PrimaryKey decodeKey(ByteString bytes) {
        PrimaryKey key;
        try {
            key = PlainBufferCodec.decodeSingleRowIgnoringZeroPadding(bytes.toByteArray()).primaryKey();
        } catch (PlainBufferException e) {
            throw TableErrors.invalid("Invalid primary key: %s", e.getMessage());
        }
        key.columns().forEach(c -> ObjectNames.requireColumnName(c.name()));
        return key;
    }

    private static RowInBatchGetRowResponse failedGet(OtsException e) {
        return RowInBatchGetRowResponse.newBuilder().setIsOk(false).setError(error(e)).build();
    }

    private static Error error(OtsException e) {
        return e.toErrorMessage();
    }
}
