package io.tunnelstore.tunnel;

import java.util.List;

/**
 * User code that consumes one channel. Created by a {@link ChannelProcessorFactory} once per channel assignment.
 *
 * <h3>Lifecycle</h3>
 * <pre>
 *   onStart ──► process* ──► exactly one of: onLost | onChannelEnd | onShutdown
 * </pre>
 * <ul>
 *   <li>{@link #onStart} before any batch; if it throws, the channel is handed back and no other callback runs.</li>
 *   <li>{@link #process} once per non-empty batch, in channel order. Empty polls are not delivered.</li>
 *   <li>{@link #onLost}: the channel left this worker (rebalanced away, revoked, session expired, or released
 *       after a callback failure). The worker already committed what it could; <b>do not checkpoint</b>: another
 *       client may own the channel now.</li>
 *   <li>{@link #onChannelEnd}: all data of the channel was processed and the {@code finished} checkpoint is
 *       committed.</li>
 *   <li>{@link #onShutdown}: the worker is closing (explicitly or at JVM exit); the last processed position was
 *       committed just before.</li>
 * </ul>
 *
 * <h3>Threads</h3>
 * Callbacks run on the worker's process threads. For one channel, callbacks are never concurrent and
 * each happens-before the next. Different channels run in parallel, so a processor shared by channels must be
 * thread-safe.
 *
 * <h3>Failures</h3>
 * An exception from {@link #process} is handled by the configured {@link CallbackFailurePolicy} (default:
 * release the channel; it resumes from the last checkpoint, possibly on another client). Exceptions from the
 * ending callbacks are logged and otherwise ignored.
 */
public interface ChannelProcessor {

    /** Called once before the first batch. */
    default void onStart(ChannelContext context) throws Exception {
    }

    /**
     * Processes one batch. Delivery is at-least-once: after a crash or a failed release, records since the last
     * checkpoint are delivered again (use {@link StreamRecord#sequenceInfo()} to de-duplicate).
     *
     * @param context  channel context; {@link ChannelContext#nextToken()} is the position after this batch
     * @param records  non-empty, unmodifiable, in channel order
     */
    void process(ChannelContext context, List<StreamRecord> records) throws Exception;

    /**
     * A re-baseline of this stream channel begins (Tunnelstore extension, see {@link ResyncMarker}): the next
     * batches hold the current rows of {@code marker}'s key range, up to {@link #onResyncEnd}. Called in channel
     * order, before the batch that carries the first rows; an exception is handled like one from {@link #process}.
     */
    default void onResyncBegin(ChannelContext context, ResyncMarker marker) throws Exception {
    }

    /**
     * The re-baseline ends: every row of the range was delivered since {@link #onResyncBegin}; keys of the range
     * not delivered in between no longer exist. Called after the batch with the last rows.
     */
    default void onResyncEnd(ChannelContext context, ResyncMarker marker) throws Exception {
    }

    /** The channel left this worker; do not checkpoint. */
    default void onLost(ChannelContext context) {
    }

    /** The channel is fully consumed and its end is committed. */
    default void onChannelEnd(ChannelContext context) {
    }

    /** The worker is shutting down. */
    default void onShutdown(ChannelContext context) {
    }
}
