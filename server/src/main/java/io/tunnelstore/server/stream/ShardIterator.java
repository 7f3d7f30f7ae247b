package io.tunnelstore.server.stream;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * A position in one shard of one stream, as handed to clients in {@code shard_iterator} and
 * {@code next_shard_iterator}.
 *
 * <p>A position is either <em>resolved</em> ({@code nextSequence >= 1}: the change-log sequence number of the next
 * record to return; sequence numbers are dense, so a gap before the oldest retained record means data was trimmed)
 * or <em>unresolved</em> ({@code nextSequence == 0}: "the first record committed at or after
 * {@code notBeforeMicros}"), which is what an iterator is while no retained record was committed at or after that
 * time (an empty shard, or a time after the last record): the storage engine does not say which sequence number the
 * next record of an empty shard gets, so pinning one would be a guess.
 *
 * <p>Wire form: URL-safe Base64 (no padding) of {@code byte version (1), int64 tableId, int64 shardId,
 * int64 nextSequence, int64 notBeforeMicros, int16 n + n bytes UTF-8 stream id, int32 CRC-32C of the preceding
 * bytes}. Clients treat it as opaque; the checksum turns a garbled iterator into a clear error.
 *
 * <p>Immutable.
 *
 * @param tableId         id of the stream's table
 * @param streamId        id of the stream (a table gets a new stream id every time its stream is re-enabled)
 * @param shardId         change-log shard
 * @param nextSequence    next record to return, or 0 when unresolved
 * @param notBeforeMicros records committed before this time (µs since the epoch) are not part of the position:
 *                        the stream's enable time or the GetShardIterator timestamp
 */
record ShardIterator(long tableId, String streamId, long shardId, long nextSequence, long notBeforeMicros) {

    private static final byte VERSION = 1;

    ShardIterator {
        Objects.requireNonNull(streamId, "streamId");
        if (nextSequence < 0) {
            throw new IllegalArgumentException("nextSequence must be >= 0: " + nextSequence);
        }
    }

    boolean resolved() {
        return nextSequence > 0;
    }

    /** The same stream and shard at {@code sequence}. */
    ShardIterator at(long sequence) {
        return new ShardIterator(tableId, streamId, shardId, sequence, notBeforeMicros);
    }

    /** The opaque wire string. */
    String encode() {
        byte[] stream = streamId.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(1 + 8 * 4 + 2 + stream.length + 4);
        out.put(VERSION).putLong(tableId).putLong(shardId).putLong(nextSequence).putLong(notBeforeMicros)
                .putShort((short) stream.length).put(stream);
        out.putInt(crc(out.array(), out.position()));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(out.array());
    }

    /**
     * Parses a wire string made by {@link #encode()}.
     *
     * @throws io.tunnelstore.protocol.errors.OtsException OTSParameterInvalid when it is not such a string
     */
    static ShardIterator decode(String text) {
        try {
            byte[] bytes = Base64.getUrlDecoder().decode(text);
            ByteBuffer in = ByteBuffer.wrap(bytes);
            if (in.get() != VERSION) {
                throw invalid();
            }
            long tableId = in.getLong();
            long shardId = in.getLong();
            long nextSequence = in.getLong();
            long notBefore = in.getLong();
            int n = in.getShort() & 0xFFFF;
            byte[] stream = new byte[n];
            in.get(stream);
            int checked = in.position();
            if (in.getInt() != crc(bytes, checked) || in.hasRemaining() || nextSequence < 0) {
                throw invalid();
            }
            return new ShardIterator(tableId, new String(stream, StandardCharsets.UTF_8), shardId, nextSequence,
                    notBefore);
        } catch (IllegalArgumentException | BufferUnderflowException e) {
            throw invalid();
        }
    }

    private static io.tunnelstore.protocol.errors.OtsException invalid() {
        return StreamErrors.invalid("Invalid shard iterator.");
    }

    private static int crc(byte[] bytes, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, length);
        return (int) crc.getValue();
    }
}
