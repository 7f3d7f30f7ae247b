package io.tunnelstore.protocol.plainbuffer;

import static io.tunnelstore.protocol.plainbuffer.PlainBufferTags.*;

import io.tunnelstore.protocol.model.Cell;
import io.tunnelstore.protocol.model.CellType;
import io.tunnelstore.protocol.model.ColumnValue;
import io.tunnelstore.protocol.model.PlainRow;
import io.tunnelstore.protocol.model.PrimaryKey;
import io.tunnelstore.protocol.model.PrimaryKeyColumn;
import io.tunnelstore.protocol.model.SequenceInfo;
import io.tunnelstore.protocol.model.ValueType;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;

/**
 * Encoder and strict decoder for PlainBuffer, the row format carried in protobuf {@code bytes} fields
 * (PROTOCOL.md §5). Output is byte-identical to the official Java SDK's writer.
 *
 * <p>Decoding accepts exactly the grammar of §5.4 and rejects anything else with a {@link PlainBufferException}
 * naming the problem and its offset: wrong header, unknown or out-of-order tags, truncated data, inconsistent
 * lengths, cell or row checksum mismatches, negative timestamps, invalid UTF-8 in names or STRING values,
 * extension lengths other than 24/19, primary-key cells with a cell type or timestamp, and attribute cells that
 * violate the {@link Cell} invariants. It never throws any other exception type for bad input.
 *
 * <p>A zero-length buffer stands for "no rows" ({@link #encodeRows} of an empty list returns it and
 * {@link #decodeRows} accepts it); a header with no row after it is rejected. Stateless and thread-safe.
 */
public final class PlainBufferCodec {

    private PlainBufferCodec() {
    }

    // ------------------------------------------------------------------ encoding

    /** Header followed by all rows; an empty list gives a zero-length array. */
    public static byte[] encodeRows(List<PlainRow> rows) {
        if (rows.isEmpty()) {
            return new byte[0];
        }
        int size = 4;
        for (PlainRow row : rows) {
            size += rowSize(row);
        }
        ByteSink out = new ByteSink(size);
        out.writeInt32(HEADER);
        for (PlainRow row : rows) {
            writeRow(out, row);
        }
        return out.toByteArray();
    }

    /** Header followed by one row. */
    public static byte[] encodeRow(PlainRow row) {
        ByteSink out = new ByteSink(4 + rowSize(row));  // exact: one array, no growth and no final copy
        out.writeInt32(HEADER);
        writeRow(out, row);
        return out.toByteArray();
    }

    /** Header followed by one primary-key-only row without delete marker (GetRow key, GetRange bound, …). */
    public static byte[] encodePrimaryKey(PrimaryKey primaryKey) {
        return encodeRow(PlainRow.ofPrimaryKey(primaryKey));
    }

    /** A single value in "no length prefix" form: type byte + payload (PartitionRange, filter values). */
    public static byte[] encodeValueNoLengthPrefix(ColumnValue value) {
        ByteSink out = new ByteSink(16);
        writeValueNoLengthPrefix(out, value);
        return out.toByteArray();
    }

    /** Encoded size of one row (without the header): exactly what {@link #writeRow} writes. */
    static int rowSize(PlainRow row) {
        int size = 1;  // TAG_ROW_PK
        for (PrimaryKeyColumn pk : row.primaryKey().columns()) {
            size += cellSize(pk.name(), pk.value(), false, false);
        }
        if (!row.cells().isEmpty()) {
            size += 1;  // TAG_ROW_DATA
            for (Cell cell : row.cells()) {
                size += cellSize(cell.name(), cell.value(), cell.type().wireByte().isPresent(), cell.timestamp() != null);
            }
        }
        if (row.deleteMarker()) {
            size += 1;
        }
        if (row.sequenceInfo() != null) {
            size += 1 + 4 + EXTENSION_LENGTH;
        }
        return size + 2;  // TAG_ROW_CHECKSUM + checksum
    }

