package io.tunnelstore.testkit;

import io.tunnelstore.testkit.RecordingProcessorFactory.EventType;
import io.tunnelstore.tunnel.ChannelContext;
import io.tunnelstore.tunnel.ChannelProcessor;
import io.tunnelstore.tunnel.StreamRecord;
import java.util.List;

/**
 * The processor a {@link RecordingProcessorFactory} creates for one channel: it hands every batch and lifecycle
 * callback to the factory's shared record and, if asked, commits a checkpoint after each batch. The worker never
 * calls one processor concurrently; the factory's record is thread-safe across processors.
 */
public final class RecordingProcessor implements ChannelProcessor {

    private final RecordingProcessorFactory recorder;
    private final boolean checkpointEveryBatch;

    RecordingProcessor(RecordingProcessorFactory recorder, boolean checkpointEveryBatch) {
        this.recorder = recorder;
        this.checkpointEveryBatch = checkpointEveryBatch;
    }

    @Override
    public void onStart(ChannelContext context) {
        recorder.event(EventType.STARTED, context);
    }

    @Override
    public void process(ChannelContext context, List<StreamRecord> records) {
        recorder.record(context, records);
        if (checkpointEveryBatch) {
            // Not joined: the commit completes on the worker's threads (Checkpointer contract).
            context.checkpointer().checkpoint();
        }
    }

    @Override
    public void onLost(ChannelContext context) {
        recorder.event(EventType.LOST, context);
    }

    @Override
    public void onChannelEnd(ChannelContext context) {
        recorder.event(EventType.ENDED, context);
    }

    @Override
    public void onShutdown(ChannelContext context) {
        recorder.event(EventType.SHUTDOWN, context);
    }
}
