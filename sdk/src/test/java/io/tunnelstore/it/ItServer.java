package io.tunnelstore.it;

import io.tunnelstore.client.ChannelInfo;
import io.tunnelstore.client.ClientConfig;
import io.tunnelstore.client.CreateTableRequest;
import io.tunnelstore.client.PrimaryKeyType;
import io.tunnelstore.client.RowDeleteChange;
import io.tunnelstore.client.RowPutChange;
import io.tunnelstore.client.RowUpdateChange;
import io.tunnelstore.client.TableClient;
import io.tunnelstore.client.TunnelClient;
import io.tunnelstore.protocol.Action;
import io.tunnelstore.protocol.model.Cell;
import io.tunnelstore.protocol.model.ColumnValue;
import io.tunnelstore.protocol.model.PrimaryKey;
import io.tunnelstore.protocol.model.PrimaryKeyColumn;
import io.tunnelstore.server.InProcessServer;
import io.tunnelstore.server.ServerModule;
import io.tunnelstore.server.TunnelstoreServer;
import io.tunnelstore.server.table.TableModule;
import io.tunnelstore.server.tunnel.TunnelModule;
import io.tunnelstore.server.tunnel.TunnelServiceConfig;
import io.tunnelstore.testsupport.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * The real server in-process ({@link InProcessServer}) for the SDK integration tests: {@link TableModule} + {@link TunnelModule} over a
 * temporary data directory on a loopback port, a request counter per API action (a {@link ServerModule} that
 * observes the dispatcher), and our SDK's {@link TableClient} / {@link TunnelClient} pointed at it.
 * {@link #restart()} closes the server and starts it again on the same directory and port, so clients (and workers)
 * built before keep talking to the new incarnation.
 */
public final class ItServer implements AutoCloseable {
    static final String INSTANCE = "tunnelstore";
    static final String AK = "it-admin-key";
    static final String SK = "it-admin-secret";

    /** Short long-poll and tick so failovers and idle reads are quick; small reads to get several batches. */
    static final TunnelServiceConfig FAST = TunnelServiceConfig.builder()
            .longPollWait(Duration.ofSeconds(1))
            .tickInterval(Duration.ofMillis(200))
            .build();

    private final Map<Action, AtomicLong> requests = new EnumMap<>(Action.class);
    private final InProcessServer server;
    final TableClient tables;
    final TunnelClient tunnels;

    ItServer(Path dataDir) {
        this(dataDir, FAST);
    }

    ItServer(Path dataDir, TunnelServiceConfig tunnelConfig) {
        for (Action a : Action.values()) {
            requests.put(a, new AtomicLong());
        }
        server = InProcessServer.builder(dataDir).adminKey(AK, SK).workerThreads(8)
                .module(TableModule::new)
                .module(ctx -> new TunnelModule(ctx, tunnelConfig))
                .module(ctx -> registry -> registry.addObserver(
                        (action, outcome, nanos) -> requests.get(action).incrementAndGet()))
                .start();
        tables = TableClient.create(clientConfig());
        tunnels = TunnelClient.create(clientConfig());
    }

    /** Settings for more SDK clients of this server (admin key). */
    ClientConfig clientConfig() {
        return ClientConfig.builder().endpoint(endpoint()).instanceName(INSTANCE).credentials(AK, SK)
                .callTimeout(Duration.ofSeconds(20)).build();
    }

    String endpoint() {
        return server.endpoint();
    }

    TunnelstoreServer server() {
        return server.server();
    }

    /** Requests of {@code action} answered so far (any outcome), across restarts. */
    long requests(Action action) {
        return requests.get(action).get();
    }

    /** Closes the server and starts it again on the same data directory and port. */
    void restart() {
        server.restart();
    }

    /**
     * Creates a table with one INTEGER key {@code id} split into partitions at {@code splitIds} (one stream channel
     * per partition), through CreateTable's split points; tunnels enable its stream.
     */
    void createPartitionedTable(String name, long... splitIds) {
        tables.createTable(CreateTableRequest.builder(name).addPrimaryKey("id", PrimaryKeyType.INTEGER)
                .splitPoints("id", splitIds).build());
    }

    static PrimaryKey pk(long id) {
        return PrimaryKey.of(PrimaryKeyColumn.of("id", ColumnValue.ofLong(id)));
    }

    void put(String table, long id, Cell... cells) {
        tables.putRow(RowPutChange.of(table, pk(id), List.of(cells)));
    }

    void update(String table, long id, Cell... cells) {
        tables.updateRow(RowUpdateChange.of(table, pk(id), List.of(cells)));
    }

    void delete(String table, long id) {
        tables.deleteRow(RowDeleteChange.of(table, pk(id)));
    }

    List<ChannelInfo> channels(String table, String tunnel) {
        return tunnels.describeTunnel(table, tunnel).channels();
    }

    /** Waits until {@code condition} holds; fails naming {@code what} after {@code timeout}. */
    public static void await(String what, Duration timeout, BooleanSupplier condition) {
        Await.until(what, timeout, condition);
    }

    @Override
    public void close() {
        tunnels.close();
        tables.close();
        server.close();
    }
}
