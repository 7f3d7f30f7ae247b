package io.tunnelstore.server.tunnel;

import io.tunnelstore.server.tunnel.coordinator.TunnelCoordinator;
import io.tunnelstore.server.tunnel.coordinator.TunnelSnapshot;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * One live tunnel: its definition (fixed, except for stream channels added by partition splits), its coordinator and the serial queue that is the only way to reach the
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
    /** Replaced (on the queue only) when split children add stream channels. */
    private volatile TunnelDefinition definition;
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

    /**
     * Adds stream channels on the queue: {@code plan} sees the current definition (so concurrent callers never add a
     * channel twice), the coordinator and the definition change together and are saved before the stage completes.
     *
     * @return how many channels were added
     */
    CompletionStage<Integer> addStreamChannels(
            Function<TunnelDefinition, List<SplitChildChannels.NewStreamChannel>> plan) {
        return serial.call(() -> {
            if (deleted) {
                throw TunnelErrors.tunnelNotExist(definition.tunnelId());
            }
            List<SplitChildChannels.NewStreamChannel> added = plan.apply(definition);
            if (added.isEmpty()) {
                return 0;
            }
            coordinator.addStreamChannels(added.stream().map(SplitChildChannels.NewStreamChannel::channel).toList());
            definition = definition.withStreamChannels(
                    added.stream().map(SplitChildChannels.NewStreamChannel::spec).toList());
            saveIfDirty();
            return added.size();
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
