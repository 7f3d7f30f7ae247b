package io.tunnelstore.tunnel.internal;

import io.tunnelstore.protocol.model.Cell;
import io.tunnelstore.protocol.model.PlainRow;
import io.tunnelstore.protocol.pb.TunnelProtos;
import io.tunnelstore.protocol.plainbuffer.PlainBufferCodec;
import io.tunnelstore.tunnel.RecordColumn;
import io.tunnelstore.tunnel.SequenceInfo;
import io.tunnelstore.tunnel.StreamRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns wire {@code Record}s (PlainBuffer rows, PROTOCOL.md §5.10) into {@link StreamRecord}s. Base-data rows
 * carry no sequence info; stream rows do. Stateless and thread-safe.
 */
public final class RecordDecoder {
    private RecordDecoder() {
    }

    /**
     * Decodes one record.
     *
     * @throws io.tunnelstore.protocol.plainbuffer.PlainBufferException (an IllegalArgumentException) if the bytes
     *                                                                    are malformed or hold an INCREMENT cell
     */
    public static StreamRecord decode(TunnelProtos.Record record) {
        PlainRow row = PlainBufferCodec.decodeSingleRow(record.getRecord().toByteArray());
        List<RecordColumn> origin = record.hasOriginRecord() && !record.getOriginRecord().isEmpty()
                ? columns(PlainBufferCodec.decodeSingleRow(record.getOriginRecord().toByteArray()))
                : List.of();
        StreamRecord.RecordType type = switch (record.getActionType()) {
            case PUT_ROW -> StreamRecord.RecordType.PUT;
            case UPDATE_ROW -> StreamRecord.RecordType.UPDATE;
            case DELETE_ROW -> StreamRecord.RecordType.DELETE;
        };
        Optional<SequenceInfo> seq = Optional.ofNullable(row.sequenceInfo())
                .map(s -> new SequenceInfo(s.epoch(), s.timestamp(), s.rowIndex()));
        return new StreamRecord(type, row.primaryKey(), seq, columns(row), origin);
    }

    private static List<RecordColumn> columns(PlainRow row) {
        List<Cell> cells = row.cells();
        if (cells.size() == 1) {  // the common base-data record of one column: no list to copy later
            return List.of(column(cells.get(0)));
        }
        List<RecordColumn> out = new ArrayList<>(cells.size());
        for (Cell c : cells) {
            out.add(column(c));
        }
        return out;
    }

    private static RecordColumn column(Cell c) {
        return switch (c.type()) {
            case PUT -> new RecordColumn(c.name(), RecordColumn.ColumnOperation.PUT, c.value(), c.timestamp());
            case DELETE_ONE_VERSION -> new RecordColumn(c.name(), RecordColumn.ColumnOperation.DELETE_ONE_VERSION,
                    null, c.timestamp());
            case DELETE_ALL_VERSIONS -> new RecordColumn(c.name(),
                    RecordColumn.ColumnOperation.DELETE_ALL_VERSIONS, null, c.timestamp());
            case INCREMENT -> throw new io.tunnelstore.protocol.plainbuffer.PlainBufferException(
                    "stream record cell '" + c.name() + "' has type INCREMENT, which records never carry");
        };
    }
}
