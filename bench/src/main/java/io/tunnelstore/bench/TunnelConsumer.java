package io.tunnelstore.bench;

import com.alicloud.openservices.tablestore.model.StreamRecord;
import com.alicloud.openservices.tablestore.tunnel.worker.IChannelProcessor;
import com.alicloud.openservices.tablestore.tunnel.worker.ProcessRecordsInput;
import io.tunnelstore.client.TunnelClient;
import io.tunnelstore.tunnel.SimpleProcessorFactory;
import io.tunnelstore.tunnel.TunnelWorker;
import io.tunnelstore.tunnel.TunnelWorkerConfig;
import io.tunnelstore.tunnel.WorkerListener;
import java.time.Duration;
import java.util.List;

/**
 * A running tunnel consumer whose callback does nothing but hand the record ids to a {@link DeliverySink}: either our
 * SDK's {@link TunnelWorker} or the official SDK's worker, each with the given heartbeat settings and everything else
 * at its defaults. Close once; closing stops the worker gracefully and releases its client.
 */
abstract class TunnelConsumer implements AutoCloseable {
    final String name;

    private TunnelConsumer(String name) {
        this.name = name;
    }

    /** Our SDK's worker ({@code io.tunnelstore.tunnel.TunnelWorker}). */
    static TunnelConsumer ours(String endpoint, String tunnelId, DeliverySink sink, Duration heartbeat,
            Duration timeout) {
        return ours(endpoint, tunnelId, sink, heartbeat, timeout, false);
    }

    /** Our SDK's worker; {@code traceStages} asks the server for each read's stage times (handed to the sink). */
    static TunnelConsumer ours(String endpoint, String tunnelId, DeliverySink sink, Duration heartbeat,
            Duration timeout, boolean traceStages) {
        return ours(endpoint, tunnelId, sink, heartbeat, timeout, traceStages, new WorkerListener() {});
    }

    /** Our SDK's worker, with {@code listener} told of its session and channel events (start-up stages). */
    static TunnelConsumer ours(String endpoint, String tunnelId, DeliverySink sink, Duration heartbeat,
            Duration timeout, boolean traceStages, WorkerListener listener) {
        TunnelClient client = TunnelClient.create(BenchTables.clientConfig(endpoint));
        SimpleProcessorFactory factory = SimpleProcessorFactory.of(null, (context, records) -> {
            long now = System.nanoTime();
            long[] ids = new long[records.size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = records.get(i).primaryKey().get(0).value().asLong();
            }
            sink.batch(context.channelId(), ids, now, context.readTiming());
        });
        TunnelWorker worker = new TunnelWorker(client, tunnelId, TunnelWorkerConfig.builder()
                .heartbeatInterval(heartbeat).heartbeatTimeout(timeout).processorFactory(factory)
                .traceReadStages(traceStages).listener(listener).build());
        worker.start();
        return new TunnelConsumer("our worker") {
            @Override
            String clientId() {
                return worker.clientId();
            }

            @Override
            public void close() {
                try {
                    worker.close(Duration.ofSeconds(30));
                } finally {
                    client.close();
                }
            }
        };
    }

    /** The official SDK's worker ({@code com.alicloud.openservices.tablestore.tunnel.worker.TunnelWorker}). */
    static TunnelConsumer official(String endpoint, String tunnelId, DeliverySink sink, Duration heartbeat,
            Duration timeout) throws Exception {
        com.alicloud.openservices.tablestore.TunnelClient client = new com.alicloud.openservices.tablestore.TunnelClient(
                endpoint, BenchServer.ACCESS_KEY_ID, BenchServer.ACCESS_KEY_SECRET, BenchServer.INSTANCE);
        IChannelProcessor processor = new IChannelProcessor() {
            @Override
            public void process(ProcessRecordsInput input) {
                long now = System.nanoTime();
                List<StreamRecord> records = input.getRecords();
                long[] ids = new long[records.size()];
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = records.get(i).getPrimaryKey().getPrimaryKeyColumn(0).getValue().asLong();
                }
                sink.batch(input.getChannelId(), ids, now);
            }

            @Override
            public void shutdown() {
                // nothing to release
            }
        };
        com.alicloud.openservices.tablestore.tunnel.worker.TunnelWorkerConfig config =
                new com.alicloud.openservices.tablestore.tunnel.worker.TunnelWorkerConfig(processor);
        config.setHeartbeatIntervalInSec((int) heartbeat.toSeconds());
        config.setHeartbeatTimeoutInSec((int) timeout.toSeconds());
        com.alicloud.openservices.tablestore.tunnel.worker.TunnelWorker worker =
                new com.alicloud.openservices.tablestore.tunnel.worker.TunnelWorker(tunnelId, client, config);
        worker.connectAndWorking();
        return new TunnelConsumer("official worker") {
            @Override
            String clientId() {
                return null;
            }

            @Override
            public void close() {
                try {
                    worker.shutdown();
                    config.shutdown();
                } finally {
                    client.shutdown();
                }
            }
        };
    }

    /** The client id the server gave this worker, or null where the SDK does not expose it. */
    abstract String clientId();

    @Override
    public abstract void close();
}
