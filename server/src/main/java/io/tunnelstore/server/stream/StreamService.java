package io.tunnelstore.server.stream;

import io.tunnelstore.protocol.pb.TableProtos.DescribeStreamRequest;
import io.tunnelstore.protocol.pb.TableProtos.DescribeStreamResponse;
import io.tunnelstore.protocol.pb.TableProtos.GetShardIteratorRequest;
import io.tunnelstore.protocol.pb.TableProtos.GetShardIteratorResponse;
import io.tunnelstore.protocol.pb.TableProtos.ListStreamRequest;
import io.tunnelstore.protocol.pb.TableProtos.ListStreamResponse;
import io.tunnelstore.protocol.pb.TableProtos.Stream;
import io.tunnelstore.protocol.pb.TableProtos.StreamShard;
import io.tunnelstore.protocol.pb.TableProtos.StreamStatus;
import io.tunnelstore.server.table.Partition;
import io.tunnelstore.storage.StorageEngine;
import java.util.List;
import java.util.Objects;

/**
 * ListStream, DescribeStream and GetShardIterator (PROTOCOL.md §4.2).
 *
 * <ul>
 *   <li>{@code creation_time} is the time the stream was enabled, in <b>microseconds</b> since the epoch (the same
 *       value as DescribeTable's {@code stream_details.last_enable_time});</li>
 *   <li>{@code expiration_time} is the retention in hours;</li>
 *   <li>one shard per table partition, id {@link ShardIds}, plus the closed shards of split partitions (readable
 *       until trimmed); a split's two children carry the split partition's shard as {@code parent_id}.
 *       {@code parent_sibling_id} is the second parent of a merge, which the server never does, so it stays unset
 *       (setting it to the other child would make readers wait for a sibling that never finishes first);</li>
 *   <li>a GetShardIterator {@code timestamp} is in microseconds: the iterator starts at the first record committed at
 *       or after it; without one it starts at the oldest retained record of the stream.</li>
 * </ul>
 *
 * <p>Thread-safe; blocks on storage I/O.
 */
final class StreamService {

    private final StreamLocator locator;
    private final StorageEngine storage;
    private final ShardPositions positions;

    StreamService(StreamLocator locator, StorageEngine storage) {
        this.locator = Objects.requireNonNull(locator, "locator");
        this.storage = Objects.requireNonNull(storage, "storage");
        this.positions = new ShardPositions(storage);
    }

    /**
     * The enabled streams of the instance, or of one table when {@code table_name} is set (empty when its stream is
     * disabled).
     *
     * @throws io.tunnelstore.protocol.errors.OtsException OTSObjectNotExist when the named table does not exist
     */
    ListStreamResponse listStream(String instance, ListStreamRequest request) {
        List<LocatedStream> streams = request.hasTableName() && !request.getTableName().isEmpty()
                ? locator.enabledOf(instance, request.getTableName())
                : locator.enabled(instance);
        ListStreamResponse.Builder response = ListStreamResponse.newBuilder();
        for (LocatedStream s : streams) {
            response.addStreams(Stream.newBuilder()
                    .setStreamId(s.streamId())
                    .setTableName(s.table().tableName())
                    .setCreationTime(s.enabledAtMicros()));
        }
        return response.build();
    }

    /**
     * The stream and a page of its shards: from {@code inclusive_start_shard_id} (the first shard when absent), at
     * most {@code shard_limit} of them (all when absent), {@code next_shard_id} set when more follow.
     *
     * @throws io.tunnelstore.protocol.errors.OtsException OTSObjectNotExist for an unknown stream;
     *     OTSParameterInvalid for a malformed start shard id or a limit below 1
     */
    DescribeStreamResponse describeStream(String instance, DescribeStreamRequest request) {
        LocatedStream stream = locator.require(instance, request.getStreamId());
        long start = request.hasInclusiveStartShardId() && !request.getInclusiveStartShardId().isEmpty()
                ? ShardIds.parse(request.getInclusiveStartShardId()) : Long.MIN_VALUE;
        int limit = Integer.MAX_VALUE;
        if (request.hasShardLimit()) {
            if (request.getShardLimit() < 1) {
                throw StreamErrors.invalid("shard_limit must be at least 1, got %d.", request.getShardLimit());
            }
            limit = request.getShardLimit();
        }
        List<Partition> shards = stream.shards().stream().filter(p -> p.shardId() >= start).toList();
        DescribeStreamResponse.Builder response = DescribeStreamResponse.newBuilder()
                .setStreamId(stream.streamId())
                .setExpirationTime(stream.table().stream().expirationHours())
                .setTableName(stream.table().tableName())
                .setCreationTime(stream.enabledAtMicros())
                .setStreamStatus(StreamStatus.STREAM_ACTIVE);
        for (Partition p : shards.subList(0, Math.min(limit, shards.size()))) {
            StreamShard.Builder shard = StreamShard.newBuilder().setShardId(ShardIds.format(p.shardId()));
            if (p.parentShardId() != Partition.NO_SHARD) {
                shard.setParentId(ShardIds.format(p.parentShardId()));
            }
            if (p.parentSiblingShardId() != Partition.NO_SHARD) {
                shard.setParentSiblingId(ShardIds.format(p.parentSiblingShardId()));
            }
            response.addShards(shard);
        }
        if (shards.size() > limit) {
            response.setNextShardId(ShardIds.format(shards.get(limit).shardId()));
        }
        return response.build();
    }

    /**
     * An iterator at the first record of the shard committed at or after {@code timestamp} (µs) and not before the
     * stream was enabled.
     *
     * @throws io.tunnelstore.protocol.errors.OtsException OTSObjectNotExist for an unknown stream or shard;
     *     OTSParameterInvalid for a malformed shard id or a negative timestamp
     */
    GetShardIteratorResponse getShardIterator(String instance, GetShardIteratorRequest request) {
        LocatedStream stream = locator.require(instance, request.getStreamId());
        long shardId = ShardIds.parse(request.getShardId());
        if (stream.shard(shardId).isEmpty()) {
            throw StreamErrors.shardNotFound(request.getStreamId(), request.getShardId());
        }
        long notBefore = stream.enabledAtMicros();
        if (request.hasTimestamp()) {
            if (request.getTimestamp() < 0) {
                throw StreamErrors.invalid("timestamp must not be negative, got %d.", request.getTimestamp());
            }
            notBefore = Math.max(notBefore, request.getTimestamp());
        }
        ShardIterator unresolved = new ShardIterator(stream.table().tableId(), stream.streamId(), shardId, 0,
                notBefore);
        ShardIterator iterator = positions.resolve(unresolved,
                storage.logBounds(stream.table().tableId(), shardId));
        return GetShardIteratorResponse.newBuilder().setShardIterator(iterator.encode()).build();
    }
}
