package io.tunnelstore.server.stream;

/**
 * The wire form of stream shard ids: the decimal number of the table's change-log shard
 * ({@link io.tunnelstore.server.table.Partition#shardId()}), e.g. {@code "1"}. Shard ids are compared numerically, so
 * DescribeStream paging ({@code inclusive_start_shard_id}) works even with an id that is no longer a shard, and
 * shards created later (higher numbers, e.g. children of a split) are listed after their parents. Stateless.
 */
final class ShardIds {

    private ShardIds() {}

    static String format(long shardId) {
        return Long.toString(shardId);
    }

    /**
     * The shard number of a wire id.
     *
     * @throws io.tunnelstore.protocol.errors.OtsException OTSParameterInvalid when the id is not a shard id
     */
    static long parse(String shardId) {
        if (shardId.isEmpty() || shardId.length() > 19 || !shardId.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw StreamErrors.invalid("Invalid shard id: '%s'.", shardId);
        }
        try {
            return Long.parseLong(shardId);
        } catch (NumberFormatException e) {
            throw StreamErrors.invalid("Invalid shard id: '%s'.", shardId);
        }
    }
}
