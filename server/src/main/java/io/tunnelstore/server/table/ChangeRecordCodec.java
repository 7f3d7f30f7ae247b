package io.tunnelstore.server.table;

import io.tunnelstore.protocol.model.PlainRow;
import io.tunnelstore.protocol.model.SequenceInfo;
import io.tunnelstore.protocol.pb.TableProtos.ActionType;
import io.tunnelstore.protocol.plainbuffer.PlainBufferCodec;
import io.tunnelstore.protocol.plainbuffer.PlainBufferException;
import io.tunnelstore.storage.LogRecord;
import java.nio.ByteBuffer;

/**
 * Payload format of change-log records ({@link io.tunnelstore.storage.LogRecord#payload()}) and conversion to the
 * wire {@code record}/{@code origin_record} bytes of GetStreamRecord and tunnel ReadRecords.
 *
 * <p>Payload layout (big-endian): {@code byte format (1)}, {@code byte action type (PUT_ROW=1, UPDATE_ROW=2,
 * DELETE_ROW=3)}, {@code int64 commit time in µs}, {@code int32 n} + n bytes PlainBuffer row (header + 1 row,
 * stream-record form), {@code int32 m} + m bytes PlainBuffer origin row ({@code m = 0}: none).
 *
 * <p>Stateless and thread-safe. Used by the table module (writer) and the stream and tunnel services (readers).
 */
public final class ChangeRecordCodec {

    private static final byte FORMAT = 1;
    /** Epoch of every sequence info we emit (a single-writer log never changes epoch). */
    public static final int EPOCH = 0;

    private ChangeRecordCodec() {}

    /** Serializes a record into a change-log payload. */
    public static byte[] encode(ChangeRecord record) {
        byte[] row = PlainBufferCodec.encodeRow(record.row());
        byte[] origin = record.originRow() == null ? new byte[0] : PlainBufferCodec.encodeRow(record.originRow());
        return ByteBuffer.allocate(1 + 1 + 8 + 4 + row.length + 4 + origin.length)
                .put(FORMAT)
                .put((byte) record.actionType().getNumber())
                .putLong(record.commitTimeMicros())
                .putInt(row.length)
                .put(row)
                .putInt(origin.length)
                .put(origin)
                .array();
    }

    /**
     * Parses a change-log payload.
     *
     * @throws IllegalArgumentException when the payload is not a change record (corrupt log)
     */
    public static ChangeRecord decode(byte[] payload) {
        try {
            ByteBuffer in = ByteBuffer.wrap(payload);
            byte format = in.get();
            if (format != FORMAT) {
                throw new IllegalArgumentException("unknown change record format " + format);
            }
            ActionType type = ActionType.forNumber(in.get());
            if (type == null) {
                throw new IllegalArgumentException("unknown change record action type");
            }
            long commitMicros = in.getLong();
            PlainRow row = PlainBufferCodec.decodeSingleRow(readBytes(in));
            byte[] originBytes = readBytes(in);
            PlainRow origin = originBytes.length == 0 ? null : PlainBufferCodec.decodeSingleRow(originBytes);
            if (in.hasRemaining()) {
                throw new IllegalArgumentException("trailing bytes after change record");
            }
            return new ChangeRecord(type, row, origin, commitMicros);
        } catch (java.nio.BufferUnderflowException | PlainBufferException e) {
            throw new IllegalArgumentException("corrupt change record: " + e.getMessage(), e);
        }
    }

    /**
     * The wire {@code record} bytes: the row with the sequence-info extension
     * {@code (epoch 0, commit time µs, row index 0)}.
     */
    public static byte[] wireRecord(ChangeRecord record) {
        return wireRecord(record, new SequenceInfo(EPOCH, record.commitTimeMicros(), 0));
    }

    /**
     * The wire {@code record} bytes of a stored log record: its payload's row with the sequence-info extension
     * {@code (epoch 0, the storage commit time µs, row index 0)}. The storage commit time never decreases, so sequence
     * infos never go backwards in commit order (records of one commit microsecond share a sequence info).
     *
     * @throws IllegalArgumentException when the payload is not a change record
     */
    public static byte[] wireRecord(LogRecord logRecord) {
        return wireRecord(decode(logRecord.payload()), new SequenceInfo(EPOCH, logRecord.commitTimeMicros(), 0));
    }

    /** The wire {@code record} bytes with an explicit sequence info. */
    public static byte[] wireRecord(ChangeRecord record, SequenceInfo sequence) {
        return PlainBufferCodec.encodeRow(record.row().withSequenceInfo(sequence));
    }

    /** The wire {@code origin_record} bytes, or null when the record has no origin row. */
    public static byte[] wireOriginRecord(ChangeRecord record) {
        return record.originRow() == null ? null : PlainBufferCodec.encodeRow(record.originRow());
    }

    private static byte[] readBytes(ByteBuffer in) {
        int n = in.getInt();
        if (n < 0 || n > in.remaining()) {
            throw new IllegalArgumentException("bad length " + n + " in change record");
        }
        byte[] b = new byte[n];
        in.get(b);
        return b;
    }
}
