package io.tunnelstore.client.internal;

import io.tunnelstore.client.ClientTransportException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Sync-over-async glue for the public sync methods (STYLE.md §8 item 7). */
public final class Futures {

    private Futures() {
    }

    /**
     * Waits for {@code future} and returns its value. The original cause is rethrown as is when it is
     * unchecked (a {@link io.tunnelstore.client.TablestoreException}, {@link IllegalArgumentException}, …);
     * an interrupt restores the thread's interrupt flag, cancels the future and throws a
     * {@link ClientTransportException} carrying the {@link InterruptedException}.
     */
    public static <T> T await(CompletableFuture<T> future, String what) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(true);
            throw new ClientTransportException("interrupted while waiting for " + what, null, 0, false, false, e);
        } catch (ExecutionException e) {
            throw rethrowable(e.getCause(), what);
        } catch (CancellationException e) {
            throw new ClientTransportException(what + " was cancelled", null, 0, false, false, e);
        }
    }

    /** {@code t} itself if unchecked, else wrapped; {@link CompletionException} layers are removed. */
    public static RuntimeException rethrowable(Throwable t, String what) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof RuntimeException re) {
            return re;
        }
        if (t instanceof Error err) {
            throw err;
        }
        return new ClientTransportException(what + " failed: " + t, null, 0, false, false, t);
    }
}
