package io.tunnelstore.client;

/**
 * One channel changed (or, in a dry run, that would change) by a checkpoint-control operation.
 *
 * @param channelId channel id
 * @param before    the channel before, or {@code null} for a forked tunnel's new channel
 * @param after     the channel after the change (dry run: what it would be)
 */
public record CheckpointChange(String channelId, ChannelCheckpoint before, ChannelCheckpoint after) {
}
