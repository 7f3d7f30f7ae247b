package io.tunnelstore.tunnel;

import java.util.concurrent.CompletableFuture;

/**
 * Commits a channel's position on demand, in addition to the worker's automatic checkpoints (every
 * {@link TunnelWorkerConfig#checkpointInterval()}, at channel end, on release and on shutdown).
 *
 * <p>Thread-safe; may be called from inside {@link ChannelProcessor#process} (then the batch being processed is
 * declared done) or later. Never blocks: the returned future completes when the server accepted the checkpoint,
 * or exceptionally with {@link TunnelWorkerException} (for example when the channel has been released, or the
 * sequence number could not be re-synchronised). Do not {@code join()} it inside a callback of a worker that runs
 * on a single-threaded executor.
 */
public interface Checkpointer {

    /** Commits the position after the most recent batch handed to {@code process} for this channel. */
    CompletableFuture<Void> checkpoint();
}