    private static int cellSize(String name, ColumnValue value, boolean typed, boolean timestamped) {
        int size = 1 + 1 + 4 + utf8Length(name);  // TAG_CELL, TAG_CELL_NAME, length, name
        if (value != null) {
            size += 1 + 4 + valueLengthNoPrefix(value);
        }
        if (typed) {
            size += 2;
        }
        if (timestamped) {
            size += 9;
        }
        return size + 2;  // TAG_CELL_CHECKSUM + checksum
    }

    /** Length of {@code s.getBytes(UTF_8)}; counted without encoding when every char is ASCII. */
    private static int utf8Length(String s) {
        return isAscii(s) ? s.length() : s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static boolean isAscii(String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private static void writeRow(ByteSink out, PlainRow row) {
        int rowCrc = 0;
        out.writeByte(TAG_ROW_PK);
        for (PrimaryKeyColumn pk : row.primaryKey().columns()) {
            rowCrc = Crc8.update(rowCrc, writeCell(out, pk.name(), pk.value(), OptionalInt.empty(), null));
        }
        if (!row.cells().isEmpty()) {
            out.writeByte(TAG_ROW_DATA);
            for (Cell cell : row.cells()) {
                rowCrc = Crc8.update(rowCrc, writeCell(out, cell.name(), cell.value(), cell.type().wireByte(), cell.timestamp()));
            }
        }
        if (row.deleteMarker()) {
            out.writeByte(TAG_DELETE_ROW_MARKER);
        }
        rowCrc = Crc8.update(rowCrc, row.deleteMarker() ? 1 : 0);
        SequenceInfo seq = row.sequenceInfo();
        if (seq != null) {
            out.writeByte(TAG_EXTENSION);
            out.writeInt32(EXTENSION_LENGTH);
            out.writeByte(TAG_SEQ_INFO);
            out.writeInt32(SEQ_INFO_LENGTH);
            out.writeByte(TAG_SEQ_INFO_EPOCH);
            out.writeInt32(seq.epoch());
            out.writeByte(TAG_SEQ_INFO_TS);
            out.writeInt64(seq.timestamp());
            out.writeByte(TAG_SEQ_INFO_ROW_INDEX);
            out.writeInt32(seq.rowIndex());
        }
        out.writeByte(TAG_ROW_CHECKSUM);
        out.writeByte(rowCrc);
    }

    /** Writes one cell and returns its checksum. */
    private static int writeCell(ByteSink out, String name, ColumnValue value, OptionalInt type, Long timestamp) {
        int crc = writeCellName(out, name);
        if (value != null) {
            out.writeByte(TAG_CELL_VALUE);
            out.writeInt32(valueLengthNoPrefix(value));
            crc = writeValueNoLengthPrefixWithCrc(out, value, crc);
        }
        if (type.isPresent()) {
            out.writeByte(TAG_CELL_TYPE);
            out.writeByte(type.getAsInt());
        }
        if (timestamp != null) {
            out.writeByte(TAG_CELL_TIMESTAMP);
            out.writeInt64(timestamp);
            crc = Crc8.updateInt64(crc, timestamp);
        }
        // The checksum takes the timestamp before the cell type although the wire order is the reverse (§5.5).
        if (type.isPresent()) {
            crc = Crc8.update(crc, type.getAsInt());
        }
        out.writeByte(TAG_CELL_CHECKSUM);
        out.writeByte(crc);
        return crc;
    }

    /** Writes TAG_CELL and the cell's name; returns the checksum of the name (where a cell's checksum starts). */
    static int writeCellName(ByteSink out, String name) {
        out.writeByte(TAG_CELL);
        out.writeByte(TAG_CELL_NAME);
        if (isAscii(name)) {  // column names nearly always are: no byte[] for the name
            out.writeInt32(name.length());
            int nameStart = out.size();
            out.writeAscii(name);
            return Crc8.update(0, out.buffer(), nameStart, name.length());
        }
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        out.writeInt32(nameBytes.length);
        out.writeBytes(nameBytes);
        return Crc8.update(0, nameBytes);
    }

    /** Writes one primary-key cell (name and value, no type or timestamp) and returns its checksum. */
    static int writePrimaryKeyCell(ByteSink out, String name, ColumnValue value) {
        return writeCell(out, name, value, OptionalInt.empty(), null);
    }

    private static int valueLengthNoPrefix(ColumnValue value) {
        return switch (value.type()) {
            case INTEGER, DOUBLE -> 9;
            case BOOLEAN -> 2;
            case STRING, BINARY -> 5 + value.rawLength();
            case INF_MIN, INF_MAX, AUTO_INCREMENT -> 1;
        };
    }

    private static void writeValueNoLengthPrefix(ByteSink out, ColumnValue value) {
        writeValueNoLengthPrefixWithCrc(out, value, 0);
    }

    /** Writes type byte + payload and returns {@code crc} updated with exactly those bytes. */
    private static int writeValueNoLengthPrefixWithCrc(ByteSink out, ColumnValue value, int crc) {
        switch (value.type()) {
            case INTEGER -> {
                out.writeByte(VT_INTEGER);
                out.writeInt64(value.asLong());
                return Crc8.updateInt64(Crc8.update(crc, VT_INTEGER), value.asLong());
            }
            case DOUBLE -> {
                long bits = Double.doubleToRawLongBits(value.asDouble());
                out.writeByte(VT_DOUBLE);
                out.writeInt64(bits);
                return Crc8.updateInt64(Crc8.update(crc, VT_DOUBLE), bits);
            }
            case BOOLEAN -> {
                int b = value.asBoolean() ? 1 : 0;
                out.writeByte(VT_BOOLEAN);
                out.writeByte(b);
                return Crc8.update(Crc8.update(crc, VT_BOOLEAN), b);
            }
            case STRING, BINARY -> {
                int vt = value.type() == ValueType.STRING ? VT_STRING : VT_BLOB;
                int n = value.rawLength();
                out.writeByte(vt);
                out.writeInt32(n);
                int start = out.size();
                out.writeRawBytes(value);  // straight from the value, checksummed where it landed
                return Crc8.update(Crc8.updateInt32(Crc8.update(crc, vt), n), out.buffer(), start, n);
            }
            case INF_MIN, INF_MAX, AUTO_INCREMENT -> {
                int vt = markerTypeByte(value.type());
                out.writeByte(vt);
                return Crc8.update(crc, vt);
            }
            default -> throw new AssertionError(value.type());
        }
    }

    private static int markerTypeByte(ValueType t) {
        return switch (t) {
            case INF_MIN -> VT_INF_MIN;
            case INF_MAX -> VT_INF_MAX;
            case AUTO_INCREMENT -> VT_AUTO_INCREMENT;
            default -> throw new AssertionError(t);
        };
    }

    // ------------------------------------------------------------------ decoding

    /** Decodes a buffer of zero or more rows (zero-length input → empty list). */
    public static List<PlainRow> decodeRows(byte[] buffer) {
        if (buffer == null) {
            throw new PlainBufferException("PlainBuffer is null");
        }
        if (buffer.length == 0) {
            return List.of();
        }
        ByteSource in = new ByteSource(buffer);
        readHeader(in);
        if (in.atEnd()) {
            throw new PlainBufferException("malformed PlainBuffer: header is not followed by any row");
        }
        List<PlainRow> rows = new ArrayList<>();
        while (!in.atEnd()) {
            rows.add(readRow(in));
        }
        return List.copyOf(rows);
    }

    /** Decodes a buffer that must hold exactly one row. */
    public static PlainRow decodeSingleRow(byte[] buffer) {
        if (buffer == null) {
            throw new PlainBufferException("PlainBuffer is null");
        }
        return decodeSingleRow(buffer, 0, buffer.length);
    }

    /**
     * Decodes {@code buffer[offset, offset + length)}, which must hold exactly one row, without copying it out first
     * (a record's bytes inside a ReadRecords response body). The decoded row keeps no reference to {@code buffer}.
     * Offsets in error messages count from {@code buffer[0]}.
     */
    public static PlainRow decodeSingleRow(byte[] buffer, int offset, int length) {
        if (buffer == null) {
            throw new PlainBufferException("PlainBuffer is null");
        }
        java.util.Objects.checkFromIndexSize(offset, length, buffer.length);
        if (length == 0) {
            throw new PlainBufferException("expected exactly one row in PlainBuffer but found 0");
        }
        // one row read directly (no list): this is the per-record path of ReadRecords in the worker
        ByteSource in = new ByteSource(buffer, offset, offset + length);
        readHeader(in);
        if (in.atEnd()) {
            throw new PlainBufferException("malformed PlainBuffer: header is not followed by any row");
        }
        PlainRow row = readRow(in);
        if (!in.atEnd()) {
            int rows = 1;
            while (!in.atEnd()) {
                readRow(in);  // a malformed later row is reported as such, as decodeRows would
                rows++;
            }
            throw new PlainBufferException("expected exactly one row in PlainBuffer but found " + rows);
        }
        return row;
    }

    /**
     * Decodes a single-row field of a request (a row to write, a row key, a range bound) the way the public service
     * reads it: the header and the first row up to its row checksum, after which only zero bytes may follow.
     *
     * <p>Why the padding is tolerated: the official Node.js SDK (npm {@code tablestore} 5.6.5) sizes its output
     * buffer before writing, over-estimates some cells (one byte per INF_MIN/INF_MAX/AUTO_INCREMENT key value, a
     * whole phantom cell for an update PUT with a timestamp, five bytes for a delete of one version) and sends the
     * zero-filled remainder. Anything other than zeros after the row is still rejected, so a second row or garbage
     * is never silently dropped.
     */
    public static PlainRow decodeSingleRowIgnoringZeroPadding(byte[] buffer) {
        if (buffer == null) {
            throw new PlainBufferException("PlainBuffer is null");
        }
        ByteSource in = new ByteSource(buffer);
        readHeader(in);
        if (in.atEnd()) {
            throw new PlainBufferException("malformed PlainBuffer: header is not followed by any row");
        }
        PlainRow row = readRow(in);
        int rowEnd = in.position();
        for (int i = rowEnd; i < buffer.length; i++) {
            if (buffer[i] != 0) {
                throw new PlainBufferException(String.format(
                        "expected exactly one row in PlainBuffer but found 0x%02X at offset %d after the row ending at offset %d"
                                + " (only zero padding may follow it)", buffer[i] & 0xFF, i, rowEnd));
            }
        }
        return row;
    }

    /**
     * Decodes a key buffer: exactly one row with primary-key cells only, no attribute cells, no delete marker and
     * no extension (GetRow/BatchGetRow keys, GetRange bounds, next_start_primary_key).
     */
    public static PrimaryKey decodePrimaryKey(byte[] buffer) {
        PlainRow row = decodeSingleRow(buffer);
        if (!row.cells().isEmpty() || row.deleteMarker() || row.sequenceInfo() != null) {
            throw new PlainBufferException("expected a primary-key-only row but it also has "
                    + (!row.cells().isEmpty() ? row.cells().size() + " attribute cell(s)"
                    : row.deleteMarker() ? "a delete marker" : "sequence info"));
        }
        return row.primaryKey();
    }

    /** Decodes a value in "no length prefix" form; the input must contain exactly one value. */
    public static ColumnValue decodeValueNoLengthPrefix(byte[] bytes) {
        if (bytes == null) {
            throw new PlainBufferException("value bytes are null");
        }
        ByteSource in = new ByteSource(bytes);
        ColumnValue v = readValueNoLengthPrefix(in, bytes.length, null);
        if (!in.atEnd()) {
            throw new PlainBufferException("trailing bytes after value: " + in.remaining() + " byte(s) at offset " + in.position());
        }
        return v;
    }

    private static void readHeader(ByteSource in) {
        int header = in.readInt32("header");
        if (header != HEADER) {
            throw new PlainBufferException(String.format("malformed PlainBuffer: header is 0x%08X, expected 0x00000075", header));
        }
    }

    private static PlainRow readRow(ByteSource in) {
        int rowStart = in.position();
        in.expectTag(TAG_ROW_PK, "TAG_ROW_PK");
        int rowCrc = 0;
        List<PrimaryKeyColumn> pk = new ArrayList<>(2);
        while (in.peek() == TAG_CELL) {
            DecodedCell c = readCell(in);
            if (c.value == null) {
                throw new PlainBufferException("primary key cell '" + c.name + "' at offset " + c.offset + " has no value");
            }
            if (c.type != null || c.timestamp != null) {
                throw new PlainBufferException("primary key cell '" + c.name + "' at offset " + c.offset
                        + " must not carry a cell type or timestamp");
            }
            if (!c.value.type().isPrimaryKeyDataType() && c.value.type().isDataType()) {
                throw new PlainBufferException("primary key cell '" + c.name + "' at offset " + c.offset
                        + " has type " + c.value.type() + ", which is not allowed in a primary key");
            }
            pk.add(new PrimaryKeyColumn(c.name, c.value));
            rowCrc = Crc8.update(rowCrc, c.checksum);
        }
        List<Cell> cells = new ArrayList<>(4);
        if (in.peek() == TAG_ROW_DATA) {
            in.readByte("TAG_ROW_DATA");
            if (in.peek() != TAG_CELL) {
                throw new PlainBufferException("malformed PlainBuffer: TAG_ROW_DATA at offset " + (in.position() - 1)
                        + " is not followed by a cell");
            }
            while (in.peek() == TAG_CELL) {
                DecodedCell c = readCell(in);
                cells.add(toAttributeCell(c));
                rowCrc = Crc8.update(rowCrc, c.checksum);
            }
        }
        boolean deleteMarker = false;
        if (in.peek() == TAG_DELETE_ROW_MARKER) {
            in.readByte("TAG_DELETE_ROW_MARKER");
            deleteMarker = true;
        }
        rowCrc = Crc8.update(rowCrc, deleteMarker ? 1 : 0);
        SequenceInfo seq = null;
        if (in.peek() == TAG_EXTENSION) {
            seq = readExtension(in);
        }
        in.expectTag(TAG_ROW_CHECKSUM, "TAG_ROW_CHECKSUM");
        int stored = in.readByte("row checksum");
        if (stored != rowCrc) {
            throw new PlainBufferException(String.format(
                    "row checksum mismatch in row starting at offset %d: stored 0x%02X, computed 0x%02X", rowStart, stored, rowCrc));
        }
        // immutable lists of 1-2 elements built without an array copy; PrimaryKey and PlainRow keep them as they are
        return new PlainRow(PrimaryKey.of(immutable(pk)), immutable(cells), deleteMarker, seq);
    }

    /** The elements as an immutable list, for the common sizes without copying through an array. */
    private static <T> List<T> immutable(List<T> list) {
        return switch (list.size()) {
            case 0 -> List.of();
            case 1 -> List.of(list.get(0));
            case 2 -> List.of(list.get(0), list.get(1));
            default -> List.copyOf(list);
        };
    }

    private static SequenceInfo readExtension(ByteSource in) {
        in.expectTag(TAG_EXTENSION, "TAG_EXTENSION");
        int extLen = in.readInt32("extension length");
        if (extLen != EXTENSION_LENGTH) {
            throw new PlainBufferException("unsupported row extension length " + extLen + " at offset "
                    + (in.position() - 4) + " (expected " + EXTENSION_LENGTH + ")");
        }
        in.expectTag(TAG_SEQ_INFO, "TAG_SEQ_INFO");
        int seqLen = in.readInt32("sequence info length");
        if (seqLen != SEQ_INFO_LENGTH) {
            throw new PlainBufferException("unsupported sequence info length " + seqLen + " at offset "
                    + (in.position() - 4) + " (expected " + SEQ_INFO_LENGTH + ")");
        }
        in.expectTag(TAG_SEQ_INFO_EPOCH, "TAG_SEQ_INFO_EPOCH");
        int epoch = in.readInt32("sequence epoch");
        in.expectTag(TAG_SEQ_INFO_TS, "TAG_SEQ_INFO_TS");
        long ts = in.readInt64("sequence timestamp");
        in.expectTag(TAG_SEQ_INFO_ROW_INDEX, "TAG_SEQ_INFO_ROW_INDEX");
        int rowIndex = in.readInt32("sequence row index");
        return new SequenceInfo(epoch, ts, rowIndex);
    }

    /** A cell as read from the wire, before it is turned into a model object. */
    private record DecodedCell(int offset, String name, ColumnValue value, CellType type, Long timestamp, int checksum) {
    }

    private static DecodedCell readCell(ByteSource in) {
        int offset = in.position();
        in.expectTag(TAG_CELL, "TAG_CELL");
        in.expectTag(TAG_CELL_NAME, "TAG_CELL_NAME");
        int nameLen = in.readInt32("cell name length");
        if (nameLen < 0) {
            throw new PlainBufferException("negative cell name length " + nameLen + " at offset " + (in.position() - 4));
        }
        int nameStart = in.skip(nameLen, "cell name");
        String name = utf8(in.data(), nameStart, nameLen, "cell name");
        int crc = Crc8.update(0, in.data(), nameStart, nameLen);

        ColumnValue value = null;
        if (in.peek() == TAG_CELL_VALUE) {
            in.readByte("TAG_CELL_VALUE");
            int declared = in.readInt32("cell value length");
            if (declared < 1) {
                throw new PlainBufferException("invalid cell value length " + declared + " at offset " + (in.position() - 4));
            }
            int valueStart = in.position();
            value = readValueNoLengthPrefix(in, declared, name);
            int actual = in.position() - valueStart;
            if (actual != declared) {
                throw new PlainBufferException("value of cell '" + name + "' at offset " + valueStart + " has length "
                        + actual + " but its length prefix says " + declared);
            }
            crc = Crc8.update(crc, in.data(), valueStart, actual);
        }
        CellType type = null;
        int typeByte = 0;
        if (in.peek() == TAG_CELL_TYPE) {
            in.readByte("TAG_CELL_TYPE");
            int at = in.position();
            typeByte = in.readByte("cell type");
            type = cellType(typeByte);
            if (type == null) {
                throw new PlainBufferException(
                        String.format("unknown cell type 0x%02X at offset %d in cell '%s'", typeByte, at, name));
            }
        }
        Long timestamp = null;
        if (in.peek() == TAG_CELL_TIMESTAMP) {
            in.readByte("TAG_CELL_TIMESTAMP");
            long ts = in.readInt64("cell timestamp");
            if (ts < 0) {
                throw new PlainBufferException("negative timestamp " + ts + " in cell '" + name + "' at offset " + (in.position() - 8));
            }
            timestamp = ts;
            crc = Crc8.updateInt64(crc, ts);
        }
        if (type != null) {
            crc = Crc8.update(crc, typeByte);
        }
        in.expectTag(TAG_CELL_CHECKSUM, "TAG_CELL_CHECKSUM");
        int stored = in.readByte("cell checksum");
        if (stored != crc) {
            throw new PlainBufferException(String.format(
                    "cell checksum mismatch in cell '%s' at offset %d: stored 0x%02X, computed 0x%02X", name, offset, stored, crc));
        }
        return new DecodedCell(offset, name, value, type, timestamp, crc);
    }

    /** The cell type of a TAG_CELL_TYPE byte, or null (as {@link CellType#fromWireByte}, without an Optional). */
    private static CellType cellType(int wireByte) {
        return switch (wireByte) {
            case 0x01 -> CellType.DELETE_ALL_VERSIONS;
            case 0x03 -> CellType.DELETE_ONE_VERSION;
            case 0x04 -> CellType.INCREMENT;
            default -> null;
        };
    }

    private static Cell toAttributeCell(DecodedCell c) {
        try {
            return new Cell(c.name, c.value, c.type == null ? CellType.PUT : c.type, c.timestamp);
        } catch (IllegalArgumentException e) {
            throw new PlainBufferException("invalid attribute cell at offset " + c.offset + ": " + e.getMessage(), e);
        }
    }

    /** "value" (a bare value) or "value of cell 'name'", for error messages. */
    private static String valueLabel(String cellName) {
        return cellName == null ? "value" : "value of cell '" + cellName + "'";
    }

    /**
     * Reads type byte + payload. {@code limit} bounds how many bytes the value may use (the declared length
     * inside a cell, the whole input otherwise); {@code cellName} names the cell in error messages (null: a bare
     * value). The messages are built only when the input is bad.
     */
    private static ColumnValue readValueNoLengthPrefix(ByteSource in, int limit, String cellName) {
        int start = in.position();
        ByteSource.What what = () -> valueLabel(cellName);
        int vt = in.readByte(() -> valueLabel(cellName) + " type");
        ColumnValue v = switch (vt) {
            case VT_INTEGER -> ColumnValue.ofLong(in.readInt64(what));
            case VT_DOUBLE -> ColumnValue.ofDouble(Double.longBitsToDouble(in.readInt64(what)));
            case VT_BOOLEAN -> {
                int at = in.position();
                int b = in.readByte(what);
                if (b > 1) {
                    throw new PlainBufferException("invalid boolean byte " + b + " in " + valueLabel(cellName)
                            + " at offset " + at);
                }
                yield ColumnValue.ofBoolean(b == 1);
            }
            case VT_STRING, VT_BLOB -> {
                int n = in.readInt32(() -> valueLabel(cellName) + " length");
                if (n < 0) {
                    throw new PlainBufferException("negative length " + n + " in " + valueLabel(cellName)
                            + " at offset " + (in.position() - 4));
                }
                if (n > limit - 5) {
                    throw new PlainBufferException("length " + n + " of " + valueLabel(cellName) + " at offset "
                            + (in.position() - 4) + " exceeds the enclosing value length " + limit);
                }
                int at = in.skip(n, what);
                if (vt == VT_STRING) {
                    yield ColumnValue.ofString(utf8(in.data(), at, n, valueLabel(cellName)));
                }
                yield ColumnValue.ofBinary(Arrays.copyOfRange(in.data(), at, at + n));
            }
            case VT_INF_MIN -> ColumnValue.INF_MIN;
            case VT_INF_MAX -> ColumnValue.INF_MAX;
            case VT_AUTO_INCREMENT -> ColumnValue.AUTO_INCREMENT;
            default -> throw new PlainBufferException(String.format("unknown value type 0x%02X in %s at offset %d", vt,
                    valueLabel(cellName), start));
        };
        return v;
    }

    private static String utf8(byte[] data, int offset, int length, String what) {
        if (isAscii(data, offset, length)) {
            // the common case (column names, most strings): no decoder object, and ASCII is valid UTF-8 as it is
            return new String(data, offset, length, StandardCharsets.ISO_8859_1);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(data, offset, length))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new PlainBufferException(what + " at offset " + offset + " is not valid UTF-8", e);
        }
    }

    private static boolean isAscii(byte[] data, int offset, int length) {
        for (int i = offset, end = offset + length; i < end; i++) {
            if (data[i] < 0) {
                return false;
            }
        }
        return true;
    }
}
