package io.tunnelstore.cli;

import io.tunnelstore.client.BatchWriteResult;
import io.tunnelstore.client.ClientConfig;
import io.tunnelstore.client.CreateTableRequest;
import io.tunnelstore.client.CreateTunnelRequest;
import io.tunnelstore.client.PrimaryKeyType;
import io.tunnelstore.client.RowChange;
import io.tunnelstore.client.RowDeleteChange;
import io.tunnelstore.client.RowPutChange;
import io.tunnelstore.client.RowUpdateChange;
import io.tunnelstore.client.TableClient;
import io.tunnelstore.client.TunnelClient;
import io.tunnelstore.client.TunnelDescription;
import io.tunnelstore.client.TunnelType;
import io.tunnelstore.protocol.model.Cell;
import io.tunnelstore.protocol.model.ColumnValue;
import io.tunnelstore.protocol.model.PrimaryKey;
import io.tunnelstore.protocol.model.PrimaryKeyColumn;
import io.tunnelstore.server.ServerConfig;
import io.tunnelstore.server.TunnelstoreServer;
import io.tunnelstore.tunnel.SimpleProcessorFactory;
import io.tunnelstore.tunnel.StreamRecord;
import io.tunnelstore.tunnel.TunnelDaemon;
import io.tunnelstore.tunnel.TunnelWorkerConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tunnelstore demo}: the seed's quick start, end to end. Starts a server on the embedded engine (or uses
 * {@code --endpoint}), creates a table with a stream, writes rows, creates a BaseAndStream tunnel, consumes it with a
 * {@link TunnelDaemon} while further changes are written, shows progress, and ends with
 * {@code demo: base=<rows> stream=<changes> ok}.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run the quick start end to end: table with a stream, rows, a BaseAndStream tunnel consumed by",
                "a TunnelDaemon while changes are written. Ends with 'demo: base=<rows> stream=<changes> ok'."})
final class DemoCommand implements Callable<Integer> {
    static final String TABLE = "demo_orders";
    static final String TUNNEL = "demo_tunnel";

    @Option(names = "--rows", defaultValue = "1000", description = "Rows written before the tunnel starts (default: ${DEFAULT-VALUE}).")
    int rows;

    @Option(names = "--changes", defaultValue = "200",
            description = "Changes (updates, puts, deletes) written while the tunnel is consumed (default: ${DEFAULT-VALUE}).")
    int changes;

    @Option(names = "--exit-when-done", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Exit once every row and change was consumed (default: ${DEFAULT-VALUE}); "
                    + "--no-exit-when-done keeps consuming until Ctrl-C.")
    boolean exitWhenDone;

    @Option(names = "--rate", defaultValue = "5",
            description = "With --no-exit-when-done: changes per second written after the first --changes "
                    + "(default: ${DEFAULT-VALUE}; 0 stops writing).")
    int rate;

    private volatile boolean stopping;
    /** Counted down by the Ctrl-C hook of an endless demo; the main thread then stops everything in order. */
    private final java.util.concurrent.CountDownLatch stopRequested = new java.util.concurrent.CountDownLatch(1);
    private final java.util.concurrent.CountDownLatch cleanedUp = new java.util.concurrent.CountDownLatch(1);
    private final java.util.concurrent.atomic.AtomicLong written = new java.util.concurrent.atomic.AtomicLong();

    @Option(names = "--timeout", defaultValue = "PT3M",
            description = "Give up when not done after this long, ISO-8601 (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--endpoint",
            description = "Use a running server instead of starting one (keys from OTS_AK_ENV / OTS_SK_ENV).")
    String endpoint;

    @Option(names = "--instance", defaultValue = "tunnelstore", description = "Instance name (default: ${DEFAULT-VALUE}).")
    String instance;

    @Option(names = "--data-dir", description = "Data directory of the embedded server (default: a fresh temporary one).")
    Path dataDir;

    @Option(names = "--heartbeat", defaultValue = "PT5S",
            description = "Worker heartbeat interval, ISO-8601, at least PT5S (default: ${DEFAULT-VALUE}).")
    Duration heartbeat;

