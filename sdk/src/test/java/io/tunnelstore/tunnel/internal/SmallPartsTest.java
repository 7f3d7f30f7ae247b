package io.tunnelstore.tunnel.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunnelstore.protocol.errors.ErrorCode;
import io.tunnelstore.tunnel.WorkerListener;
import java.util.EnumSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** The idle back-off, the parallelism limiter, token classification, error unwrapping. */
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
        assertThat(StreamTokens.isStream(CoordinatorTunnelServer.token(true, 5))).isTrue();
        assertThat(StreamTokens.isStream(CoordinatorTunnelServer.token(false, 5))).isFalse();
        assertThat(StreamTokens.isStream("not base64 at all!")).isTrue();  // unknown: back off rather than spin
        assertThat(StreamTokens.isStream("")).isTrue();
    }

    @Test
    void rpcExceptionsAreUnwrappedAndTyped() {
        TunnelRpcException gone = new TunnelRpcException(ErrorCode.RESOURCE_GONE, "x");
        assertThat(TunnelRpcException.from(new CompletionException(gone))).isSameAs(gone);
        assertThat(gone.errorCode()).contains(ErrorCode.RESOURCE_GONE);
        assertThat(gone.wireCode()).isEqualTo("OTSResourceGone");
        TunnelRpcException other = TunnelRpcException.from(new IllegalStateException("boom"));
        assertThat(other).isInstanceOf(TunnelTransportException.class);
        assertThat(other.errorCode()).isEmpty();
        assertThat(other.wireCode()).isEqualTo("OTSClientError");
        assertThat(other.getCause()).isInstanceOf(IllegalStateException.class);
        assertThat(TunnelRpcException.forWireCode("OTSClientError", "m", null))
                .isInstanceOf(TunnelTransportException.class);
        TunnelRpcException unknown = TunnelRpcException.forWireCode("OTSSomethingNew", "m", null);
        assertThat(unknown.errorCode()).isEmpty();
        assertThat(unknown.wireCode()).isEqualTo("OTSSomethingNew");
        assertThat(unknown.isFatal()).isFalse();
        assertThat(EnumSet.allOf(ErrorCode.class)).filteredOn(c -> new TunnelRpcException(c, "m").isFatal())
                .containsExactlyInAnyOrder(ErrorCode.TUNNEL_EXPIRED, ErrorCode.PARAMETER_INVALID,
                        ErrorCode.PERMISSION_DENIED, ErrorCode.OBJECT_NOT_EXIST);
        assertThat(other.isFatal()).isFalse();
    }

    @Test
    void guardedListenerKeepsListenerExceptionsAwayFromTheWorker() {
        List<String> calls = new ArrayList<>();
        WorkerListener throwing = new WorkerListener() {
            @Override
            public void channelOpened(String channelId) {
                calls.add("opened:" + channelId);
                throw new IllegalStateException("listener bug");
            }

            @Override
            public void checkpointFailed(String channelId, Throwable error) {
                calls.add("checkpointFailed:" + channelId);
                throw new IllegalStateException("listener bug");
            }
        };
        WorkerListener guarded = GuardedListener.of(throwing);
        guarded.channelOpened("c1");
        guarded.checkpointFailed("c1", new RuntimeException("x"));
        guarded.workerStopped("t", null);  // default method: nothing to call, nothing thrown
        assertThat(calls).containsExactly("opened:c1", "checkpointFailed:c1");
        assertThat(GuardedListener.of(guarded)).isSameAs(guarded);  // never wrapped twice
    }
}
