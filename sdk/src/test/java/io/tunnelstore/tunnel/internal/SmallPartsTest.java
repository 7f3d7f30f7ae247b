package io.tunnelstore.tunnel.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** Back-offs, the parallelism limiter, token classification, the exit registry, error unwrapping. */
class SmallPartsTest {

    @Test
    void idleBackoffDoublesFromTenMillisToTheCapAndResets() {
        IdleBackoff b = new IdleBackoff(500);
        List<Long> delays = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            delays.add(b.nextDelayMillis());
        }
        assertThat(delays).containsExactly(10L, 20L, 40L, 80L, 160L, 320L, 500L, 500L, 500L);
        b.reset();
        assertThat(b.nextDelayMillis()).isEqualTo(10L);
        assertThatThrownBy(() -> new IdleBackoff(5)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void exponentialBackoffWithoutJitterIsExactAndCapped() {
        ExponentialBackoff b = new ExponentialBackoff(1_000, 2, 60_000, 0);
        assertThat(List.of(b.delayMillis(0), b.delayMillis(1), b.delayMillis(5), b.delayMillis(6),
                b.delayMillis(30))).containsExactly(1_000L, 2_000L, 32_000L, 60_000L, 60_000L);
        ExponentialBackoff j = new ExponentialBackoff(1_000, 2, 60_000, 0.2);
        for (int i = 0; i < 100; i++) {
            assertThat(j.delayMillis(1)).isBetween(1_600L, 2_400L);
        }
    }

    @Test
    void limiterHandsPermitsToWaitersInOrder() {
        ParallelismLimiter l = new ParallelismLimiter(2);
        List<String> woken = new ArrayList<>();
        Runnable a = () -> woken.add("a");
        Runnable b = () -> woken.add("b");
        assertThat(l.tryAcquire(a)).isTrue();
        assertThat(l.tryAcquire(a)).isTrue();
        assertThat(l.tryAcquire(a)).isFalse();
        assertThat(l.tryAcquire(b)).isFalse();
        assertThat(l.tryAcquire(a)).isFalse();  // registered once only
        l.release();
        assertThat(woken).containsExactly("a");
        assertThat(l.inUse()).isEqualTo(2);     // the permit went straight to a
        l.cancel(b);
        l.release();
        l.release();
        assertThat(woken).containsExactly("a");
        assertThat(l.inUse()).isZero();
        assertThatThrownBy(l::release).isInstanceOf(IllegalStateException.class);
        ParallelismLimiter unlimited = new ParallelismLimiter(0);
        for (int i = 0; i < 1000; i++) {
            assertThat(unlimited.tryAcquire(a)).isTrue();
        }
    }

    @Test
    void streamTokensAreRecognisedByTheirIterator() {
        assertThat(StreamTokens.isStream(FakeTunnelServer.token(true, 5))).isTrue();
        assertThat(StreamTokens.isStream(FakeTunnelServer.token(false, 5))).isFalse();
        assertThat(StreamTokens.isStream("not base64 at all!")).isTrue();  // unknown: back off rather than spin
        assertThat(StreamTokens.isStream("")).isTrue();
    }

    @Test
    void registryInstallsOneHookAndClosesEachLiveWorkerOnce() {
        List<Thread> hooks = new ArrayList<>();
        WorkerRegistry r = new WorkerRegistry(hooks::add, Duration.ofSeconds(1));
        List<String> closed = new ArrayList<>();
        WorkerRegistry.Closeable w1 = t -> closed.add("w1");
        WorkerRegistry.Closeable w2 = t -> closed.add("w2");
        WorkerRegistry.Closeable w3 = t -> closed.add("w3");
        assertThat(r.register(w1)).isTrue();
        assertThat(r.register(w2)).isTrue();
        assertThat(r.register(w3)).isTrue();
        r.deregister(w3);
        assertThat(hooks).hasSize(1);
        assertThat(r.size()).isEqualTo(2);
        hooks.get(0).run();  // what the JVM does at exit
        assertThat(closed).containsExactly("w1", "w2");
        r.closeAll();
        assertThat(closed).containsExactly("w1", "w2");
        assertThat(r.register(w3)).isFalse();  // exiting: no new workers
    }

    @Test
    void rpcExceptionsAreUnwrappedAndClassified() {
        TunnelRpcException gone = new TunnelRpcException(TunnelRpcException.RESOURCE_GONE, "x");
        assertThat(TunnelRpcException.from(new CompletionException(gone))).isSameAs(gone);
        TunnelRpcException other = TunnelRpcException.from(new IllegalStateException("boom"));
        assertThat(other.errorCode()).isEqualTo(TunnelRpcException.TRANSPORT_ERROR);
        assertThat(other.getCause()).isInstanceOf(IllegalStateException.class);
        assertThat(List.of("OTSTunnelExpired", "OTSParameterInvalid", "OTSPermissionDenied", "OTSObjectNotExist"))
                .allMatch(TunnelRpcException::isFatalCode);
        assertThat(List.of("OTSResourceGone", "OTSTunnelServerUnavailable", "OTSSequenceNumberNotMatch",
                "OTSClientError")).noneMatch(TunnelRpcException::isFatalCode);
    }
}
