package io.tunnelstore.tunnel.internal;

import com.google.protobuf.ByteOutput;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.tunnelstore.protocol.model.Cell;
import io.tunnelstore.protocol.model.PlainRow;
import io.tunnelstore.protocol.pb.TunnelProtos;
import io.tunnelstore.protocol.plainbuffer.PlainBufferCodec;
import io.tunnelstore.tunnel.RecordColumn;
import io.tunnelstore.tunnel.SequenceInfo;
import io.tunnelstore.tunnel.StreamRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
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
        PlainRow row = decodeRow(record.getRecord());
        List<RecordColumn> origin = record.hasOriginRecord() && !record.getOriginRecord().isEmpty()
                ? columns(decodeRow(record.getOriginRecord()))
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

    /**
     * Decodes the row in place where the bytes are one array slice (a record of a response parsed with aliasing is
     * a view of the response body), else from a copy: no per-record copy of the PlainBuffer bytes on the hot path.
     */
    static PlainRow decodeRow(ByteString bytes) {
        ArraySlice slice = new ArraySlice();
        try {
            UnsafeByteOperations.unsafeWriteTo(bytes, slice);
        } catch (IOException e) {
            throw new UncheckedIOException(e);  // ArraySlice never throws
        }
        return slice.array != null && slice.length == bytes.size()
                ? PlainBufferCodec.decodeSingleRow(slice.array, slice.offset, slice.length)
                : PlainBufferCodec.decodeSingleRow(bytes.toByteArray());
    }

    /** Takes the backing array of a ByteString that hands over exactly one array slice; anything else is ignored. */
    private static final class ArraySlice extends ByteOutput {
        byte[] array;
        int offset;
        int length;
        boolean fragmented;

        private void slice(byte[] value, int off, int len) {
            if (array == null && !fragmented) {
                array = value;
                offset = off;
                length = len;
            } else {
                fragmented = true;
                array = null;
            }
        }

        @Override
        public void write(byte value) {
            fragmented = true;
            array = null;
        }

        @Override
        public void write(byte[] value, int off, int len) {
            // protobuf may pass a buffer it reuses: only a lazy write hands over bytes that stay as they are
            fragmented = true;
            array = null;
        }

        @Override
        public void writeLazy(byte[] value, int off, int len) {
            slice(value, off, len);
        }

        @Override
        public void write(ByteBuffer value) {
            fragmented = true;
            array = null;
        }

        @Override
        public void writeLazy(ByteBuffer value) {
            fragmented = true;
            array = null;
        }
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
