package io.tunnelstore.storage.rocksdb;

import io.tunnelstore.storage.StorageException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the operations running against the native handles so that closing waits for them instead of freeing
 * memory under their feet. Thread-safe.
 *
 * <p>{@link #enter()} increments before it reads the closed flag and {@link #close()} sets the flag before it reads
 * the count; with both being sequentially consistent, either the operation sees the flag and backs out, or close
 * sees the operation and waits for it.
 */
final class InFlightGate {
    private final String name;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Object monitor = new Object();

    InFlightGate(String name) {
        this.name = name;
    }

    /** Registers an operation; throws {@link StorageException} when the engine is closed. Pair with {@link #exit}. */
    void enter() {
        inFlight.incrementAndGet();
        if (closed.get()) {
            exit();
            throw new StorageException("storage engine " + name + " is closed");
        }
    }

    void exit() {
        if (inFlight.decrementAndGet() == 0 && closed.get()) {
            synchronized (monitor) {
                monitor.notifyAll();
            }
        }
    }

    boolean isClosed() {
        return closed.get();
    }

    /**
     * Refuses new operations and waits (uninterruptibly; the interrupt flag is kept) until the running ones exited.
     *
     * @return false if the gate was already closed
     */
    boolean close() {
        if (!closed.compareAndSet(false, true)) {
            return false;
        }
        boolean interrupted = false;
        synchronized (monitor) {
            while (inFlight.get() > 0) {
                try {
                    monitor.wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return true;
    }
}
