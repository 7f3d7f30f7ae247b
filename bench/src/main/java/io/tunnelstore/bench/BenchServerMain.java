package io.tunnelstore.bench;

import io.tunnelstore.server.ServerConfig;
import io.tunnelstore.server.TunnelstoreServer;
import io.tunnelstore.server.table.TableModule;
import io.tunnelstore.server.tunnel.TunnelModule;
import io.tunnelstore.server.tunnel.TunnelServiceConfig;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * Entry point of the server child JVM that the harness measures through {@code /proc}: a complete server (table API and
 * Tunnel Service, default tunnel settings) on a loopback port. Prints {@code READY <port>} once it serves, then runs
 * until its standard input closes (the harness closes it, or dies), and closes the server cleanly.
 *
 * <p>Arguments: data directory, {@code sync|nosync} (WAL fsync per commit or not).
 */
public final class BenchServerMain {
    private BenchServerMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: BenchServerMain <data-dir> sync|nosync");
            System.exit(2);
        }
        ServerConfig config = ServerConfig.builder()
                .host("127.0.0.1")
                .port(0)
                .dataDir(Path.of(args[0]))
                .instanceNames(List.of(BenchServer.INSTANCE))
                .adminKey(BenchServer.ACCESS_KEY_ID, BenchServer.ACCESS_KEY_SECRET)
                .syncWrites("sync".equals(args[1]))
                .build();
        TunnelstoreServer server = TunnelstoreServer.builder(config)
                .module(TableModule::new)
                .module(ctx -> new TunnelModule(ctx, TunnelServiceConfig.defaults()))
                .module(ctx -> new QueueWaitProbe())
                .console(new PrintStream(OutputStream.nullOutputStream()))
                .build();
        server.start();
        System.out.println("READY " + server.port());
        System.out.flush();
        // stdin EOF is the stop signal: it also arrives when the harness JVM dies, so no orphan server stays behind
        while (System.in.read() >= 0) {
            // ignore input
        }
        server.close();
    }
}
