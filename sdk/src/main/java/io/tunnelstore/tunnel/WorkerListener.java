package io.tunnelstore.tunnel;

import java.time.Duration;

/**
 * Observability hooks of a {@link TunnelWorker} (count them into your metrics library). All methods have empty
 * defaults. Contract: fast, never blocks, never calls back into the worker; exceptions are caught and logged.
 * Called on the worker's loop thread or on process threads.
 */
public interface WorkerListener {

    /** A listener that ignores everything. */
    WorkerListener NONE = new WorkerListener() {
    };

    /** How a channel left this worker. */
    enum CloseReason {
        /** Handed back gracefully (server asked, CLOSING) after a final checkpoint. */
        RELEASED,
        /** Handed back after a failure (read error, callback failure, start failure). */
        FAILED,
        /** Taken away without handshake (revoked, session expired, stuck in CLOSING). */
        LOST,
        /** Fully consumed; {@code finished} committed. */
        FINISHED,
        /** The worker shut down. */
        SHUTDOWN
    }

    /** A session started. */
    default void connected(String tunnelId, String clientId) {
    }

    /** The session ended by server or local heartbeat timeout; the worker reconnects with a new client id. */
    default void sessionExpired(String tunnelId, String clientId, String reason) {
    }

    /** A heartbeat failed (transient). */
    default void heartbeatFailed(String tunnelId, Throwable error) {
    }

    /** A channel started consuming on this worker. */
    default void channelOpened(String channelId) {
    }

    /** A channel left this worker. */
    default void channelClosed(String channelId, CloseReason reason) {
    }

    /** A batch was processed successfully. */
    default void batchProcessed(String channelId, int records, Duration elapsed) {
    }

    /** A batch callback threw. */
    default void batchFailed(String channelId, Throwable error) {
    }

    /** A checkpoint was committed. */
    default void checkpointCommitted(String channelId, String token, long sequence) {
    }

    /** A checkpoint was not committed (it is retried at the next interval, unless the channel ended). */
    default void checkpointFailed(String channelId, Throwable error) {
    }

    /** The worker stopped; {@code cause} is null for a requested stop. */
    default void workerStopped(String tunnelId, Throwable cause) {
    }
}
