package io.tunnelstore.bench;

/**
 * Receives what a tunnel consumer delivered: one call per callback batch, on the consumer's process threads (possibly
 * concurrently for different channels). Implementations must be thread-safe and fast.
 */
@FunctionalInterface
interface DeliverySink {
    /**
     * @param channelId the channel the batch came from
     * @param ids       the {@code id} primary-key values of the batch's records, in order
     * @param nanos     {@link System#nanoTime()} when the callback started
     */
    void batch(String channelId, long[] ids, long nanos);

    /** The same, with the stage times of the read that fetched the batch (our worker when tracing), else null. */
    default void batch(String channelId, long[] ids, long nanos, io.tunnelstore.tunnel.ReadTiming timing) {
        batch(channelId, ids, nanos);
    }
}
