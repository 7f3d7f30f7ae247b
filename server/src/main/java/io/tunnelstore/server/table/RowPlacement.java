package io.tunnelstore.server.table;

import io.tunnelstore.protocol.model.PrimaryKey;
import io.tunnelstore.protocol.pb.TableProtos.BatchWriteRowRequest;
import io.tunnelstore.protocol.pb.TableProtos.BatchWriteRowResponse;
import io.tunnelstore.protocol.pb.TableProtos.RowInBatchWriteRowResponse;
import io.tunnelstore.protocol.pb.TableProtos.TableInBatchWriteRowRequest;
import io.tunnelstore.protocol.pb.TableProtos.TableInBatchWriteRowResponse;
import io.tunnelstore.protocol.plainbuffer.PlainBufferCodec;
import io.tunnelstore.server.cluster.ClusterPlacement;
import io.tunnelstore.server.cluster.ClusterResources;
import io.tunnelstore.server.http.RequestContext;
import io.tunnelstore.server.http.RequestSplitter;
import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where row writes run in a cluster (docs/scale-out.md, "Request forwarding"): a row write on the owner of its
 * partition (first primary-key column → partition → change-log shard), a BatchWriteRow split by owner node. A request
 * that cannot be placed (unknown table, unreadable key) runs where it was received, whose handler answers the error.
 * Reads the in-memory catalog only. Thread-safe.
 */
final class RowPlacement {

    private final TableCatalog catalog;
    private final ClusterPlacement placement;

    RowPlacement(TableCatalog catalog, ClusterPlacement placement) {
        this.catalog = catalog;
        this.placement = placement;
    }

    /** The partition resource of the row {@code rowBytes} (a PlainBuffer row or primary key) of table {@code name}. */
    Optional<String> partitionOf(String instance, String tableName, ByteString rowBytes) {
        Optional<TableDescriptor> table = catalog.find(instance, tableName);
        if (table.isEmpty()) {
            return Optional.empty();
        }
        try {
            PrimaryKey key = PlainBufferCodec.decodeSingleRowIgnoringZeroPadding(rowBytes.toByteArray()).primaryKey();
            if (key.columns().isEmpty()) {
                return Optional.empty();
            }
            long shard = table.get().partitionFor(key.get(0).value()).shardId();
            return Optional.of(ClusterResources.partition(table.get().tableId(), shard));
        } catch (RuntimeException e) {
            return Optional.empty(); // malformed: the handler answers it
        }
    }

    /**
     * Splits a BatchWriteRow by the node owning each row's partition. Every part keeps the tables' and rows' request
     * order; the merge puts each row's result back at its request position, and a part that failed as a whole gives
     * its error to each of its rows.
     */
    RequestSplitter.Split<BatchWriteRowRequest> split(RequestContext ctx, BatchWriteRowRequest req) {
        /** Per owner node (null: here): the part's resource and the (table, row) positions it carries, in order. */
        Map<String, List<int[]>> positionsByNode = new LinkedHashMap<>();
        Map<String, String> resourceByNode = new LinkedHashMap<>();
        for (int t = 0; t < req.getTablesCount(); t++) {
            TableInBatchWriteRowRequest table = req.getTables(t);
            for (int r = 0; r < table.getRowsCount(); r++) {
                Optional<String> resource = partitionOf(ctx.instanceName(), table.getTableName(),
                        table.getRows(r).getRowChange());
                Optional<ClusterPlacement.Owner> owner = resource.flatMap(placement::ownerOf);
                String node = owner.isEmpty() || owner.get().local() ? "" : owner.get().nodeId();
                positionsByNode.computeIfAbsent(node, n -> new ArrayList<>()).add(new int[] {t, r});
                if (!node.isEmpty()) {
                    resourceByNode.putIfAbsent(node, resource.get());
                }
            }
        }
        List<RequestSplitter.Part<BatchWriteRowRequest>> parts = new ArrayList<>();
        List<List<int[]>> positions = new ArrayList<>();
        positionsByNode.forEach((node, rows) -> {
            parts.add(new RequestSplitter.Part<>(Optional.ofNullable(resourceByNode.get(node)), partOf(req, rows)));
            positions.add(rows);
        });
        return new RequestSplitter.Split<>() {
            @Override
            public List<RequestSplitter.Part<BatchWriteRowRequest>> parts() {
                return parts;
            }

            @Override
            public Message merge(List<RequestSplitter.PartOutcome> outcomes) {
                return mergeBatch(req, positions, outcomes);
            }
        };
    }

    /** The request restricted to {@code rows} (table, row) positions, tables in request order. */
    private static BatchWriteRowRequest partOf(BatchWriteRowRequest req, List<int[]> rows) {
        BatchWriteRowRequest.Builder part = req.toBuilder().clearTables();
        TableInBatchWriteRowRequest.Builder current = null;
        int currentTable = -1;
        for (int[] pos : rows) {
            if (pos[0] != currentTable) {
                if (current != null) {
                    part.addTables(current);
                }
                current = req.getTables(pos[0]).toBuilder().clearRows();
                currentTable = pos[0];
            }
            current.addRows(req.getTables(pos[0]).getRows(pos[1]));
        }
        if (current != null) {
            part.addTables(current);
        }
        return part.build();
    }

    private static BatchWriteRowResponse mergeBatch(BatchWriteRowRequest req, List<List<int[]>> positions,
                                                    List<RequestSplitter.PartOutcome> outcomes) {
        RowInBatchWriteRowResponse[][] rows = new RowInBatchWriteRowResponse[req.getTablesCount()][];
        for (int t = 0; t < rows.length; t++) {
            rows[t] = new RowInBatchWriteRowResponse[req.getTables(t).getRowsCount()];
        }
        for (int p = 0; p < positions.size(); p++) {
            RequestSplitter.PartOutcome outcome = outcomes.get(p);
            List<int[]> partRows = positions.get(p);
            if (outcome.error() != null) {
                RowInBatchWriteRowResponse failed = RowInBatchWriteRowResponse.newBuilder().setIsOk(false)
                        .setError(outcome.error().toErrorMessage()).build();
                partRows.forEach(pos -> rows[pos[0]][pos[1]] = failed);
                continue;
            }
            BatchWriteRowResponse response = (BatchWriteRowResponse) outcome.response();
            // the part's tables and rows come back in the part's order, which is the order of partRows
            int k = 0;
            for (TableInBatchWriteRowResponse table : response.getTablesList()) {
                for (RowInBatchWriteRowResponse row : table.getRowsList()) {
                    int[] pos = partRows.get(k++);
                    rows[pos[0]][pos[1]] = row;
                }
            }
            if (k != partRows.size()) {
                throw new IllegalStateException("a part of a BatchWriteRow answered " + k + " rows for "
                        + partRows.size());
            }
        }
        BatchWriteRowResponse.Builder merged = BatchWriteRowResponse.newBuilder();
        for (int t = 0; t < rows.length; t++) {
            TableInBatchWriteRowResponse.Builder tb = TableInBatchWriteRowResponse.newBuilder()
                    .setTableName(req.getTables(t).getTableName());
            for (RowInBatchWriteRowResponse row : rows[t]) {
                tb.addRows(row);
            }
            merged.addTables(tb);
        }
        return merged.build();
    }
}
