package io.tunnelstore.client.internal;

import io.tunnelstore.client.ClientTransportException;
import io.tunnelstore.protocol.Action;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/** Applies a response conversion; a conversion failure means the server sent a malformed response. */
public final class ResponseMapping {

    private ResponseMapping() {
    }

    /**
     * {@code future} mapped by {@code conversion}; if the conversion throws, the result fails with a
     * {@link ClientTransportException} naming the action (not retried: the server answered, just wrongly).
     */
    public static <T, R> CompletableFuture<R> map(CompletableFuture<T> future, Action action,
                                                  Function<? super T, ? extends R> conversion) {
        CompletableFuture<R> out = new CompletableFuture<>();
        future.whenComplete((value, error) -> {
            if (error != null) {
                out.completeExceptionally(Futures.rethrowable(error, action.path()));
                return;
            }
            try {
                out.complete(conversion.apply(value));
            } catch (RuntimeException e) {
                out.completeExceptionally(new ClientTransportException(
                        action.path() + ": malformed response: " + e.getMessage(), null, 0, false, false, e));
            }
        });
        return out;
    }
}
