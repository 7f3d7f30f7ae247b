package io.tunnelstore.protocol.plainbuffer;

import static io.tunnelstore.protocol.plainbuffer.PlainBufferTags.*;

import io.tunnelstore.protocol.model.PrimaryKey;
import io.tunnelstore.protocol.model.PrimaryKeyColumn;
import java.util.Arrays;

/**
 * Writes single-row PlainBuffers (header, primary key, PUT cells with timestamps, no delete marker, no sequence info)
 * straight from a store's bytes: a cell's payload is copied once, from the caller's array into the row, instead of
 * first becoming a {@link io.tunnelstore.protocol.model.ColumnValue}, a {@link io.tunnelstore.protocol.model.Cell}
 * and a {@link io.tunnelstore.protocol.model.PlainRow}. This is the per-row path of base-data ReadRecords.
 *
 * <p>Output is byte-identical to {@link PlainBufferCodec#encodeRow} of
 * {@code PlainRow.of(primaryKey, [Cell.put(name, value, timestamp), ...])}. Use: {@link #beginRow}, then the
 * {@code *Cell} methods in column order, then {@link #finishRow}, which returns the row's bytes and makes the writer
 * ready for the next row. The scratch buffer is reused across rows. Not thread-safe.
 */
public final class PlainBufferRowWriter {
    private final ByteSink out;
    private int rowCrc;
    private boolean inRow;
    private boolean attributes;

    public PlainBufferRowWriter() {
        out = new ByteSink(256);
    }

    /** Starts a row: header and primary key. */
    public void beginRow(PrimaryKey primaryKey) {
        beginRow();
        int crc = 0;
        for (PrimaryKeyColumn pk : primaryKey.columns()) {
            crc = Crc8.update(crc, PlainBufferCodec.writePrimaryKeyCell(out, pk.name(), pk.value()));
        }
        rowCrc = crc;
    }

    /**
     * Starts a row whose primary-key columns follow, in schema order, through {@link #integerKey},
     * {@link #stringKey} and {@link #binaryKey} (straight from a stored key, without a {@link PrimaryKey}), before
     * the first attribute cell.
     */
    public void beginRow() {
        if (inRow) {
            throw new IllegalStateException("beginRow before finishRow");
        }
        out.reset();
        out.writeInt32(HEADER);
        out.writeByte(TAG_ROW_PK);
        rowCrc = 0;
        inRow = true;
        attributes = false;
    }

    /** An INTEGER primary-key column. */
    public void integerKey(String name, long value) {
        int crc = beginKey(name);
        out.writeByte(TAG_CELL_VALUE);
        out.writeInt32(9);
        out.writeByte(VT_INTEGER);
        out.writeInt64(value);
        endKey(Crc8.updateInt64(Crc8.update(crc, VT_INTEGER), value));
    }

    /** A STRING primary-key column given as its UTF-8 bytes (not checked: the store wrote valid UTF-8). */
    public void stringKey(String name, byte[] utf8, int offset, int length) {
        bytesKey(name, VT_STRING, utf8, offset, length);
    }

    /** A BINARY primary-key column: {@code length} bytes of {@code src} from {@code offset}. */
    public void binaryKey(String name, byte[] src, int offset, int length) {
        bytesKey(name, VT_BLOB, src, offset, length);
    }

    private void bytesKey(String name, int vt, byte[] src, int offset, int length) {
        java.util.Objects.checkFromIndexSize(offset, length, src.length);
        endKey(bytesValue(beginKey(name), vt, src, offset, length));
    }

    /** Writes a STRING/BINARY cell value (key or attribute alike); returns {@code crc} updated with it. */
    private int bytesValue(int crc, int vt, byte[] src, int offset, int length) {
        out.writeByte(TAG_CELL_VALUE);
        out.writeInt32(5 + length);
        out.writeByte(vt);
        out.writeInt32(length);
        int start = out.size();
        out.writeBytes(src, offset, length);
        return Crc8.update(Crc8.updateInt32(Crc8.update(crc, vt), length), out.buffer(), start, length);
    }

