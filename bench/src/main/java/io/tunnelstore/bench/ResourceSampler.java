package io.tunnelstore.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Samples, every 200 ms while open, the server child's RSS (peak) and the harness JVM's heap in use (peak: the
 * workers run in the harness), and takes the server's CPU seconds at open and close. Given several server processes
 * (a cluster's nodes), it samples the sum of their RSS and of their CPU. Thread-safe to close once.
 */
final class ResourceSampler implements AutoCloseable {
    /** What one window of sampling saw. */
    record Usage(double serverPeakRssMb, double serverCpuSeconds, double wallSeconds, double workerPeakHeapMb) {
        double serverCpuPercent() {
            return wallSeconds <= 0 ? 0 : 100.0 * serverCpuSeconds / wallSeconds;
        }
    }

    private final long[] serverPids;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bench-resource-sampler");
        t.setDaemon(true);
        return t;
    });
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final long startNanos = System.nanoTime();
    private final double startCpu;
    private volatile long peakRss;
    private volatile long peakHeap;
    private Usage usage;

    ResourceSampler(long... serverPids) {
        this.serverPids = serverPids.clone();
        this.startCpu = cpuSeconds();
        timer.scheduleAtFixedRate(this::sample, 0, 200, TimeUnit.MILLISECONDS);
    }

    private double cpuSeconds() {
        double sum = 0;
        for (long pid : serverPids) {
            sum += ProcStats.cpuSeconds(pid);
        }
        return sum;
    }

    private void sample() {
        long rss = 0;
        for (long pid : serverPids) {
            rss += ProcStats.rssBytes(pid);
        }
        if (rss > peakRss) {
            peakRss = rss;
        }
        long heap = memory.getHeapMemoryUsage().getUsed();
        if (heap > peakHeap) {
            peakHeap = heap;
        }
    }

    /** Stops sampling and returns the window's usage. */
    Usage usage() {
        close();
        return usage;
    }

    @Override
    public synchronized void close() {
        if (usage != null) {
            return;
        }
        timer.shutdownNow();
        sample();
        double cpu = cpuSeconds() - startCpu;
        usage = new Usage(peakRss / 1048576.0, cpu, (System.nanoTime() - startNanos) / 1e9, peakHeap / 1048576.0);
    }
}
