import io.tunnelstore.client.CreateTableRequest;
import io.tunnelstore.client.CreateTunnelRequest;
import io.tunnelstore.client.CredentialsProvider;
import io.tunnelstore.client.EnvironmentCredentialsProvider;
import io.tunnelstore.client.PrimaryKeyType;
import io.tunnelstore.client.TableClient;
import io.tunnelstore.client.TablestoreException;
import io.tunnelstore.client.TunnelClient;
import io.tunnelstore.client.TunnelInfo;
import io.tunnelstore.client.TunnelType;
import io.tunnelstore.tunnel.SimpleProcessorFactory;
import io.tunnelstore.tunnel.StreamRecord;
import io.tunnelstore.tunnel.TunnelDaemon;
import io.tunnelstore.tunnel.TunnelWorkerConfig;
import io.tunnelstore.tunnel.TunnelWorkerPools;

/**
 * Quick start: consume a table's changes through a BaseAndStream tunnel (every existing row once, then every
 * put/update/delete) and print them.
 *
 * <pre>
 *   export OTS_AK_ENV=... OTS_SK_ENV=...
 *   java -cp tunnelstore-sdk.jar:... QuickStart http://127.0.0.1:8800 tunnelstore orders quick-start
 * </pre>
 *
 * Arguments (all optional): endpoint, instance, table, tunnel name. The table is created (key {@code id} INTEGER,
 * stream kept 24 h) when it does not exist; the tunnel is created once and reused on later runs, so a restart
 * resumes from the last checkpoint. Ctrl-C stops the daemon gracefully (final checkpoints, ShutdownTunnel).
 */
public final class QuickStart {

    private QuickStart() {}

    public static void main(String[] args) {
        String endpoint = args.length > 0 ? args[0] : "http://127.0.0.1:8800";
        String instance = args.length > 1 ? args[1] : "tunnelstore";
        String table = args.length > 2 ? args[2] : "orders";
        String tunnelName = args.length > 3 ? args[3] : "quick-start";

        // static keys from OTS_AK_ENV / OTS_SK_ENV (fails here, naming the variable, when one is missing)
        CredentialsProvider credentials = EnvironmentCredentialsProvider.fromSystemEnv();
        try (TableClient tables = TableClient.builder().endpoint(endpoint).instanceName(instance)
                        .credentialsProvider(credentials).build();
                TunnelClient tunnels = TunnelClient.create(tables.config());
                // the worker threads: yours, shared by every worker given them; closed once the daemon returned
                TunnelWorkerPools pools = TunnelWorkerPools.create()) {
            if (!tables.listTables().contains(table)) {
                tables.createTable(CreateTableRequest.builder(table).addPrimaryKey("id", PrimaryKeyType.INTEGER)
                        .streamEnabled(24).build());
            }
            String tunnelId = findOrCreateTunnel(tunnels, table, tunnelName);

            // one config per process, shared by all its workers (and through it, the pools)
            TunnelWorkerConfig config = TunnelWorkerConfig.builder()
                    .pools(pools)
                    .processorFactory(SimpleProcessorFactory.of("quick-start", (ctx, records) -> {
                        for (StreamRecord record : records) {
                            System.out.println(ctx.customValue() + " " + ctx.channelId() + " " + record);
                        }
                    }))
                    .build();

            TunnelDaemon daemon = new TunnelDaemon(tunnels, tunnelId, config);
            Runtime.getRuntime().addShutdownHook(new Thread(daemon::close, "quick-start-stop"));
            System.out.println("consuming tunnel " + tunnelName + " (" + tunnelId + ") of table " + table);
            daemon.run();   // blocks until Ctrl-C, or throws when the tunnel cannot be consumed (deleted, expired…)
        }
    }

    /** The id of {@code tunnelName} on {@code table}, creating the tunnel on first use. */
    static String findOrCreateTunnel(TunnelClient tunnels, String table, String tunnelName) {
        try {
            return tunnels.createTunnel(CreateTunnelRequest.of(table, tunnelName, TunnelType.BASE_AND_STREAM));
        } catch (TablestoreException e) {
            if (!"OTSTunnelExist".equals(e.errorCode())) {
                throw e;
            }
            return tunnels.listTunnels(table).stream()
                    .filter(t -> t.tunnelName().equals(tunnelName))
                    .map(TunnelInfo::tunnelId)
                    .findFirst()
                    .orElseThrow(() -> e);
        }
    }
}
