package io.tunnelstore.cli;

import io.tunnelstore.client.ChannelInfo;
import io.tunnelstore.client.TunnelClient;
import io.tunnelstore.client.TunnelDescription;
import io.tunnelstore.client.TunnelType;
import io.tunnelstore.tunnel.ChannelContext;
import io.tunnelstore.tunnel.ChannelProcessor;
import io.tunnelstore.tunnel.StreamRecord;
import io.tunnelstore.tunnel.TunnelDaemon;
import io.tunnelstore.tunnel.TunnelWorkerConfig;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code tunnelstore tunnel consume TABLE TUNNEL}: runs a {@link TunnelDaemon} (a tunnel worker, restarted after
 * transient failures) and prints every record it receives. Stops after {@code --max-records}, after
 * {@code --timeout}, when a BaseData tunnel has delivered all its channels, or on Ctrl-C; each stop is graceful:
 * the worker commits what was printed and hands its channels back.
 */
@Command(name = "consume", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Consume a tunnel and print its records: text lines, or one JSON object per line.",
                "Runs a tunnel worker like any consumer (it takes channels from other workers of the tunnel!).",
                "Stops after --max-records, after --timeout, when a base tunnel is fully delivered, or on Ctrl-C;",
                "the worker then commits what was printed. Records of a batch cut short by --max-records are",
                "left unacknowledged, so the next consumer gets them again."})
