package io.tunnelstore.server.tunnel;

import io.tunnelstore.protocol.model.Cell;
import io.tunnelstore.protocol.model.ColumnValue;
import io.tunnelstore.protocol.model.PlainRow;
import io.tunnelstore.protocol.model.PrimaryKey;
import io.tunnelstore.protocol.model.PrimaryKeyColumn;
import io.tunnelstore.protocol.pb.TableProtos;
import io.tunnelstore.protocol.pb.TunnelProtos;
import io.tunnelstore.server.ServerConfig;
import io.tunnelstore.server.ServerContext;
import io.tunnelstore.server.auth.CredentialStore;
import io.tunnelstore.server.table.CellValueCodec;
import io.tunnelstore.server.table.ChangeRecord;
import io.tunnelstore.server.table.ChangeRecordCodec;
import io.tunnelstore.server.table.KeyCodec;
import io.tunnelstore.server.table.Partition;
import io.tunnelstore.server.table.StreamSettings;
import io.tunnelstore.server.table.TableCatalog;
import io.tunnelstore.server.table.TableDescriptor;
import io.tunnelstore.storage.RowDecider;
import io.tunnelstore.storage.RowMutation;
import io.tunnelstore.storage.StorageEngine;
import io.tunnelstore.storage.StorageOptions;
import io.tunnelstore.storage.rocksdb.RocksDbStorageEngine;
import io.tunnelstore.testsupport.ManualClock;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * The Tunnel Service without HTTP: a RocksDB engine, a {@link ManualClock}, a table written the way the table
 * module writes (row + change-log record in one commit), and a {@link TunnelModule} whose parts the tests call
 * directly. Time only moves when a test moves it; ticks run when a test calls {@link TunnelModule#tick()}.
 */
final class InProcessTunnels implements AutoCloseable {
    static final String INSTANCE = "inproc";

    final ManualClock clock = ManualClock.startingAt(Instant.parse("2026-03-01T00:00:00Z"));
    final Path dir;
    final StorageEngine storage;
    final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    final TunnelServiceConfig config;
    TunnelModule module;
    /** The table catalog of the current module's context (a restart loads a new one from storage). */
    TableCatalog catalog;

    InProcessTunnels(Path dir, TunnelServiceConfig config) {
        this(dir, config, UnaryOperator.identity());
    }

    /** Like {@link #InProcessTunnels(Path, TunnelServiceConfig)} with the engine seen through {@code wrap}. */
    InProcessTunnels(Path dir, TunnelServiceConfig config, UnaryOperator<StorageEngine> wrap) {
        this.dir = dir;
        this.config = config;
        this.storage = wrap.apply(RocksDbStorageEngine.open(dir.resolve("data"),
                StorageOptions.builder().clock(clock).syncWrites(false).build()));
        this.module = newModule();
    }

    private TunnelModule newModule() {
        ServerContext ctx = new ServerContext(storage, clock, scheduler,
                CredentialStore.open(storage, new SecureRandom()),
                ServerConfig.builder().dataDir(dir.resolve("data")).clock(clock).build());
        catalog = ctx.catalog();
        return new TunnelModule(ctx, config);
    }

    /** Simulates a server restart of the tunnel module over the same storage. */
    void restartModule() {
        module.close();
        module = newModule();
    }

    /** A table with INTEGER key {@code id}, one partition (shard 1) and a stream kept {@code retentionHours}. */
    TableDescriptor createTable(String name, int retentionHours) {
        return createTable(name, retentionHours, List.of(new Partition(0, null, null, 1)));
    }

    /** Like {@link #createTable(String, int)} with explicit partitions. */
    TableDescriptor createTable(String name, int retentionHours, List<Partition> partitions) {
        TableProtos.TableMeta meta = TableProtos.TableMeta.newBuilder().setTableName(name)
                .addPrimaryKey(TableProtos.PrimaryKeySchema.newBuilder().setName("id")
                        .setType(TableProtos.PrimaryKeyType.INTEGER))
                .build();
        return catalog.create(new TableDescriptor(INSTANCE, 0, meta, -1, 1, 86_400, 0, 0, 0,
                clock.millis(), partitions,
                new StreamSettings(true, "stream-" + name, retentionHours, clock.millis(), List.of())));
    }

    /** Puts row {@code id} with column {@code v} and appends its PUT_ROW change record, like the table module. */
    long put(TableDescriptor table, long id, long v) {
        return write(table, TableProtos.ActionType.PUT_ROW, id, v, null);
    }

    /**
     * Writes {@code v} to row {@code id} and appends a change record of {@code type}; {@code oldV}, when not null,
     * becomes the record's origin row (the previous value of the origin column {@code v}).
     */
    long write(TableDescriptor table, TableProtos.ActionType type, long id, long v, Long oldV) {
        PrimaryKey pk = PrimaryKey.of(PrimaryKeyColumn.of("id", ColumnValue.ofLong(id)));
        long ts = clock.millis();
        PlainRow origin = oldV == null ? null
                : PlainRow.of(pk, List.of(Cell.put("v", ColumnValue.ofLong(oldV), ts - 1)));
        ChangeRecord change = new ChangeRecord(type,
                PlainRow.of(pk, List.of(Cell.put("v", ColumnValue.ofLong(v), ts))), origin, ts * 1000);
        return storage.mutateRow(table.tableId(), KeyCodec.encode(pk), (current, versionMillis) -> new RowDecider.Decision<>(
                new RowMutation().put("v", ts, CellValueCodec.encode(ColumnValue.ofLong(v))),
                table.partitionFor(ColumnValue.ofLong(id)).shardId(),
                ChangeRecordCodec.encode(change), null)).sequence();
    }

    String create(String table, String name, TunnelProtos.TunnelType type, TunnelProtos.StreamTunnelConfig cfg) {
        TunnelProtos.Tunnel.Builder t = TunnelProtos.Tunnel.newBuilder().setTableName(table).setTunnelName(name)
                .setTunnelType(type);
        if (cfg != null) {
            t.setStreamTunnelConfig(cfg);
        }
        return module.admin().create(INSTANCE,
                TunnelProtos.CreateTunnelRequest.newBuilder().setTunnel(t).build()).getTunnelId();
    }

    String connect(String tunnelId) {
        return join(module.sessions().connect(INSTANCE, TunnelProtos.ConnectRequest.newBuilder()
                .setTunnelId(tunnelId)
                .setClientConfig(TunnelProtos.ClientConfig.newBuilder().setTimeout(60).setClientTag("t"))
                .build())).getClientId();
    }

    List<TunnelProtos.Channel> heartbeat(String tunnelId, String clientId) {
        return join(module.sessions().heartbeat(INSTANCE, TunnelProtos.HeartbeatRequest.newBuilder()
                .setTunnelId(tunnelId).setClientId(clientId).build())).getChannelsList();
    }

    TunnelProtos.GetCheckpointResponse getCheckpoint(String tunnelId, String clientId, String channelId) {
        return join(module.sessions().getCheckpoint(INSTANCE, TunnelProtos.GetCheckpointRequest.newBuilder()
                .setTunnelId(tunnelId).setClientId(clientId).setChannelId(channelId).build()));
    }

    TunnelProtos.ReadRecordsResponse read(String tunnelId, String clientId, String channelId, String token) {
        return join(module.reader().read(INSTANCE, TunnelProtos.ReadRecordsRequest.newBuilder()
                .setTunnelId(tunnelId).setClientId(clientId).setChannelId(channelId).setToken(token).build()));
    }

    io.tunnelstore.server.tunnel.coordinator.TunnelDescription describe(String tunnelId) {
        return join(module.registry().require(INSTANCE, tunnelId)
                .call(io.tunnelstore.server.tunnel.coordinator.TunnelCoordinator::describe));
    }

    static <T> T join(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    void advance(Duration d) {
        clock.advance(d);
    }

    @Override
    public void close() {
        module.close();
        scheduler.shutdownNow();
        storage.close();
    }
}
