package io.tunnelstore.server.stream;

import com.google.protobuf.Message;
import io.tunnelstore.protocol.Action;
import io.tunnelstore.protocol.pb.TableProtos.ComputeSplitPointsBySizeRequest;
import io.tunnelstore.protocol.pb.TableProtos.DescribeStreamRequest;
import io.tunnelstore.protocol.pb.TableProtos.GetShardIteratorRequest;
import io.tunnelstore.protocol.pb.TableProtos.GetStreamRecordRequest;
import io.tunnelstore.protocol.pb.TableProtos.ListStreamRequest;
import io.tunnelstore.server.ServerContext;
import io.tunnelstore.server.ServerModule;
import io.tunnelstore.server.http.OperationRegistry;
import io.tunnelstore.server.table.TableCatalog;
import io.tunnelstore.storage.StorageEngine;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The stream API over the tables' change logs (ListStream, DescribeStream, GetShardIterator, GetStreamRecord) and
 * ComputeSplitPointsBySize. The change log itself is written and trimmed by the table module; this module only reads
 * it. See {@code docs/stream-api.md} for the behaviour clients see.
 *
 * <h3>Use</h3>
 * <pre>{@code
 * TunnelstoreServer server = TunnelstoreServer.builder(config)
 *         .module(TableModule::new)
 *         .module(StreamModule::new)
 *         .build();
 * }</pre>
 *
 * <p>Threading: handlers run on server worker threads, block on storage and complete their stage before returning
 * (GetStreamRecord never waits for new records: an idle shard answers at once with no records). Stateless apart
 * from the shared {@link TableCatalog}; nothing to close.
 */
public final class StreamModule implements ServerModule {

    private final StreamService streams;
    private final StreamRecordReader records;
    private final SplitPointCalculator splits;

    /** Module over the server's storage engine and the server's {@link ServerContext#catalog() catalog}. */
    public StreamModule(ServerContext context) {
        this(context.catalog(), context.storage());
    }

    /** Module over explicit collaborators; {@code catalog} must be the one the table module writes. */
    public StreamModule(TableCatalog catalog, StorageEngine storage) {
        StreamLocator locator = new StreamLocator(catalog);
        this.streams = new StreamService(locator, storage);
        this.records = new StreamRecordReader(locator, storage);
        this.splits = new SplitPointCalculator(catalog, storage);
    }

    @Override
    public void register(OperationRegistry r) {
        r.register(Action.LIST_STREAM, ListStreamRequest.parser(),
                (ctx, q) -> done(streams.listStream(ctx.instanceName(), q)));
        r.register(Action.DESCRIBE_STREAM, DescribeStreamRequest.parser(),
                (ctx, q) -> done(streams.describeStream(ctx.instanceName(), q)));
        r.register(Action.GET_SHARD_ITERATOR, GetShardIteratorRequest.parser(),
                (ctx, q) -> done(streams.getShardIterator(ctx.instanceName(), q)));
        r.register(Action.GET_STREAM_RECORD, GetStreamRecordRequest.parser(),
                (ctx, q) -> done(records.getStreamRecord(ctx.instanceName(), q)));
        r.register(Action.COMPUTE_SPLIT_POINTS_BY_SIZE, ComputeSplitPointsBySizeRequest.parser(),
                (ctx, q) -> done(splits.compute(ctx.instanceName(), q)));
    }

    private static <M extends Message> CompletionStage<M> done(M response) {
        return CompletableFuture.completedFuture(response);
    }
}