final class TunnelConsumeCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "TABLE", description = "Table name.")
    String table;

    @Parameters(index = "1", paramLabel = "TUNNEL", description = "Tunnel name.")
    String tunnel;

    @Option(names = "--max-records", defaultValue = "0", paramLabel = "N",
            description = "Stop after printing N records; 0 means no limit (default: ${DEFAULT-VALUE}).")
    long maxRecords;

    @Option(names = "--timeout", paramLabel = "DURATION",
            description = "Stop after this long, ISO-8601 (e.g. PT30S; default: no limit).")
    Duration timeout;

    @Option(names = "--heartbeat", defaultValue = "PT5S", paramLabel = "DURATION",
            description = "Worker heartbeat interval, ISO-8601, at least PT5S (default: ${DEFAULT-VALUE}).")
    Duration heartbeat;

    /** Thrown from the callback to leave a batch unacknowledged once the limit is reached. */
    static final class LimitReached extends RuntimeException {
        private static final long serialVersionUID = 1L;

        LimitReached(long max) {
            super("--max-records " + max + " reached; the rest of this batch stays unacknowledged", null, false,
                    false);
        }
    }

    @Override
    int run() throws InterruptedException {
        if (maxRecords < 0) {
            throw new ParameterException(spec.commandLine(), "--max-records must not be negative");
        }
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            throw new ParameterException(spec.commandLine(), "--timeout must be positive");
        }
        if (heartbeat.compareTo(TunnelWorkerConfig.MIN_HEARTBEAT_INTERVAL) < 0) {
            throw new ParameterException(spec.commandLine(), "--heartbeat must be at least PT5S, got " + heartbeat);
        }
        try (TunnelClient client = TunnelClient.create(clientConfig())) {
            TunnelDescription description = client.describeTunnel(table, tunnel);
            String tunnelId = description.tunnel().tunnelId();
            boolean baseOnly = description.tunnel().type() == TunnelType.BASE_DATA;
            RecordPrinter printer = new RecordPrinter(out(), json(), maxRecords);
            CountDownLatch limitReached = new CountDownLatch(1);
            Set<String> endedChannels = ConcurrentHashMap.newKeySet();

            TunnelWorkerConfig config = TunnelWorkerConfig.builder()
                    .heartbeatInterval(heartbeat)
                    .processorFactory(context -> new ChannelProcessor() {
                        @Override
                        public void process(ChannelContext ctx, List<StreamRecord> records) {
                            int printed = printer.offer(ctx.channelId(), records);
                            if (printer.limitReached()) {
                                limitReached.countDown();
                            }
                            if (printed < records.size()) {
                                throw new LimitReached(maxRecords);
                            }
                        }

                        @Override
                        public void onChannelEnd(ChannelContext ctx) {
                            endedChannels.add(ctx.channelId());
                        }
                    })
                    .build();
            ConsumerThread consumer = new ConsumerThread(new TunnelDaemon(client, tunnelId, config));
            // Ctrl-C (SIGINT) runs shutdown hooks: stop the worker gracefully so what was printed is committed.
            Thread hook = new Thread(consumer::stop, "tunnelstore-consume-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            consumer.start();
            try {
                String reason = awaitEnd(client, consumer.thread, limitReached, endedChannels, baseOnly);
                consumer.stop();
                if (consumer.failure.get() != null) {
                    throw consumer.failure.get();
                }
                err().printf("%s: %d records (%s)%n", spec.qualifiedName(), printer.printed(), reason);
                err().flush();
            } finally {
                consumer.stop();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // The JVM is already shutting down: the hook is running or has run.
                }
            }
        }
        return 0;
    }

    /** Waits for a stop condition and says which one ended the run. */
    private String awaitEnd(TunnelClient client, Thread consumer, CountDownLatch limitReached,
            Set<String> endedChannels, boolean baseOnly) throws InterruptedException {
        long start = System.nanoTime();
        int endedChecked = 0;
        while (true) {
            // Elapsed-time arithmetic: System.nanoTime() may be negative, so no absolute deadline.
            long left = timeout == null ? Long.MAX_VALUE : timeout.toNanos() - (System.nanoTime() - start);
            if (left <= 0) {
                return "timeout " + timeout + " reached";
            }
            // Wake up at least twice a second to notice a finished worker or newly ended channels.
            if (limitReached.await(Math.min(left, 500_000_000L), TimeUnit.NANOSECONDS)) {
                return "--max-records reached";
            }
            if (!consumer.isAlive()) {
                return "worker stopped";
            }
            int ended = endedChannels.size();
            if (baseOnly && ended > endedChecked) {
                endedChecked = ended;
                // The graceful stop that follows reports these channels TERMINATED (final heartbeat) before
                // ShutdownTunnel, so describe shows the base tunnel finished once consume has returned.
                if (allDelivered(client.describeTunnel(table, tunnel).channels(), endedChannels)) {
                    return "every channel of the base tunnel delivered";
                }
            }
        }
    }

    /** True when every channel either ended here or is TERMINATED on the server. */
    static boolean allDelivered(List<ChannelInfo> channels, Set<String> endedHere) {
        if (channels.isEmpty()) {
            return false;
        }
        for (ChannelInfo c : channels) {
            if (c.status() != ChannelInfo.Status.TERMINATED && !endedHere.contains(c.channelId())) {
                return false;
            }
        }
        return true;
    }

    /**
     * The thread that runs {@link TunnelDaemon#run()} and keeps what it failed with. {@link #stop} may be called
     * from any thread, several times (the command and the shutdown hook both call it).
     */
    private static final class ConsumerThread {
        static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);
        final TunnelDaemon daemon;
        final Thread thread;
        /** A fatal {@code TunnelWorkerException} (or another failure) that ended {@code run()}. */
        final AtomicReference<RuntimeException> failure = new AtomicReference<>();

        ConsumerThread(TunnelDaemon daemon) {
            this.daemon = daemon;
            this.thread = new Thread(this::runDaemon, "tunnelstore-consume");
        }

        private void runDaemon() {
            try {
                daemon.run();
            } catch (RuntimeException e) {
                failure.set(e);
            }
        }

        void start() {
            thread.start();
        }

        /** Stops the worker (gracefully, forced after {@link #CLOSE_TIMEOUT}) and waits for {@code run()}. */
        void stop() {
            daemon.close(CLOSE_TIMEOUT);
            try {
                // close(timeout) returns once the worker stopped; run() then returns at once. The bound only
                // guards against a daemon that never started a worker.
                thread.join(CLOSE_TIMEOUT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
