package io.tunnelstore.tunnel.internal;

import io.tunnelstore.tunnel.WorkerListener;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The user's {@link WorkerListener} with its contract enforced in one place: an exception thrown by a listener
 * method is logged (ERROR, with the throwable) and never reaches the worker. The worker wraps the configured
 * listener once and calls only this. Thread-safe if the wrapped listener is.
 */
final class GuardedListener implements WorkerListener {
    private static final Logger log = LoggerFactory.getLogger(GuardedListener.class);

    private final WorkerListener delegate;

    private GuardedListener(WorkerListener delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** {@code listener} guarded (returned as is when it already is). */
    static WorkerListener of(WorkerListener listener) {
        return listener instanceof GuardedListener ? listener : new GuardedListener(listener);
    }

    private void guard(String event, Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            log.error("WorkerListener.{} threw", event, e);
        }
    }

    @Override
    public void connected(String tunnelId, String clientId) {
        guard("connected", () -> delegate.connected(tunnelId, clientId));
    }

    @Override
    public void sessionExpired(String tunnelId, String clientId, String reason) {
        guard("sessionExpired", () -> delegate.sessionExpired(tunnelId, clientId, reason));
    }

    @Override
    public void heartbeatFailed(String tunnelId, Throwable error) {
        guard("heartbeatFailed", () -> delegate.heartbeatFailed(tunnelId, error));
    }

    @Override
    public void channelOpened(String channelId) {
        guard("channelOpened", () -> delegate.channelOpened(channelId));
    }

    @Override
    public void channelClosed(String channelId, CloseReason reason) {
        guard("channelClosed", () -> delegate.channelClosed(channelId, reason));
    }

    @Override
    public void batchProcessed(String channelId, int records, Duration elapsed) {
        guard("batchProcessed", () -> delegate.batchProcessed(channelId, records, elapsed));
    }

    @Override
    public void batchFailed(String channelId, Throwable error) {
        guard("batchFailed", () -> delegate.batchFailed(channelId, error));
    }

    @Override
    public void checkpointCommitted(String channelId, String token, long sequence) {
        guard("checkpointCommitted", () -> delegate.checkpointCommitted(channelId, token, sequence));
    }

    @Override
    public void checkpointFailed(String channelId, Throwable error) {
        guard("checkpointFailed", () -> delegate.checkpointFailed(channelId, error));
    }

    @Override
    public void workerStopped(String tunnelId, Throwable cause) {
        guard("workerStopped", () -> delegate.workerStopped(tunnelId, cause));
    }
}