    @Override
    public Integer call() throws Exception {
        if (rows < 0 || changes < 0) {
            throw new IllegalArgumentException("--rows and --changes must not be negative");
        }
        PrintStream out = System.out;
        String accessKeyId;
        String accessKeySecret;
        TunnelstoreServer server = null;
        String target = endpoint;
        if (target == null) {
            accessKeyId = "demo" + HexFormat.of().formatHex(new SecureRandom().generateSeed(6));
            accessKeySecret = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
            Path dir = dataDir != null ? dataDir : tempDir();
            server = StandardModules.server(ServerConfig.builder().port(0).dataDir(dir)
                    .instanceNames(List.of(instance)).adminKey(accessKeyId, accessKeySecret).build())
                    .console(out).build();
            server.start();
            target = server.endpoint();
            out.println("demo: embedded server on " + target + ", data in " + dir);
        } else {
            accessKeyId = requireEnv("OTS_AK_ENV");
            accessKeySecret = requireEnv("OTS_SK_ENV");
        }
        if (!exitWhenDone) {
            // Ctrl-C / SIGTERM: ask the main loop to stop, then wait for it to close the worker, clients and server.
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                stopRequested.countDown();
                try {
                    cleanedUp.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "demo-stop"));
        }
        ClientConfig config = ClientConfig.builder().endpoint(target).instanceName(instance)
                .credentials(accessKeyId, accessKeySecret).build();
        try (TableClient tables = TableClient.create(config); TunnelClient tunnels = TunnelClient.create(config)) {
            return runDemo(out, tables, tunnels);
        } finally {
            if (server != null) {
                server.close();
            }
            cleanedUp.countDown();
        }
    }

    private int runDemo(PrintStream out, TableClient tables, TunnelClient tunnels) throws Exception {
        // 1. A table with a stream (the change log the tunnel reads after the base data).
        if (tables.listTables().contains(TABLE)) {
            for (var tunnel : tunnels.listTunnels(TABLE)) {
                tunnels.deleteTunnel(TABLE, tunnel.tunnelName());
            }
            tables.deleteTable(TABLE);
        }
        tables.createTable(CreateTableRequest.builder(TABLE).addPrimaryKey("id", PrimaryKeyType.INTEGER)
                .streamEnabled(24).build());
        out.printf("demo: created table %s with a stream%n", TABLE);

        // 2. The base data.
        long started = System.nanoTime();
        List<RowChange> batch = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            batch.add(RowPutChange.of(TABLE, key(i), List.of(
                    Cell.put("item", ColumnValue.ofString("item-" + i)), Cell.put("amount", ColumnValue.ofLong(i)))));
            if (batch.size() == 200 || i == rows - 1) {
                writeBatch(tables, batch);
                batch.clear();
            }
        }
        out.printf("demo: wrote %d rows in %d ms%n", rows, (System.nanoTime() - started) / 1_000_000);

        // 3. A BaseAndStream tunnel: the full data first, then every change made after its creation.
        String tunnelId = tunnels.createTunnel(CreateTunnelRequest.of(TABLE, TUNNEL, TunnelType.BASE_AND_STREAM));
        out.printf("demo: created tunnel %s (id %s)%n", TUNNEL, tunnelId);

        // 4. Consume with a daemon; the custom value travels to the callback through the channel context.
        Set<String> baseKeys = ConcurrentHashMap.newKeySet();
        Set<String> streamRecords = ConcurrentHashMap.newKeySet();
        SimpleProcessorFactory factory = SimpleProcessorFactory.of("demo-consumer", (context, records) -> {
            for (StreamRecord record : records) {
                if (record.isBaseData()) {
                    baseKeys.add(record.primaryKey().toString());
                } else {
                    streamRecords.add(record.sequenceInfo().orElseThrow() + "/" + record.primaryKey());
                }
            }
        });
        TunnelWorkerConfig workerConfig = TunnelWorkerConfig.builder().heartbeatInterval(heartbeat)
                .processorFactory(factory).build();
        AtomicReference<Throwable> daemonFailure = new AtomicReference<>();
        TunnelDaemon daemon = new TunnelDaemon(tunnels, tunnelId, workerConfig);
        Thread consumer = new Thread(() -> {
            try {
                daemon.run();
            } catch (Throwable t) {
                daemonFailure.set(t);
            }
        }, "demo-daemon");
        consumer.start();
        try {

            // 5. Changes while the tunnel is consumed: updates, new rows and deletes, in that rotation.
            Thread writer = new Thread(() -> writeChanges(tables), "demo-writer");
            writer.start();

            long deadline = System.nanoTime() + timeout.toNanos();
            long lastPrint = 0;
            while (true) {
                if (daemonFailure.get() != null) {
                    throw new IllegalStateException("tunnel daemon failed: " + daemonFailure.get().getMessage(),
                            daemonFailure.get());
                }
                boolean done = baseKeys.size() >= rows && streamRecords.size() >= changes && !writer.isAlive();
                long now = System.nanoTime();
                if (done || now - lastPrint >= 1_000_000_000L) {
                    lastPrint = now;
                    TunnelDescription d = tunnels.describeTunnel(TABLE, TUNNEL);
                    out.printf("demo: stage=%s base=%d/%d (%d%%) stream=%d/%d channels=%d%n",
                            d.tunnel().stage().wireName(), baseKeys.size(), rows,
                            rows == 0 ? 100 : baseKeys.size() * 100L / rows, streamRecords.size(),
                            Math.max(changes, written.get()), d.channels().size());
                }
                if ((done && exitWhenDone) || stopRequested.getCount() == 0) {
                    break;
                }
                if (exitWhenDone && now > deadline) {
                    out.printf("demo: base=%d stream=%d FAILED (not done after %s)%n", baseKeys.size(),
                            streamRecords.size(), timeout);
                    return 1;
                }
                Thread.sleep(100); // progress display cadence, not a synchronisation
            }
            stopping = true;
            writer.join();
        } finally {
            stopping = true;
            // Graceful stop: the worker checkpoints and sends ShutdownTunnel before run() returns, so the clients
            // and the server must stay open until then.
            daemon.close();
            consumer.join(TimeUnit.SECONDS.toMillis(60));
        }
        if (baseKeys.size() != rows) {
            // the base data is a snapshot taken when the tunnel was created: exactly the rows written before it
            out.printf("demo: base=%d stream=%d FAILED (base data should hold exactly the %d rows written before "
                    + "the tunnel)%n", baseKeys.size(), streamRecords.size(), rows);
            return 1;
        }
        out.printf("demo: base=%d stream=%d ok%n", baseKeys.size(), streamRecords.size());
        return 0;
    }

    /**
     * {@code changes} changes: every third one updates a base row, puts a new row, or deletes the row put just before.
     * With {@code --no-exit-when-done} the writer then keeps going at {@code --rate} changes per second until the demo
     * is stopped, so the console and {@code tunnel watch} have something to show.
     */
    private void writeChanges(TableClient tables) {
        long pauseNanos = rate <= 0 ? 0 : 1_000_000_000L / rate;
        for (int c = 0; !stopping; c++) {
            if (c >= changes) {
                if (exitWhenDone || rate <= 0) {
                    return;
                }
                // Pacing the endless part of the demo to --rate; nothing waits on this.
                java.util.concurrent.locks.LockSupport.parkNanos(pauseNanos);
            }
            int target = c % Math.max(1, rows);
            switch (c % 3) {
                case 0 -> tables.updateRow(RowUpdateChange.of(TABLE, key(target),
                        List.of(Cell.put("amount", ColumnValue.ofLong(-c)))));
                case 1 -> tables.putRow(RowPutChange.of(TABLE, key(rows + c),
                        List.of(Cell.put("item", ColumnValue.ofString("new-" + c)))));
                default -> tables.deleteRow(RowDeleteChange.of(TABLE, key(rows + c - 1)));
            }
            written.incrementAndGet();
        }
    }

    private static void writeBatch(TableClient tables, List<RowChange> batch) {
        BatchWriteResult result = tables.batchWriteRow(List.copyOf(batch));
        if (!result.allSucceeded()) {
            throw new IllegalStateException("batch write failed: " + result);
        }
    }

    private static PrimaryKey key(long id) {
        return PrimaryKey.of(new PrimaryKeyColumn("id", ColumnValue.ofLong(id)));
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("tunnelstore-demo-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary data directory", e);
        }
    }

    private static String requireEnv(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("--endpoint needs the access key in the environment variable " + name);
        }
        return value;
    }
}
