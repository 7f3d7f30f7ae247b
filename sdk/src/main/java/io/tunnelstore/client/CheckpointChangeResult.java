package io.tunnelstore.client;

import java.util.List;

/**
 * The answer of a checkpoint-control change ({@link AdminClient#setCheckpoint}, rewind, reset, fork, import).
 *
 * @param tunnelId   the changed tunnel (a fork: the new tunnel; a dry-run fork: {@code ""})
 * @param tunnelName its name
 * @param dryRun     nothing was changed: {@link #changes()} is what would change
 * @param changes    the channels whose checkpoint changes
 * @param skipped    {@code "<channel>: <why>"} for channels left alone (e.g. TERMINATED)
 */
public record CheckpointChangeResult(String tunnelId, String tunnelName, boolean dryRun,
                                     List<CheckpointChange> changes, List<String> skipped) {
    public CheckpointChangeResult {
        changes = List.copyOf(changes);
        skipped = List.copyOf(skipped);
    }
}