    private int beginKey(String name) {
        if (!inRow || attributes) {
            throw new IllegalStateException("primary-key cell outside a row's key");
        }
        return PlainBufferCodec.writeCellName(out, name);
    }

    private void endKey(int crc) {
        out.writeByte(TAG_CELL_CHECKSUM);
        out.writeByte(crc);
        rowCrc = Crc8.update(rowCrc, crc);
    }

    /** A PUT cell with a BINARY value: {@code length} bytes of {@code src} from {@code offset}. */
    public void binaryCell(String name, byte[] src, int offset, int length, long timestamp) {
        bytesCell(name, VT_BLOB, src, offset, length, timestamp);
    }

    /** A PUT cell with a STRING value given as its UTF-8 bytes (not checked: the store wrote valid UTF-8). */
    public void stringCell(String name, byte[] utf8, int offset, int length, long timestamp) {
        bytesCell(name, VT_STRING, utf8, offset, length, timestamp);
    }

    public void integerCell(String name, long value, long timestamp) {
        fixedCell(name, VT_INTEGER, value, 9, timestamp);
    }

    public void doubleCell(String name, double value, long timestamp) {
        fixedCell(name, VT_DOUBLE, Double.doubleToRawLongBits(value), 9, timestamp);
    }

    public void booleanCell(String name, boolean value, long timestamp) {
        fixedCell(name, VT_BOOLEAN, value ? 1 : 0, 2, timestamp);
    }

    /** Ends the row (delete-marker flag 0 and the row checksum) and returns its bytes, header included. */
    public byte[] finishRow() {
        if (!inRow) {
            throw new IllegalStateException("finishRow without beginRow");
        }
        int crc = Crc8.update(rowCrc, 0);  // no delete marker
        out.writeByte(TAG_ROW_CHECKSUM);
        out.writeByte(crc);
        inRow = false;
        return Arrays.copyOf(out.buffer(), out.size());
    }

    private int beginCell(String name) {
        if (!inRow) {
            throw new IllegalStateException("cell outside a row");
        }
        if (!attributes) {
            out.writeByte(TAG_ROW_DATA);
            attributes = true;
        }
        return PlainBufferCodec.writeCellName(out, name);
    }

    private void bytesCell(String name, int vt, byte[] src, int offset, int length, long timestamp) {
        java.util.Objects.checkFromIndexSize(offset, length, src.length);
        requireTimestamp(timestamp);
        endCell(bytesValue(beginCell(name), vt, src, offset, length), timestamp);
    }

    /** INTEGER/DOUBLE (8 payload bytes, little-endian) or BOOLEAN (1 byte); {@code valueLength} includes the type. */
    private void fixedCell(String name, int vt, long payload, int valueLength, long timestamp) {
        requireTimestamp(timestamp);
        int crc = beginCell(name);
        out.writeByte(TAG_CELL_VALUE);
        out.writeInt32(valueLength);
        out.writeByte(vt);
        crc = Crc8.update(crc, vt);
        if (valueLength == 9) {
            out.writeInt64(payload);
            crc = Crc8.updateInt64(crc, payload);
        } else {
            out.writeByte((int) payload);
            crc = Crc8.update(crc, (int) payload);
        }
        endCell(crc, timestamp);
    }

    private void endCell(int crc, long timestamp) {
        out.writeByte(TAG_CELL_TIMESTAMP);
        out.writeInt64(timestamp);
        crc = Crc8.updateInt64(crc, timestamp);
        out.writeByte(TAG_CELL_CHECKSUM);
        out.writeByte(crc);
        rowCrc = Crc8.update(rowCrc, crc);
    }

    private static void requireTimestamp(long timestamp) {
        if (timestamp < 0) {
            throw new IllegalArgumentException("negative cell timestamp " + timestamp);
        }
    }
}
