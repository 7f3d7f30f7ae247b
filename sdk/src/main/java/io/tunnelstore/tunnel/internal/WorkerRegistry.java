package io.tunnelstore.tunnel.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live workers of this JVM, closed once at abnormal exit by a single shutdown hook (installed lazily with the
 * first registration, never one hook per worker start as the official SDK did). Closing a worker releases its
 * pools, calls each channel's onShutdown and sends ShutdownTunnel. Thread-safe.
 */
public final class WorkerRegistry {
    private static final Logger log = LoggerFactory.getLogger(WorkerRegistry.class);

    /** The process-wide registry. */
    public static final WorkerRegistry GLOBAL = new WorkerRegistry(
            hook -> Runtime.getRuntime().addShutdownHook(hook), Duration.ofSeconds(10));

    /** Something the hook can close. */
    public interface Closeable {
        /** Closes gracefully, forcing after {@code timeout}; must not throw. */
        void closeForExit(Duration timeout);
    }

    private final Consumer<Thread> hookInstaller;
    private final Duration closeTimeout;
    private final Set<Closeable> live = new LinkedHashSet<>();
    private boolean hookInstalled;
    private boolean exiting;

    /** For tests: {@code hookInstaller} receives the hook thread instead of the JVM. */
    public WorkerRegistry(Consumer<Thread> hookInstaller, Duration closeTimeout) {
        this.hookInstaller = hookInstaller;
        this.closeTimeout = closeTimeout;
    }

    /** Adds a live worker; installs the hook on first use. Returns false when the JVM is already exiting. */
    public boolean register(Closeable worker) {
        synchronized (live) {
            if (exiting) {
                return false;
            }
            live.add(worker);
            if (!hookInstalled) {
                hookInstalled = true;
                hookInstaller.accept(new Thread(this::closeAll, "tunnel-worker-shutdown-hook"));
            }
            return true;
        }
    }

    /** Removes a worker that closed by itself. */
    public void deregister(Closeable worker) {
        synchronized (live) {
            live.remove(worker);
        }
    }

    /** Number of live workers. */
    public int size() {
        synchronized (live) {
            return live.size();
        }
    }

    /** The hook body: closes every live worker once. */
    public void closeAll() {
        List<Closeable> toClose;
        synchronized (live) {
            exiting = true;
            toClose = new ArrayList<>(live);
            live.clear();
        }
        for (Closeable w : toClose) {
            try {
                w.closeForExit(closeTimeout);
            } catch (RuntimeException e) {
                log.error("Closing a tunnel worker at JVM exit failed", e);
            }
        }
    }
}
