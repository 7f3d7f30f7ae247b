package io.tunnelstore.cli;

import io.tunnelstore.client.ChannelInfo;
import io.tunnelstore.client.TunnelClient;
import io.tunnelstore.client.TunnelDescription;
import io.tunnelstore.client.TunnelType;
import io.tunnelstore.tunnel.ChannelContext;
import io.tunnelstore.tunnel.ChannelProcessor;
import io.tunnelstore.tunnel.StreamRecord;
import io.tunnelstore.tunnel.TunnelWorker;
import io.tunnelstore.tunnel.TunnelWorkerException;
import io.tunnelstore.tunnel.TunnelWorkerConfig;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code tunnelstore tunnel consume TABLE TUNNEL}: runs a tunnel worker (restarted after transient failures, like
 * a {@code TunnelDaemon}) and prints every record it receives. Stops after {@code --max-records}, after
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
            WorkerLoop loop = new WorkerLoop(client, tunnelId, config);
            Thread consumer = new Thread(loop::run, "tunnelstore-consume");
            // Ctrl-C (SIGINT) runs shutdown hooks: stop the worker gracefully so what was printed is committed.
            Thread hook = new Thread(() -> loop.stop(consumer), "tunnelstore-consume-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            consumer.start();
            try {
                String reason = awaitEnd(client, consumer, limitReached, endedChannels, baseOnly);
                loop.stop(consumer);
                if (loop.failure.get() != null) {
                    throw loop.failure.get();
                }
                err().printf("%s: %d records (%s)%n", spec.qualifiedName(), printer.printed(), reason);
                err().flush();
            } finally {
                loop.stop(consumer);
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
                if (allDelivered(client.describeTunnel(table, tunnel).channels(), endedChannels)) {
                    awaitTerminatedReported(client, left);
                    return "every channel of the base tunnel delivered";
                }
            }
        }
    }

    /**
     * Channels that ended here are reported TERMINATED on the worker's next heartbeat. Wait for that (at most two
     * heartbeat intervals) so that the server, and {@code describe}, show the base tunnel as finished.
     */
    private void awaitTerminatedReported(TunnelClient client, long maxNanos) throws InterruptedException {
        long budget = Math.min(maxNanos, heartbeat.multipliedBy(2).toNanos());
        long start = System.nanoTime();
        while (System.nanoTime() - start < budget) {
            if (allDelivered(client.describeTunnel(table, tunnel).channels(), Set.of())) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(250); // polling the server's view; nothing local to wait on
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
     * Runs tunnel workers until stopped, like {@link io.tunnelstore.tunnel.TunnelDaemon} (a transient failure starts
     * a new worker after a back-off of 1 s doubling to 30 s; a fatal one ends the loop), but keeps hold of the
     * current worker so that {@link #stop} can bound the graceful close with {@link #CLOSE_TIMEOUT}.
     */
    private final class WorkerLoop {
        static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);
        final TunnelClient client;
        final String tunnelId;
        final TunnelWorkerConfig config;
        final CountDownLatch stopped = new CountDownLatch(1);
        final AtomicReference<RuntimeException> failure = new AtomicReference<>();
        volatile TunnelWorker current;

        WorkerLoop(TunnelClient client, String tunnelId, TunnelWorkerConfig config) {
            this.client = client;
            this.tunnelId = tunnelId;
            this.config = config;
        }

        void run() {
            long backoffMillis = 1_000;
            while (stopped.getCount() > 0) {
                TunnelWorker worker = new TunnelWorker(client, tunnelId, config);
                current = worker;
                if (stopped.getCount() == 0) {
                    return;
                }
                try {
                    worker.start();
                    worker.termination().get();
                    return; // stopped from outside
                } catch (ExecutionException e) {
                    if (stopped.getCount() == 0) {
                        return;
                    }
                    Throwable cause = e.getCause();
                    if (!(cause instanceof TunnelWorkerException twe) || twe.isFatal()) {
                        failure.set(cause instanceof RuntimeException re ? re
                                : new IllegalStateException("tunnel worker failed: " + cause, cause));
                        return;
                    }
                    err().printf("%s: worker stopped (%s: %s); restarting in %d ms%n", spec.qualifiedName(),
                            twe.errorCode(), twe.getMessage(), backoffMillis);
                    err().flush();
                } catch (IllegalStateException e) {
                    return; // closed while starting
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                try {
                    if (stopped.await(backoffMillis, TimeUnit.MILLISECONDS)) {
                        return;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                backoffMillis = Math.min(30_000, backoffMillis * 2);
            }
        }

        /** Stops the current worker (gracefully, then forcibly after the close timeout) and waits for the loop. */
        void stop(Thread loopThread) {
            stopped.countDown();
            TunnelWorker w = current;
            if (w != null) {
                w.close(CLOSE_TIMEOUT);
            }
            try {
                loopThread.join(CLOSE_TIMEOUT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
