/**
 * The change stream API (ListStream, DescribeStream, GetShardIterator, GetStreamRecord) and
 * ComputeSplitPointsBySize, served by {@link io.tunnelstore.server.stream.StreamModule}.
 *
 * <p>A table's stream is its change log as written by the table module: one shard per partition, records in commit
 * order with dense sequence numbers. Shard iterators are opaque positions in that log
 * ({@link io.tunnelstore.server.stream.ShardIterator}); the server keeps no reader state.
 */
package io.tunnelstore.server.stream;
