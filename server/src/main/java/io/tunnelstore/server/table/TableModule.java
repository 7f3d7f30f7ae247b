package io.tunnelstore.server.table;

import com.google.protobuf.Message;
import io.tunnelstore.protocol.Action;
import io.tunnelstore.protocol.model.ColumnValue;
import io.tunnelstore.protocol.pb.TableProtos.BatchGetRowRequest;
import io.tunnelstore.protocol.pb.TableProtos.BatchWriteRowRequest;
import io.tunnelstore.protocol.pb.TableProtos.CreateTableRequest;
import io.tunnelstore.protocol.pb.TableProtos.DeleteRowRequest;
import io.tunnelstore.protocol.pb.TableProtos.DeleteTableRequest;
import io.tunnelstore.protocol.pb.TableProtos.DescribeTableRequest;
import io.tunnelstore.protocol.pb.TableProtos.GetRangeRequest;
import io.tunnelstore.protocol.pb.TableProtos.GetRowRequest;
import io.tunnelstore.protocol.pb.TableProtos.ListTableRequest;
import io.tunnelstore.protocol.pb.TableProtos.PutRowRequest;
import io.tunnelstore.protocol.pb.TableProtos.UpdateRowRequest;
import io.tunnelstore.protocol.pb.TableProtos.UpdateTableRequest;
import io.tunnelstore.server.ServerContext;
import io.tunnelstore.server.ServerModule;
import io.tunnelstore.server.cluster.ClusterPlacement;
import io.tunnelstore.server.cluster.ClusterResources;
import io.tunnelstore.server.cluster.SingleNodePlacement;
import io.tunnelstore.server.http.OperationRegistry;
import io.tunnelstore.server.http.OperationRegistry.Lane;
import io.tunnelstore.storage.StorageEngine;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The table API: table management (CreateTable, ListTable, DescribeTable, UpdateTable, DeleteTable) and row
 * operations (PutRow, UpdateRow, DeleteRow, GetRow, BatchGetRow, BatchWriteRow, GetRange), plus the change log of
 * tables with a stream: every committed row change appends one {@link ChangeRecord} to its partition's shard, and
 * records older than the stream expiration are trimmed periodically. Partitions that outgrow
 * {@link PartitionSplitConfig#maxPartitionBytes()} are split in two (periodically, or on demand with
 * {@link #splitPartition}); the split closes the partition's shard and starts a child shard for each half.
 *
 * <h3>Use</h3>
 * <pre>{@code
 * TunnelstoreServer server = TunnelstoreServer.builder(config).module(TableModule::new).build();
 * }</pre>
 *
 * <p>Threading: handlers run on server worker threads and block on storage; they complete their stage before
 * returning. The trim task runs on the server scheduler every {@link #TRIM_INTERVAL}.
 *
 * <p>Lifecycle: created by the server with its {@link ServerContext}; {@link #close()} cancels the trim task (the
 * storage engine and scheduler belong to the server).
 */
public final class TableModule implements ServerModule {

    private static final Logger log = LoggerFactory.getLogger(TableModule.class);

    /** How often expired change-log records are trimmed. */
    public static final Duration TRIM_INTERVAL = Duration.ofMinutes(1);

    private final TableCatalog catalog;
    private final ClusterPlacement placement;
    private final RowPlacement rowPlacement;
    private final TableAdminService admin;
    private final RowService rows;
    private final ChangeLogTrimmer trimmer;
    private final PartitionSplitter splitter;
    private final ScheduledFuture<?> trimTask;
    private final ScheduledFuture<?> splitTask;

    /**
     * Module over the server's storage, clock and scheduler, using the server's {@link ServerContext#catalog()} and
     * {@link PartitionSplitConfig#DEFAULT}.
     */
    public TableModule(ServerContext context) {
        this(context, PartitionSplitConfig.DEFAULT);
    }

    /** Module over the server's storage, clock and scheduler with the given automatic-split settings. */
    public TableModule(ServerContext context, PartitionSplitConfig splits) {
        this(context.catalog(), context.storage(), context.placement(), context.clock(), context.scheduler(), splits);
    }

    /**
     * Module over explicit collaborators (tests) without the periodic split check (call
     * {@link #splitOversizedPartitions} yourself; the size threshold is the default one).
     *
     * @param scheduler runs the periodic trim; {@code null} disables it (call {@link #trimExpired} yourself)
     */
    public TableModule(TableCatalog catalog, StorageEngine storage, Clock clock, ScheduledExecutorService scheduler) {
        this(catalog, storage, clock, scheduler,
                new PartitionSplitConfig(PartitionSplitConfig.DEFAULT.maxPartitionBytes(), Duration.ZERO));
    }

    /**
     * Module over explicit collaborators.
     *
     * @param scheduler runs the periodic trim and split check; {@code null} disables them
     * @param splits    automatic partition splits: size threshold and check interval
     */
    public TableModule(TableCatalog catalog, StorageEngine storage, Clock clock, ScheduledExecutorService scheduler,
                       PartitionSplitConfig splits) {
        this(catalog, storage, new SingleNodePlacement(storage), clock, scheduler, splits);
    }

    /**
     * Module over explicit collaborators on a node of a cluster: row writes run on their partition's owner, catalog
     * changes on the catalog owner, which announces them; every node reloads its catalog on an announcement. The
     * periodic split and trim run on the catalog owner only.
     */
    private TableModule(TableCatalog catalog, StorageEngine storage, ClusterPlacement placement, Clock clock,
                        ScheduledExecutorService scheduler, PartitionSplitConfig splits) {
        this.catalog = catalog;
        this.placement = placement;
        this.rowPlacement = new RowPlacement(catalog, placement);
        this.admin = new TableAdminService(catalog, clock::millis);
        this.rows = new RowService(catalog, storage, placement, clock::millis);
        if (placement.clustered()) {
            // another node changed the catalog (or this one reconnected, or ownership moved): re-read it
            placement.addCatalogListener(catalog::reload);
            placement.addOwnershipListener(() -> {
                if (placement.isLocal(ClusterResources.catalog())) {
                    catalog.reload(); // a new catalog owner starts from what is stored
                }
            });
        }
        this.trimmer = new ChangeLogTrimmer(catalog, storage);
        this.splitter = new PartitionSplitter(catalog, storage, clock::millis, splits, placement.nodeId());
        this.trimTask = scheduler == null ? null : scheduler.scheduleWithFixedDelay(() -> {
            if (!placement.isLocal(ClusterResources.catalog())) {
                return; // in a cluster the catalog owner trims and splits for everyone
            }
            try {
                trimmer.trimExpired(clock.millis());
            } catch (RuntimeException e) {
                log.warn("Change-log trim failed; retrying in {}", TRIM_INTERVAL, e);
            }
        }, TRIM_INTERVAL.toMillis(), TRIM_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        long splitEvery = splits.checkInterval().toMillis();
        this.splitTask = scheduler == null || splitEvery == 0 ? null : scheduler.scheduleWithFixedDelay(() -> {
            if (!placement.isLocal(ClusterResources.catalog())) {
                return;
            }
            try {
                splitOversizedPartitions();
            } catch (RuntimeException e) {
                log.warn("Partition size check failed; retrying in {}", splits.checkInterval(), e);
            }
        }, splitEvery, splitEvery, TimeUnit.MILLISECONDS);
    }

    @Override
    public void register(OperationRegistry r) {
        r.register(Action.CREATE_TABLE, CreateTableRequest.parser(),
                (ctx, q) -> announced(admin.createTable(ctx.instanceName(), q)));
        r.register(Action.LIST_TABLE, ListTableRequest.parser(),
                (ctx, q) -> done(admin.listTable(ctx.instanceName(), ctx::coversTable)));
        r.register(Action.DESCRIBE_TABLE, DescribeTableRequest.parser(),
                (ctx, q) -> done(admin.describeTable(ctx.instanceName(), q)));
        r.register(Action.UPDATE_TABLE, UpdateTableRequest.parser(),
                (ctx, q) -> announced(admin.updateTable(ctx.instanceName(), q)));
        r.register(Action.DELETE_TABLE, DeleteTableRequest.parser(),
                (ctx, q) -> announced(admin.deleteTable(ctx.instanceName(), q)));
        // row writes hold their thread until durable: their own lane, so reads never queue behind them
        r.register(Action.PUT_ROW, Lane.ROW_WRITE, PutRowRequest.parser(),
                (ctx, q) -> done(rows.putRow(ctx.instanceName(), q)));
        r.register(Action.UPDATE_ROW, Lane.ROW_WRITE, UpdateRowRequest.parser(),
                (ctx, q) -> done(rows.updateRow(ctx.instanceName(), q)));
        r.register(Action.DELETE_ROW, Lane.ROW_WRITE, DeleteRowRequest.parser(),
                (ctx, q) -> done(rows.deleteRow(ctx.instanceName(), q)));
        r.register(Action.GET_ROW, GetRowRequest.parser(), (ctx, q) -> done(rows.getRow(ctx.instanceName(), q)));
        r.register(Action.BATCH_GET_ROW, BatchGetRowRequest.parser(),
                (ctx, q) -> done(rows.batchGetRow(ctx.instanceName(), q)));
        r.register(Action.BATCH_WRITE_ROW, Lane.ROW_WRITE, BatchWriteRowRequest.parser(),
                (ctx, q) -> done(rows.batchWriteRow(ctx.instanceName(), q)));
        r.register(Action.GET_RANGE, GetRangeRequest.parser(),
                (ctx, q) -> done(rows.getRange(ctx.instanceName(), q)));
        registerPlacements(r);
    }

    /**
     * Where table actions run in a cluster (docs/scale-out.md): catalog changes on the catalog owner, row writes on
     * their partition's owner, a BatchWriteRow split by owner; reads wherever they arrive.
     */
    private void registerPlacements(OperationRegistry r) {
        Optional<String> catalogResource = Optional.of(ClusterResources.catalog());
        r.<CreateTableRequest>registerPlacement(Action.CREATE_TABLE, (ctx, q) -> catalogResource);
        r.<UpdateTableRequest>registerPlacement(Action.UPDATE_TABLE, (ctx, q) -> catalogResource);
        r.<DeleteTableRequest>registerPlacement(Action.DELETE_TABLE, (ctx, q) -> catalogResource);
        // catalog changes write the catalog and may create or drop a table's storage: forwarded to the catalog
        // owner, they wait for its answer up to the handler timeout (RequestDispatcher)
        r.registerSlowOnOwner(Action.CREATE_TABLE);
        r.registerSlowOnOwner(Action.UPDATE_TABLE);
        r.registerSlowOnOwner(Action.DELETE_TABLE);
        r.<PutRowRequest>registerPlacement(Action.PUT_ROW,
                (ctx, q) -> rowPlacement.partitionOf(ctx.instanceName(), q.getTableName(), q.getRow()));
        r.<UpdateRowRequest>registerPlacement(Action.UPDATE_ROW,
                (ctx, q) -> rowPlacement.partitionOf(ctx.instanceName(), q.getTableName(), q.getRowChange()));
        r.<DeleteRowRequest>registerPlacement(Action.DELETE_ROW,
                (ctx, q) -> rowPlacement.partitionOf(ctx.instanceName(), q.getTableName(), q.getPrimaryKey()));
        r.<BatchWriteRowRequest>registerSplitter(Action.BATCH_WRITE_ROW, rowPlacement::split);
    }

    /** A stored catalog change: every node is told to reload its catalog, then the client gets its answer. */
    private <M extends Message> CompletionStage<M> announced(M response) {
        if (placement.clustered()) {
            placement.announceCatalogChange();
        }
        return done(response);
    }

    /** The catalog this module serves (the server's {@link ServerContext#catalog()} when built from a context). */
    public TableCatalog catalog() {
        return catalog;
    }

    /**
     * Deletes change-log records older than their table's stream expiration as of {@code nowMillis}.
     *
     * @return how many records were deleted
     */
    public long trimExpired(long nowMillis) {
        return trimmer.trimExpired(nowMillis);
    }

    /**
     * Splits partition {@code partitionIndex} (0-based, in key order) of a table in two (admin operation for
     * operators and tests). The partition's change-log shard is closed — readers get its remaining records, then
     * the end of the shard — and each half gets a new shard whose parent is the closed one. Writes racing with the
     * split are recorded exactly once, in the parent or in a child (see {@link PartitionSplitter}). Blocks until
     * writes already routed to the partition have committed; safe from any thread.
     *
     * @param splitPoint first partition-key value (first primary-key column) of the right half; empty = a real key
     *                   near the middle of the partition's data
     * @return what was split
     * @throws io.tunnelstore.protocol.errors.OtsException OTSObjectNotExist for an unknown table;
     *     OTSParameterInvalid for a bad index or split point, or a partition with fewer than two partition keys
     */
    public PartitionSplit splitPartition(String instance, String tableName, int partitionIndex,
                                         Optional<ColumnValue> splitPoint) {
        PartitionSplit split = splitter.split(instance, tableName, partitionIndex, splitPoint);
        announceCatalogChange();
        return split;
    }

    /**
     * Runs the automatic size check now: splits every partition larger than
     * {@link PartitionSplitConfig#maxPartitionBytes()} near its middle (the scheduler does this every
     * {@link PartitionSplitConfig#checkInterval()}).
     *
     * @return the splits made
     */
    public List<PartitionSplit> splitOversizedPartitions() {
        List<PartitionSplit> splits = splitter.splitOversized();
        if (!splits.isEmpty()) {
            announceCatalogChange();
        }
        return splits;
    }

    /** In a cluster: tells every node to reload its catalog (a split changed a table's partitions). */
    private void announceCatalogChange() {
        if (placement.clustered()) {
            placement.announceCatalogChange();
        }
    }

    @Override
    public void close() {
        if (trimTask != null) {
            trimTask.cancel(false);
        }
        if (splitTask != null) {
            splitTask.cancel(false);
        }
    }

    private static <M extends Message> CompletionStage<M> done(M response) {
        return CompletableFuture.completedFuture(response);
    }
}
