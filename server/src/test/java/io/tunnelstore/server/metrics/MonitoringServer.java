package io.tunnelstore.server.metrics;

import com.alicloud.openservices.tablestore.ClientConfiguration;
import com.alicloud.openservices.tablestore.SyncClient;
import com.alicloud.openservices.tablestore.TunnelClient;
import com.alicloud.openservices.tablestore.model.Column;
import com.alicloud.openservices.tablestore.model.ColumnValue;
import com.alicloud.openservices.tablestore.model.CreateTableRequest;
import com.alicloud.openservices.tablestore.model.PrimaryKeyBuilder;
import com.alicloud.openservices.tablestore.model.PrimaryKeyType;
import com.alicloud.openservices.tablestore.model.PrimaryKeyValue;
import com.alicloud.openservices.tablestore.model.PutRowRequest;
import com.alicloud.openservices.tablestore.model.RowPutChange;
import com.alicloud.openservices.tablestore.model.TableMeta;
import com.alicloud.openservices.tablestore.model.TableOptions;
import io.tunnelstore.server.InProcessServer;
import io.tunnelstore.server.ServerContext;
import io.tunnelstore.server.ServerModule;
import io.tunnelstore.server.TunnelstoreServer;
import io.tunnelstore.server.table.TableModule;
import io.tunnelstore.server.tunnel.TunnelModule;
import io.tunnelstore.testsupport.ManualClock;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * A real server with the table and tunnel modules plus the modules under test, on a loopback port over a temporary
 * directory, with official {@link SyncClient} and {@link TunnelClient}s. The server clock stands still at the real
 * start time (the SDK signs with real time; the server accepts 15 minutes of skew) and tests move it.
 */
public final class MonitoringServer implements AutoCloseable {
    public static final String INSTANCE = "monitored";
    public static final String AK = "monitor-ak";
    public static final String SK = "monitor-secret";

    public final ManualClock clock = ManualClock.startingNow();
    private final InProcessServer inProcess;
    public final TunnelstoreServer server;
    public final SyncClient client;
    public final TunnelClient tunnels;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** Starts the server with TableModule, TunnelModule and {@code extraModules} (in that order). */
    @SafeVarargs
    public MonitoringServer(Path dataDir, Function<ServerContext, ServerModule>... extraModules) {
        this(dataDir, new AtomicReference<>(), extraModules);
    }

    /**
     * Like {@link #MonitoringServer(Path, Function[])}, and sets {@code tunnelModule} to the TunnelModule before the
     * extra modules are created (so they can be given {@code tunnelModule.get()::tunnels}).
     */
    @SafeVarargs
    public MonitoringServer(Path dataDir, AtomicReference<TunnelModule> tunnelModule,
                            Function<ServerContext, ServerModule>... extraModules) {
        InProcessServer.Builder builder = InProcessServer.builder(dataDir)
                .instances(INSTANCE)
                .adminKey(AK, SK)
                .clock(clock)
                .module(TableModule::new)
                .module(ctx -> {
                    TunnelModule m = new TunnelModule(ctx);
                    tunnelModule.set(m);
                    return m;
                });
        for (Function<ServerContext, ServerModule> m : extraModules) {
            builder.module(m);
        }
        inProcess = builder.start();
        server = inProcess.server();
        ClientConfiguration cc = new ClientConfiguration();
        cc.setConnectionTimeoutInMillisecond(5_000);
        cc.setSocketTimeoutInMillisecond(10_000);
        client = new SyncClient(server.endpoint(), AK, SK, INSTANCE, cc);
        tunnels = new TunnelClient(server.endpoint(), AK, SK, INSTANCE);
    }

    /** Creates a table with one INTEGER primary-key column {@code id}. */
    public void createTable(String name) {
        TableMeta meta = new TableMeta(name);
        meta.addPrimaryKeyColumn("id", PrimaryKeyType.INTEGER);
        client.createTable(new CreateTableRequest(meta, new TableOptions(-1, 1)));
    }

    /** PutRow {@code id} with one string column. */
    public void put(String table, long id, String value) {
        RowPutChange change = new RowPutChange(table, PrimaryKeyBuilder.createPrimaryKeyBuilder()
                .addPrimaryKeyColumn("id", PrimaryKeyValue.fromLong(id)).build());
        change.addColumn(new Column("v", ColumnValue.fromString(value)));
        client.putRow(new PutRowRequest(change));
    }

    /** A plain GET of {@code path} on the server. */
    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(server.endpoint() + path)).GET()
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Sends {@code request} (its URI is resolved against the server endpoint). */
    public HttpResponse<String> send(HttpRequest.Builder request, String path)
            throws IOException, InterruptedException {
        return http.send(request.uri(URI.create(server.endpoint() + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    public void advance(Duration d) {
        clock.advance(d);
    }

    @Override
    public void close() {
        client.shutdown();
        tunnels.shutdown();
        inProcess.close();
    }
}
