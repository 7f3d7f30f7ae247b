package io.tunnelstore.server.table;

import io.tunnelstore.protocol.errors.OtsException;
import io.tunnelstore.protocol.model.Cell;
import io.tunnelstore.protocol.model.PlainRow;
import io.tunnelstore.protocol.pb.TableProtos.ActionType;
import io.tunnelstore.protocol.pb.TableProtos.ReturnType;
import io.tunnelstore.protocol.pb.TableProtos.RowExistenceExpectation;
import io.tunnelstore.protocol.plainbuffer.PlainBufferCodec;
import io.tunnelstore.server.cluster.ClusterPlacement;
import io.tunnelstore.storage.RowBatchEntry;
import io.tunnelstore.storage.RowBatchOutcome;
import io.tunnelstore.storage.RowDecider;
import io.tunnelstore.storage.RowMutation;
import io.tunnelstore.storage.StorageEngine;
import io.tunnelstore.storage.StoredCell;
import io.tunnelstore.storage.StoredRow;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Applies validated {@link RowWrite}s: checks the row-existence condition against the current row, computes the
 * storage mutation (assigning missing put timestamps, trimming versions beyond the table's max versions) and, when
 * the table's stream is enabled, the {@link ChangeRecord} for the row's partition shard — all inside one
 * {@link StorageEngine#mutateRow} call (through the partition owner's fenced handle in a cluster,
 * {@link ClusterPlacement#rowWrites}), so the row change and its log record commit atomically and records of a
 * shard are in commit order.
 *
 * <p>Thread-safe (stateless apart from the storage engine, which serializes writes per row).
 */
final class RowWriter {

    /** Result of one write: the row to return (RT_PK, RT_AFTER_MODIFY) or null, and the capacity consumed. */
    record Outcome(byte[] returnedRow, int readUnits, int writeUnits) {}

    /** Where row writes commit: the engine itself on a single node, the fenced handles of the owner in a cluster. */
    private final ClusterPlacement placement;

    RowWriter(ClusterPlacement placement) {
        this.placement = placement;
    }

    /**
     * Commits {@code write} to {@code table}.
     *
     * @param nowMillis the request time, the TTL reference (versions older than the TTL are not live). Version
     *     timestamps the server assigns are not taken from it but from the row version time the engine hands the
     *     decider under the row lock ({@link io.tunnelstore.storage.VersionClock})
     * @throws io.tunnelstore.protocol.errors.OtsException OTSConditionCheckFail when the condition does not hold
     *     (nothing is written)
     */
    Outcome apply(TableDescriptor table, RowWrite write, long nowMillis) {
        byte[] rowKey = KeyCodec.encode(write.primaryKey());
        long shard = table.partitionFor(write.primaryKey().get(0).value()).shardId();
        PlainRow afterModify = placement.rowWrites(table.tableId(), Set.of(shard)).mutateRow(rowKey,
                (current, versionMillis) -> decide(table, write, current, nowMillis, versionMillis)).result();
        return outcome(write, afterModify);
    }

    /**
     * Commits several writes of {@code table} with one {@link StorageEngine#mutateRows} call, so they share one
     * durable write. Each row is decided exactly as by {@link #apply}; change records of rows in the same shard get
     * increasing sequences in list order. A row whose condition fails gets its error and writes nothing; the other
     * rows go on.
     *
     * @param nowMillis the request time, the TTL reference of every row (as {@link #apply}); each row gets its own
     *     version time under its lock
     * @return one result per write, in the order of {@code writes}
     * @throws RuntimeException any failure that is not an {@link OtsException} of a single row (storage failure,
     *     bug), after which the rows' fate is unknown
     */
    List<BatchResult> applyAll(TableDescriptor table, List<RowWrite> writes, long nowMillis) {
        List<RowBatchEntry<PlainRow>> entries = new ArrayList<>(writes.size());
        for (RowWrite write : writes) {
            entries.add(new RowBatchEntry<>(KeyCodec.encode(write.primaryKey()),
                    (current, versionMillis) -> decide(table, write, current, nowMillis, versionMillis)));
        }
        Set<Long> shards = new HashSet<>();
        writes.forEach(w -> shards.add(table.partitionFor(w.primaryKey().get(0).value()).shardId()));
        List<RowBatchOutcome<PlainRow>> outcomes = placement.rowWrites(table.tableId(), shards).mutateRows(entries);
        List<BatchResult> results = new ArrayList<>(writes.size());
        for (int i = 0; i < writes.size(); i++) {
            RowBatchOutcome<PlainRow> o = outcomes.get(i);
            if (o.succeeded()) {
                results.add(BatchResult.ok(outcome(writes.get(i), o.result().result())));
            } else if (o.failure() instanceof OtsException e) {
                results.add(BatchResult.failed(e));
            } else {
                throw o.failure();
            }
        }
        return results;
    }

    /** Result of one row of {@link #applyAll}: exactly one of the outcome and the row's error is non-null. */
    record BatchResult(Outcome outcome, OtsException error) {
        BatchResult {
            if ((outcome == null) == (error == null)) {
                throw new IllegalArgumentException("exactly one of outcome and error must be set");
            }
        }

        static BatchResult ok(Outcome outcome) {
            return new BatchResult(outcome, null);
        }

        static BatchResult failed(OtsException error) {
            return new BatchResult(null, error);
        }
    }

    /** The returned row and consumed capacity of a committed write. */
    private static Outcome outcome(RowWrite write, PlainRow afterModify) {
        byte[] returned = switch (write.returnType()) {
            case RT_PK -> PlainBufferCodec.encodePrimaryKey(write.primaryKey());
            case RT_AFTER_MODIFY -> PlainBufferCodec.encodeRow(afterModify);
            default -> null;
        };
        // checking a condition reads the row: one read unit, as the public service charges
        int readUnits = write.expectation() == RowExistenceExpectation.IGNORE && write.columnCondition() == null
                ? 0 : 1;
        return new Outcome(returned, readUnits, Capacity.units(write.dataSize()));
    }

    /**
     * The decision for one row, under the row lock: condition checks, mutation, change record, and the
     * RT_AFTER_MODIFY row as the result. Throws (and writes nothing) when a condition fails.
     *
     * @param nowMillis     the request time, for TTL
     * @param versionMillis the row version time: every timestamp this write assigns (puts without one,
     *                      increments, the row marker, the change-record time)
     */
    private static RowDecider.Decision<PlainRow> decide(TableDescriptor table, RowWrite write,
                                                        Optional<StoredRow> current, long nowMillis,
                                                        long versionMillis) {
        long minVisible = table.minVisibleTimestamp(nowMillis);
        List<StoredCell> live = current.map(r -> r.cells().stream().filter(c -> c.timestamp() >= minVisible).toList())
                .orElse(List.of());
        boolean exists = !live.isEmpty(); // the row marker counts: a PK-only row exists
        switch (write.expectation()) {
            case EXPECT_EXIST -> {
                if (!exists) {
                    throw TableErrors.conditionFailed();
                }
            }
            case EXPECT_NOT_EXIST -> {
                if (exists) {
                    throw TableErrors.conditionFailed();
                }
            }
            case IGNORE -> { }
        }
        if (write.columnCondition() != null) {
            List<Cell> liveCells = new ArrayList<>(live.size());
            RowMarker.attributes(live).forEach(
                    c -> liveCells.add(Cell.put(c.column(), CellValueCodec.decode(c.value()), c.timestamp())));
            if (!write.columnCondition().matches(liveCells)) {
                throw TableErrors.conditionFailed();
            }
        }

        RowChangePlan plan = new RowChangePlan(current, live, versionMillis);
        ActionType action = switch (write.type()) {
            case PUT -> {
                if (current.isPresent()) {
                    plan.deleteRow(); // PutRow replaces the whole row
                }
                write.cells().forEach(plan::put);
                plan.putRowMarker(); // a PK-only put still leaves a row
                yield ActionType.PUT_ROW;
            }
            case UPDATE -> {
                for (Cell c : write.cells()) {
                    switch (c.type()) {
                        case PUT -> plan.put(c);
                        case INCREMENT -> plan.increment(c);
                        case DELETE_ONE_VERSION -> plan.deleteVersion(c);
                        case DELETE_ALL_VERSIONS -> plan.deleteColumn(c);
                    }
                }
                plan.putRowMarker(); // the row exists after an update, also once its last column is deleted
                yield ActionType.UPDATE_ROW;
            }
            case DELETE -> {
                plan.deleteRow();
                yield ActionType.DELETE_ROW;
            }
        };
        plan.trimVersions(table.maxVersions());
        RowMutation mutation = plan.mutation();
        List<Cell> logged = plan.loggedCells();

        PlainRow afterModify = write.returnType() == ReturnType.RT_AFTER_MODIFY
                ? afterModify(write, live, logged) : null;
        StreamSettings stream = table.stream();
        if (!stream.enabled()) {
            return RowDecider.Decision.of(mutation, afterModify);
        }
        PlainRow origin = originRow(table, write, live);
        ChangeRecord record = new ChangeRecord(action, PlainRow.of(write.primaryKey(), logged), origin,
                versionMillis * 1000);
        long shardId = table.partitionFor(write.primaryKey().get(0).value()).shardId();
        return new RowDecider.Decision<>(mutation, shardId, ChangeRecordCodec.encode(record), afterModify);
    }

    /**
     * The row for RT_AFTER_MODIFY: the primary key and, for each requested column, its newest version after the
     * write (replaying this write's puts and deletes over the live versions); absent when none is left.
     */
    private static PlainRow afterModify(RowWrite write, List<StoredCell> live, List<Cell> logged) {
        List<Cell> cells = new ArrayList<>();
        for (String column : write.returnColumns().stream().distinct().sorted().toList()) {
            Map<Long, Cell> versions = new HashMap<>();
            live.stream().filter(c -> c.column().equals(column)).forEach(
                    c -> versions.put(c.timestamp(), Cell.put(column, CellValueCodec.decode(c.value()), c.timestamp())));
            for (Cell c : logged) {
                if (!c.name().equals(column)) {
                    continue;
                }
                switch (c.type()) {
                    case PUT -> versions.put(c.timestamp(), c);
                    case DELETE_ONE_VERSION -> versions.remove(c.timestamp());
                    case DELETE_ALL_VERSIONS -> versions.clear();
                    default -> throw new IllegalStateException("unexpected logged cell " + c);
                }
            }
            versions.keySet().stream().max(Long::compare).ifPresent(ts -> cells.add(versions.get(ts)));
        }
        return PlainRow.of(write.primaryKey(), cells);
    }

    /** Latest live values of the stream's origin columns before the write; null when none applies. */
    private static PlainRow originRow(TableDescriptor table, RowWrite write, List<StoredCell> live) {
        List<String> originColumns = table.stream().originColumns();
        if (originColumns.isEmpty() || live.isEmpty()) {
            return null;
        }
        List<Cell> cells = new ArrayList<>();
        for (String column : originColumns.stream().sorted().toList()) {
            live.stream()
                    .filter(c -> c.column().equals(column))
                    .findFirst() // stored newest first
                    .ifPresent(c -> cells.add(Cell.put(column, CellValueCodec.decode(c.value()), c.timestamp())));
        }
        return cells.isEmpty() ? null : PlainRow.of(write.primaryKey(), cells);
    }
}
