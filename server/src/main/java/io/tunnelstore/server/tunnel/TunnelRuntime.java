package io.tunnelstore.server.tunnel;

import io.tunnelstore.server.tunnel.coordinator.TunnelCoordinator;
import io.tunnelstore.server.tunnel.coordinator.TunnelSnapshot;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * One live tunnel: its fixed definition, its coordinator and the serial queue that is the only way to reach the
 * coordinator.
 *
 * <p>Every {@link #call} runs on the tunnel's queue, then, if the coordinator recorded a durable change, saves the
 * snapshot (with the definition) before the returned stage completes — so a response is only sent for state that
 * survives a crash. After {@link #markDeleted} every later call fails with "tunnel not exist" and nothing is saved
 * again (a delete is never undone by an in-flight request).
 *
 * <p>Thread-safe.
 */
final class TunnelRuntime {
    private final TunnelDefinition definition;
    private final TunnelCoordinator coordinator;
    private final SerialExecutor serial;
    private final SnapshotSaver saver;
    /** Mirrors of coordinator state for the lock-free ReadRecords fast path; written on the queue only. */
    private volatile boolean unusable;
    private volatile boolean deleted;

    /** Writes a tunnel's definition and snapshot durably (storage meta). */
    @FunctionalInterface
    interface SnapshotSaver {
        void save(TunnelDefinition definition, TunnelSnapshot snapshot);
    }

    TunnelRuntime(TunnelDefinition definition, TunnelCoordinator coordinator, Executor pool, SnapshotSaver saver) {
        this.definition = Objects.requireNonNull(definition, "definition");
        this.coordinator = Objects.requireNonNull(coordinator, "coordinator");
        this.serial = new SerialExecutor(pool);
        this.saver = Objects.requireNonNull(saver, "saver");
        TunnelSnapshot s = coordinator.snapshot();
        this.unusable = s.expired() != null || s.disabled() != null;
    }

    TunnelDefinition definition() {
        return definition;
    }

    String tunnelId() {
        return definition.tunnelId();
    }

    /** True once the tunnel is expired or disabled (may lag the coordinator by one queued call). */
    boolean unusable() {
        return unusable;
    }

    boolean deleted() {
        return deleted;
    }

    /**
     * Runs {@code op} against the coordinator on the tunnel's queue and persists any durable change before the
     * stage completes. The stage fails with {@link TunnelErrors#tunnelNotExist} once the tunnel is deleted, and
     * with the op's (or the save's) exception otherwise.
     */
    <T> CompletionStage<T> call(Function<TunnelCoordinator, T> op) {
        return serial.call(() -> {
            if (deleted) {
                throw TunnelErrors.tunnelNotExist(definition.tunnelId());
            }
            T result = op.apply(coordinator);
            saveIfDirty();
            return result;
        });
    }

    /** Saves the current state now (after creation or restore) on the calling thread; must precede any call. */
    void saveInitial() {
        saveIfDirty();
    }

    /** Stops the tunnel: runs on the queue so it is ordered after every call already queued. */
    CompletionStage<Void> markDeleted(Runnable deleteFromStorage) {
        return serial.call(() -> {
            deleted = true;
            deleteFromStorage.run();
            return null;
        });
    }

    private void saveIfDirty() {
        if (!coordinator.isDirty()) {
            return; // expiry is a durable change, so "unusable" cannot change without one
        }
        TunnelSnapshot s = coordinator.snapshot();
        saver.save(definition, s);
        coordinator.markSaved(s.changeCount());
        unusable = s.expired() != null || s.disabled() != null;
    }
}
