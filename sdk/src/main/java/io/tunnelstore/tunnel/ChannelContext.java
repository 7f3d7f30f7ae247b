package io.tunnelstore.tunnel;

import java.util.Objects;

/**
 * What a {@link ChannelProcessor} callback knows about its channel. A new instance is passed to every callback;
 * instances are immutable and thread-safe.
 *
 * @param tunnelId     the tunnel
 * @param clientId     this worker's current session id (changes after a reconnect)
 * @param channelId    the channel
 * @param traceId      id of the read that produced the batch ({@code null} outside {@code process})
 * @param nextToken    position after the batch being processed; {@code null} when this batch ends the channel
 *                     or outside {@code process}
 * @param customValue  the factory's custom value ({@link ChannelProcessorFactory#customValue()}), may be null
 * @param stream       true for an incremental (stream) channel, false for a full-data channel
 * @param checkpointer commits positions of this channel on demand (see {@link Checkpointer})
 * @param readTiming   diagnostics: stage times of the read that fetched the batch, when the worker traces read
 *                     stages ({@link TunnelWorkerConfig#traceReadStages()}); otherwise {@code null}
 */
public record ChannelContext(String tunnelId, String clientId, String channelId, String traceId, String nextToken,
        Object customValue, boolean stream, Checkpointer checkpointer, ReadTiming readTiming) {

    /** A context without read timing. */
    public ChannelContext(String tunnelId, String clientId, String channelId, String traceId, String nextToken,
            Object customValue, boolean stream, Checkpointer checkpointer) {
        this(tunnelId, clientId, channelId, traceId, nextToken, customValue, stream, checkpointer, null);
    }

    public ChannelContext {
        Objects.requireNonNull(tunnelId, "tunnelId");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(channelId, "channelId");
        Objects.requireNonNull(checkpointer, "checkpointer");
    }

    /** True for an incremental (stream) channel; false for a full-data (base) channel. */
    public boolean isStream() {
        return stream;
    }

    /** Partition part of the channel id (text before the first {@code '_'}), or the whole id. */
    public String partitionId() {
        int i = channelId.indexOf('_');
        return i < 0 ? channelId : channelId.substring(0, i);
    }

    /** The same context for one batch. */
    public ChannelContext forBatch(String batchTraceId, String batchNextToken) {
        return forBatch(batchTraceId, batchNextToken, null);
    }

    /** The context of one batch, with the stage times of the read that fetched it (null when not traced). */
    public ChannelContext forBatch(String batchTraceId, String batchNextToken, ReadTiming batchReadTiming) {
        return new ChannelContext(tunnelId, clientId, channelId, batchTraceId, batchNextToken, customValue, stream,
                checkpointer, batchReadTiming);
    }

    @Override
    public String toString() {
        return "ChannelContext[tunnel=" + tunnelId + ", client=" + clientId + ", channel=" + channelId
                + (stream ? ", stream" : ", base") + (traceId == null ? "" : ", trace=" + traceId) + "]";
    }
}
