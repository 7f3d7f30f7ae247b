package io.tunnelstore.tunnel.internal;

import io.tunnelstore.tunnel.TunnelWorkerConfig;
import io.tunnelstore.tunnel.WorkerListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A worker on fake time against {@link CoordinatorTunnelServer}: the loop, reads and callbacks all run on the test
 * thread inside {@link ManualScheduler#advance}. Defaults: heartbeat 5 s, timeout 30 s, checkpoints every 5 s.
 */
public final class WorkerHarness {
    public static final String TUNNEL = "t1";

    public final ManualScheduler time = new ManualScheduler();
    public final CoordinatorTunnelServer server = new CoordinatorTunnelServer(TUNNEL, time::nowMillis);
    public final RecordingProcessorFactory processors = new RecordingProcessorFactory();
    public final List<String> listenerEvents = new ArrayList<>();

    /** A listener that records events as text. */
    public final WorkerListener listener = new WorkerListener() {
        @Override
        public void connected(String tunnelId, String clientId) {
            add("connected:" + clientId);
        }

        @Override
        public void sessionExpired(String tunnelId, String clientId, String reason) {
            add("expired:" + clientId);
        }

        @Override
        public void channelOpened(String channelId) {
            add("opened:" + channelId);
        }

        @Override
        public void channelClosed(String channelId, CloseReason reason) {
            add("closed:" + channelId + ":" + reason);
        }

        @Override
        public void checkpointFailed(String channelId, Throwable error) {
            add("checkpointFailed:" + channelId);
        }

        @Override
        public void workerStopped(String tunnelId, Throwable cause) {
            add("stopped:" + (cause == null ? "ok" : "error"));
        }
    };

    private synchronized void add(String e) {
        listenerEvents.add(e);
    }

    public synchronized List<String> listenerEvents() {
        return List.copyOf(listenerEvents);
    }

    /** Base config for this harness (all executors = the fake loop). */
    public TunnelWorkerConfig.Builder configBuilder() {
        return TunnelWorkerConfig.builder()
                .heartbeatInterval(Duration.ofSeconds(5))
                .heartbeatTimeout(Duration.ofSeconds(30))
                .checkpointInterval(Duration.ofSeconds(5))
                .clientTag("test")
                .processorFactory(processors)
                .readExecutor(time)
                .processExecutor(time)
                .listener(listener)
                .closeOnJvmExit(false);
    }

    public WorkerEngine newWorker() {
        return newWorker(b -> b);
    }

    public WorkerEngine newWorker(UnaryOperator<TunnelWorkerConfig.Builder> customize) {
        return new WorkerEngine(server, TUNNEL, customize.apply(configBuilder()).build(), time, null);
    }

    /** Starts {@code w} and runs the connect + first heartbeat. */
    public WorkerEngine started(WorkerEngine w) {
        w.start();
        time.runUntilIdle();
        return w;
    }
}
