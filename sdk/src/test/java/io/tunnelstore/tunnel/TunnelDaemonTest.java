package io.tunnelstore.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.tunnelstore.protocol.errors.ErrorCode;
import io.tunnelstore.tunnel.internal.ExecutorWorkerScheduler;
import io.tunnelstore.client.internal.ExponentialBackoff;
import io.tunnelstore.tunnel.internal.CoordinatorTunnelServer;
import io.tunnelstore.tunnel.internal.CoordinatorTunnelServer.Op;
import io.tunnelstore.tunnel.internal.TunnelRpcException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Restart on transient failures with back-off, exit on fatal ones, close from another thread. */
class TunnelDaemonTest {
    private final CoordinatorTunnelServer server = new CoordinatorTunnelServer("t1", () -> System.nanoTime() / 1_000_000);
    private final List<Long> sleeps = new CopyOnWriteArrayList<>();
    private final CountDownLatch connected = new CountDownLatch(1);
    private final TunnelWorkerConfig config = TunnelWorkerConfig.builder()
            .heartbeatInterval(Duration.ofSeconds(5)).heartbeatTimeout(Duration.ofSeconds(30))
            .clientTag("d").closeOnJvmExit(false).processThreads(1).readThreads(1)
            .processorFactory(SimpleProcessorFactory.of(null, (c, r) -> { }))
            .listener(new WorkerListener() {
                @Override
                public void connected(String tunnelId, String clientId) {
                    connected.countDown();
                }
            })
            .build();

    private TunnelDaemon daemon() {
        return new TunnelDaemon(() -> new TunnelWorker(server, "t1", config, new ExecutorWorkerScheduler("t1"), null),
                new ExponentialBackoff(1_000, 2, 60_000, 0), millis -> {
                    sleeps.add(millis);
                    return true;
                });
    }

    @Test
    void transientFailuresRestartWithBackoffUntilAFatalOneEndsRun() {
        server.failNext(Op.CONNECT, ErrorCode.TUNNEL_SERVER_UNAVAILABLE);
        server.dropNext(Op.CONNECT);
        server.failNext(Op.CONNECT, ErrorCode.AUTH_FAILED);
        server.failNext(Op.CONNECT, ErrorCode.TUNNEL_EXPIRED);
        Throwable t = catchThrowable(daemon()::run);
        assertThat(t).isInstanceOf(TunnelWorkerException.class);
        assertThat(((TunnelWorkerException) t).errorCode()).isEqualTo("OTSTunnelExpired");
        assertThat(((TunnelWorkerException) t).isFatal()).isTrue();
        assertThat(sleeps).containsExactly(1_000L, 2_000L, 4_000L);
        assertThat(server.calls(Op.CONNECT)).isEqualTo(4);
    }

    @Test
    void permissionDeniedEndsRunAfterOneAttempt() {
        server.failNext(Op.CONNECT, ErrorCode.PERMISSION_DENIED);
        Throwable t = catchThrowable(daemon()::run);
        assertThat(((TunnelWorkerException) t).errorCode()).isEqualTo("OTSPermissionDenied");
        assertThat(sleeps).isEmpty();
    }

    @Test
    void closeFromAnotherThreadStopsTheWorkerAndRunReturns() throws Exception {
        server.addStreamChannel("c1");
        TunnelDaemon d = daemon();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread runner = new Thread(() -> {
            try {
                d.run();
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        runner.start();
        assertThat(connected.await(10, TimeUnit.SECONDS)).isTrue();
        d.close();
        runner.join(10_000);
        assertThat(runner.isAlive()).isFalse();
        assertThat(failure.get()).isNull();
        assertThat(server.calls(Op.SHUTDOWN)).isEqualTo(1);
        assertThat(server.connectedClients()).isEmpty();
        assertThat(sleeps).isEmpty();
    }

    @Test
    void closeWithTimeoutForcesAStopWhileACallbackHangs() throws Exception {
        server.addStreamChannel("c1");
        server.append("c1", 1);
        CountDownLatch inCallback = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        TunnelWorkerConfig hanging = TunnelWorkerConfig.builder()
                .heartbeatInterval(Duration.ofSeconds(5)).heartbeatTimeout(Duration.ofSeconds(30))
                .clientTag("d").closeOnJvmExit(false).processThreads(1).readThreads(1)
                .processorFactory(SimpleProcessorFactory.of(null, (c, r) -> {
                    inCallback.countDown();
                    release.await();
                }))
                .build();
        TunnelDaemon d = new TunnelDaemon(
                () -> new TunnelWorker(server, "t1", hanging, new ExecutorWorkerScheduler("t1"), null),
                new ExponentialBackoff(1_000, 2, 60_000, 0), millis -> true);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread runner = new Thread(() -> {
            try {
                d.run();
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        runner.start();
        try {
            assertThat(inCallback.await(10, TimeUnit.SECONDS)).isTrue();
            long t0 = System.nanoTime();
            d.close(Duration.ofMillis(300));
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
            runner.join(10_000);
            assertThat(runner.isAlive()).isFalse();
            assertThat(failure.get()).isNull();
            assertThat(server.calls(Op.SHUTDOWN)).isEqualTo(1);
            assertThat(server.connectedClients()).isEmpty();
        } finally {
            release.countDown();
        }
    }
}
