package io.tunnelstore.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunnelstore.client.ClientTransportException;
import io.tunnelstore.client.TablestoreException;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class FuturesTest {

    @Test
    void returnsTheValue() {
        assertThat(Futures.await(CompletableFuture.completedFuture("v"), "x")).isEqualTo("v");
    }

    @Test
    void rethrowsTheOriginalUncheckedCause() {
        TablestoreException cause = new TablestoreException("OTSServerBusy", "m", "r", 503, true, null);
        assertThatThrownBy(() -> Futures.await(CompletableFuture.failedFuture(new CompletionException(cause)), "x"))
                .isSameAs(cause);
    }

    @Test
    void wrapsCheckedCausesKeepingThem() {
        IOException io = new IOException("boom");
        assertThatThrownBy(() -> Futures.await(CompletableFuture.failedFuture(io), "GetRow"))
                .isInstanceOf(ClientTransportException.class).hasCause(io)
                .hasMessageContaining("GetRow failed");
    }

    @Test
    void interruptRestoresTheFlagCancelsAndKeepsTheCause() {
        CompletableFuture<String> never = new CompletableFuture<>();
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> Futures.await(never, "GetRow"))
                    .isInstanceOf(ClientTransportException.class)
                    .hasMessageContaining("interrupted while waiting for GetRow")
                    .hasCauseInstanceOf(InterruptedException.class);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
            assertThat(never.isCancelled()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }
}
