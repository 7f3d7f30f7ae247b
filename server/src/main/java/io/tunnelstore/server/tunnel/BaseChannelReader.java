package io.tunnelstore.server.tunnel;

import com.google.protobuf.UnsafeByteOperations;
import io.tunnelstore.protocol.pb.TunnelProtos.ActionType;
import io.tunnelstore.protocol.pb.TunnelProtos.Record;
import io.tunnelstore.protocol.plainbuffer.PlainBufferRowWriter;
import io.tunnelstore.server.table.CellValueCodec;
import io.tunnelstore.server.table.KeyCodec;
import io.tunnelstore.server.table.RowMarker;
import io.tunnelstore.server.table.TableDescriptor;
import io.tunnelstore.storage.ReadSpec;
import io.tunnelstore.storage.RowScanner;
import io.tunnelstore.storage.ScanRange;
import io.tunnelstore.storage.StorageEngine;
import io.tunnelstore.storage.StoredCell;
import io.tunnelstore.storage.StoredRow;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads a base-data channel (from the tunnel's storage snapshot, or the live table when it has none): the latest
 * version of every row of the channel's key range, in key order, each as a
 * PUT_ROW record with the full primary key and every visible column as a put cell with its timestamp (no sequence
 * info — PROTOCOL.md §5.10). A row without attribute columns (only the table's hidden {@link RowMarker}) is a
 * record with the primary key only.
 *
 * <p>Stateless apart from the engine; thread-safe; blocks on storage I/O.
 */
final class BaseChannelReader {
    /** Where rows are scanned: the live engine or a snapshot. */
    @FunctionalInterface
    interface RowSource {
        RowScanner scan(long tableId, ScanRange range, ReadSpec spec);
    }

    private final StorageEngine storage;

    BaseChannelReader(StorageEngine storage) {
        this.storage = storage;
    }

    /** As {@link #read(RowSource, TableDescriptor, KeyRange, ChannelPosition.Base, int, long, long)} on the live table. */
    ReadBatch read(TableDescriptor table, KeyRange range, ChannelPosition.Base from, int maxRecords, long maxBytes,
                   long nowMillis) {
        return read(storage::scan, table, range, from, maxRecords, maxBytes, nowMillis);
    }

    /**
     * Reads up to {@code maxRecords} rows (and about {@code maxBytes}) from {@code from} within {@code range}.
     * The batch is {@link ReadBatch#finished() finished} when the range holds no row after the returned ones.
     */
    ReadBatch read(RowSource source, TableDescriptor table, KeyRange range, ChannelPosition.Base from,
                   int maxRecords, long maxBytes, long nowMillis) {
        byte[] start = from.nextRowKey().length == 0 ? range.scanStart() : from.nextRowKey();
        ReadSpec latest = new ReadSpec(Set.of(), 1, table.minVisibleTimestamp(nowMillis), Long.MAX_VALUE);
        List<Record> records = new ArrayList<>();
        long bytes = 0;
        byte[] lastKey = null;
        boolean more;
        PlainBufferRowWriter writer = new PlainBufferRowWriter();
        try (RowScanner rows = source.scan(table.tableId(), new ScanRange(start, range.scanEnd(), false), latest)) {
            while (rows.hasNext() && records.size() < maxRecords && bytes < maxBytes) {
                StoredRow row = rows.next();
                byte[] encoded = encode(writer, table, row);
                // the array is fresh and never touched again, so the record may wrap it instead of copying it
                // buildPartial: both required fields are set here, so build()'s check would only cost time per row
                records.add(Record.newBuilder().setActionType(ActionType.PUT_ROW)
                        .setRecord(UnsafeByteOperations.unsafeWrap(encoded)).buildPartial());
                bytes += encoded.length;
                lastKey = row.rowKey();
            }
            more = rows.hasNext();
        }
        if (!more) {
            return new ReadBatch(records, null, false, 0);
        }
        ChannelPosition.Base next = new ChannelPosition.Base(KeyCodec.successor(lastKey),
                from.totalCount() + records.size());
        return new ReadBatch(records, next, true, 0);
    }

    /**
     * The row as a PlainBuffer PUT row, written straight from the stored cells (PROTOCOL.md §5.10): the same bytes as
     * {@code encodeRow(PlainRow.of(pk, [Cell.put(column, value, timestamp)...]))} without building those objects.
     */
    private static byte[] encode(PlainBufferRowWriter writer, TableDescriptor table, StoredRow row) {
        writer.beginRow();
        KeyCodec.writeKey(row.rowKey(), table.primaryKeySchema(), writer);  // no PrimaryKey per row
        List<StoredCell> stored = row.cells();
        for (int i = 0, n = stored.size(); i < n; i++) {  // indexed loop: this runs for every row handed over
            StoredCell c = stored.get(i);
            if (!RowMarker.isMarker(c)) { // the hidden row marker is not a column
                CellValueCodec.writeCell(writer, c.column(), c.value(), c.timestamp());
            }
        }
        return writer.finishRow();
    }
}
