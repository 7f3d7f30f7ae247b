package io.tunnelstore.tunnel.internal;

import io.tunnelstore.tunnel.TunnelWorkerConfig;
import io.tunnelstore.tunnel.WorkerListener;
import java.util.concurrent.Executor;

/** What a {@link ChannelRunner} needs from its worker. Called on the worker loop only. */
interface RunnerHost {
    TunnelRpc rpc();

    WorkerScheduler loop();

    Executor readExecutor();

    Executor processExecutor();

    WorkerListener listener();

    TunnelWorkerConfig config();

    ParallelismLimiter limiter();

    String tunnelId();

    /** Session id the runner was created in. */
    String clientId();

    /** The runner reached a terminal state (the worker records CLOSE/TERMINATED reports). */
    void runnerEnded(ChannelRunner runner);
}
