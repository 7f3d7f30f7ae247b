package io.tunnelstore.server.stream;

import com.google.protobuf.ByteString;
import io.tunnelstore.protocol.model.SequenceInfo;
import io.tunnelstore.protocol.pb.TableProtos.CapacityUnit;
import io.tunnelstore.protocol.pb.TableProtos.ConsumedCapacity;
import io.tunnelstore.protocol.pb.TableProtos.GetStreamRecordRequest;
import io.tunnelstore.protocol.pb.TableProtos.GetStreamRecordResponse;
import io.tunnelstore.protocol.pb.TableProtos.GetStreamRecordResponse.StreamRecord;
import io.tunnelstore.server.table.ChangeRecord;
import io.tunnelstore.server.table.ChangeRecordCodec;
import io.tunnelstore.storage.LogBounds;
import io.tunnelstore.storage.LogRecord;
import io.tunnelstore.storage.StorageEngine;
import java.util.List;
import java.util.Objects;

/**
 * GetStreamRecord: reads the change log of one shard from the position an iterator names (PROTOCOL.md §5.10).
 *
 * <p>Each record is {@code action_type}, {@code record} = the stream-form row with the sequence-info extension
 * {@code (epoch 0, commit time µs, row index = log sequence number)} and, when the table's stream keeps origin
 * columns and the change has previous values, {@code origin_record}. Commit times never decrease along a shard and
 * sequence numbers grow, so sequence infos strictly increase in shard order even when commits share a microsecond
 * (the row index is clamped to {@code Integer.MAX_VALUE}, beyond which only the timestamp orders them).
 *
 * <p>{@code next_shard_iterator} is the position after the returned records. It is always set for an open stream,
 * also when nothing new was there (the client polls with it again), and omitted only when the stream is closed
 * (disabled), or the shard was closed by a partition split, and the shard has been read to its end. {@code may_more_record} says whether more records were already
 * there.
 *
 * <p>An iterator whose next record was trimmed by retention fails with {@code OTSTrimmedDataAccess} (400); the client gets a new iterator with GetShardIterator. While a shard is
 * completely empty that cannot be told apart from "caught up", so the error then comes with the next record.
 *
 * <p>Thread-safe; blocks on storage I/O.
 */
final class StreamRecordReader {

    /** Records per call when the request sets no limit. */
    static final int DEFAULT_LIMIT = 100;
    /** Most records per call; larger limits are lowered to this. */
    static final int MAX_LIMIT = 1000;
    /** Payload bytes per call (at least one record is returned): keeps responses well below 4 MB. */
    static final long MAX_BYTES = 2L * 1024 * 1024;

    private final StreamLocator locator;
    private final StorageEngine storage;
    private final ShardPositions positions;

    StreamRecordReader(StreamLocator locator, StorageEngine storage) {
        this.locator = Objects.requireNonNull(locator, "locator");
        this.storage = Objects.requireNonNull(storage, "storage");
        this.positions = new ShardPositions(storage);
    }

    /**
     * Reads up to {@code limit} records at the iterator.
     *
     * @throws io.tunnelstore.protocol.errors.OtsException OTSParameterInvalid for a malformed iterator, a limit below 1
     *     or a {@code table_name} that is not the iterator's table; OTSObjectNotExist when the stream or shard no
     *     longer exists; OTSTrimmedDataAccess when the next record was trimmed
     */
    GetStreamRecordResponse getStreamRecord(String instance, GetStreamRecordRequest request) {
        int limit = limit(request);
        ShardIterator iterator = ShardIterator.decode(request.getShardIterator());
        LocatedStream stream = locator.require(instance, iterator);
        if (request.hasTableName() && !request.getTableName().isEmpty()
                && !request.getTableName().equals(stream.table().tableName())) {
            throw StreamErrors.invalid("The shard iterator belongs to table %s, not %s.",
                    stream.table().tableName(), request.getTableName());
        }
        String shardId = ShardIds.format(iterator.shardId());
        if (stream.shard(iterator.shardId()).isEmpty()) {
            throw StreamErrors.shardNotFound(stream.streamId(), shardId);
        }
        long tableId = iterator.tableId();
        LogBounds bounds = storage.logBounds(tableId, iterator.shardId());
        ShardIterator position = positions.resolve(iterator, bounds);

        GetStreamRecordResponse.Builder response = GetStreamRecordResponse.newBuilder();
        List<LogRecord> log = List.of();
        if (position.resolved()) {
            long trimmedThrough = storage.trimmedThrough(tableId, iterator.shardId());
            if (position.nextSequence() <= trimmedThrough) {
                throw StreamErrors.trimmed(shardId, position.nextSequence(), trimmedThrough + 1);
            }
            log = storage.readLog(tableId, iterator.shardId(), position.nextSequence(), limit, MAX_BYTES);
            if (!log.isEmpty() && log.get(0).sequence() != position.nextSequence()) {
                // trimmed between the bounds check and the read: sequences are dense, so this is a gap
                throw StreamErrors.trimmed(shardId, position.nextSequence(), log.get(0).sequence());
            }
        }
        boolean withOrigin = !stream.table().stream().originColumns().isEmpty();
        long bytes = 0;
        for (LogRecord entry : log) {
            response.addStreamRecords(toWire(entry, withOrigin));
            bytes += entry.payload().length;
        }
        ShardIterator next = log.isEmpty() ? position : position.at(log.get(log.size() - 1).sequence() + 1);
        LogBounds after = log.isEmpty() && !position.resolved() ? bounds : storage.logBounds(tableId,
                iterator.shardId());
        boolean more = next.resolved() && !after.isEmpty() && next.nextSequence() <= after.lastSequence();
        // a closed stream, or a shard closed by a partition split, gets no more records: read to its end = finished
        boolean finished = (!stream.open() || stream.shardClosed(iterator.shardId())) && !more;
        if (!finished) {
            response.setNextShardIterator(next.encode());
        }
        return response
                .setMayMoreRecord(more)
                .setConsumed(ConsumedCapacity.newBuilder().setCapacityUnit(
                        CapacityUnit.newBuilder().setRead(readUnits(bytes)).setWrite(0)))
                .build();
    }

    private static int limit(GetStreamRecordRequest request) {
        if (!request.hasLimit()) {
            return DEFAULT_LIMIT;
        }
        if (request.getLimit() < 1) {
            throw StreamErrors.invalid("limit must be at least 1, got %d.", request.getLimit());
        }
        return Math.min(request.getLimit(), MAX_LIMIT);
    }

    /** 1 read unit per started 4 KB, at least 1 (PROTOCOL.md §7). */
    private static int readUnits(long bytes) {
        return (int) Math.max(1, (bytes + 4095) / 4096);
    }

    private static StreamRecord toWire(LogRecord entry, boolean withOrigin) {
        ChangeRecord change = ChangeRecordCodec.decode(entry.payload());
        int rowIndex = (int) Math.min(Integer.MAX_VALUE, entry.sequence());
        byte[] row = ChangeRecordCodec.wireRecord(change,
                new SequenceInfo(ChangeRecordCodec.EPOCH, entry.commitTimeMicros(), rowIndex));
        StreamRecord.Builder wire = StreamRecord.newBuilder()
                .setActionType(change.actionType())
                .setRecord(ByteString.copyFrom(row));
        byte[] origin = withOrigin ? ChangeRecordCodec.wireOriginRecord(change) : null;
        if (origin != null) {
            wire.setOriginRecord(ByteString.copyFrom(origin));
        }
        return wire.build();
    }
}
