package io.tunnelstore.server.tunnel;

import io.tunnelstore.coordinator.TunnelCoordinator;
import io.tunnelstore.coordinator.TunnelRecord;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One live tunnel: its definition (fixed, except for stream channels added by partition splits), its coordinator and
 * the serial queue that is the only way to reach the coordinator.
 *
 * <p><b>Commit, then apply.</b> Every {@link #call} runs on the tunnel's queue; the coordinator journals the call's
 * changes ({@link TunnelCoordinator#pendingChanges()}), the runtime writes them through its {@link Persistence}, and
 * only then commits them and completes the returned stage. If the write fails, the coordinator is rolled back to the
 * last committed state (exactly what storage holds) and the stage fails with the storage error: nothing the client
 * or a later call can see is ever ahead of storage. (If the engine fails after the bytes reached the disk, memory may
 * be behind storage, never ahead; the next change of the same records rewrites them.) After {@link #markDeleted}
 * every later call fails with "tunnel not exist" and nothing is saved again (a delete is never undone by an
 * in-flight request).
 *
 * <p><b>Moving to another node</b> (clustered): after {@link #unload} (this node released the tunnel) or once a write
 * was refused by the tunnel's fence (another node took it; nothing was stored), every later call fails with
 * {@link TunnelErrors#moved} and nothing is written again from this node; the new owner reloads the state from storage.
 *
 * <p>Thread-safe.
 */
final class TunnelRuntime {
    /** Replaced (on the queue only, after the write) when split children add stream channels. */
    private volatile TunnelDefinition definition;
    private final TunnelCoordinator coordinator;
    private final SerialExecutor serial;
    private final Persistence persistence;
    /** Mirrors of coordinator state for the lock-free ReadRecords fast path; written on the queue only. */
    private volatile boolean unusable;
    private volatile boolean deleted;
    /** Set once this node no longer runs the tunnel (released, or fenced by a new owner). */
    private volatile boolean unloaded;
    private final Consumer<TunnelRuntime> onFenced;

    /**
     * Writes one coordinator change durably and atomically: {@code changes} (the coordinator's pending records) and,
     * when {@code withDefinition}, the definition. Throws when nothing was stored ({@link TunnelStore#persist}).
     */
    @FunctionalInterface
    interface Persistence {
        void persist(TunnelDefinition definition, boolean withDefinition, List<TunnelRecord> changes);
    }

    /** A runtime over a coordinator whose state is already stored (nothing pending). */
    TunnelRuntime(TunnelDefinition definition, TunnelCoordinator coordinator, Executor pool, Persistence persistence) {
        this(definition, coordinator, pool, persistence, rt -> { });
    }

    /**
     * A runtime that calls {@code onFenced} (once, on its queue) when a write is refused because another node took the
     * tunnel: the runtime is then unloaded.
     */
    TunnelRuntime(TunnelDefinition definition, TunnelCoordinator coordinator, Executor pool, Persistence persistence,
                  Consumer<TunnelRuntime> onFenced) {
        this.onFenced = Objects.requireNonNull(onFenced, "onFenced");
        this.definition = Objects.requireNonNull(definition, "definition");
        this.coordinator = Objects.requireNonNull(coordinator, "coordinator");
        this.serial = new SerialExecutor(pool);
        this.persistence = Objects.requireNonNull(persistence, "persistence");
        this.unusable = coordinator.unusable();
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

    /** True once this node stopped running the tunnel (released or fenced); calls then fail. */
    boolean unloaded() {
        return unloaded;
    }

    /**
     * Stops running the tunnel on this node, after the calls already queued: later calls fail with
     * {@link TunnelErrors#moved} and write nothing. Idempotent.
     */
    CompletionStage<Void> unload() {
        return serial.call(() -> {
            unloaded = true;
            return null;
        });
    }

    private void requireLive() {
        if (deleted) {
            throw TunnelErrors.tunnelNotExist(definition.tunnelId());
        }
        if (unloaded) {
            throw TunnelErrors.moved(definition.tunnelId());
        }
    }

    /**
     * Runs {@code op} against the coordinator on the tunnel's queue; its durable changes are stored before they are
     * committed and before the stage completes. The stage fails with {@link TunnelErrors#tunnelNotExist} once the
     * tunnel is deleted, and with the op's (or the write's) exception otherwise — in both cases the coordinator is
     * left exactly as before the call.
     */
    <T> CompletionStage<T> call(Function<TunnelCoordinator, T> op) {
        return serial.call(() -> {
            requireLive();
            T result;
            try {
                result = op.apply(coordinator);
            } catch (RuntimeException e) {
                coordinator.rollback(); // a half-done change of a failing call is never kept
                throw e;
            }
            commit(definition, false);
            return result;
        });
    }

    /**
     * Adds stream channels on the queue: {@code plan} sees the current definition (so concurrent callers never add a
     * channel twice); the new definition and the coordinator's new channels are stored in one write, then applied.
     *
     * @return how many channels were added
     */
    CompletionStage<Integer> addStreamChannels(
            Function<TunnelDefinition, List<SplitChildChannels.NewStreamChannel>> plan) {
        return serial.call(() -> {
            requireLive();
            List<SplitChildChannels.NewStreamChannel> added = plan.apply(definition);
            if (added.isEmpty()) {
                return 0;
            }
            TunnelDefinition next = definition.withStreamChannels(
                    added.stream().map(SplitChildChannels.NewStreamChannel::spec).toList());
            try {
                coordinator.addStreamChannels(
                        added.stream().map(SplitChildChannels.NewStreamChannel::channel).toList());
            } catch (RuntimeException e) {
                coordinator.rollback();
                throw e;
            }
            commit(next, true);
            return added.size();
        });
    }

    /**
     * Stops the tunnel: runs on the queue so it is ordered after every call already queued; deletes from storage
     * first, so a failed delete leaves the tunnel as it was. Idempotent.
     */
    CompletionStage<Void> markDeleted(Runnable deleteFromStorage) {
        return serial.call(() -> {
            if (unloaded && !deleted) {
                throw TunnelErrors.moved(definition.tunnelId());
            }
            if (!deleted) {
                try {
                    deleteFromStorage.run();
                } catch (io.tunnelstore.storage.FencedException | io.tunnelstore.server.cluster.NotOwnerException e) {
                    unloaded = true;
                    onFenced.accept(this);
                    throw TunnelErrors.moved(definition.tunnelId());
                }
                deleted = true;
            }
            return null;
        });
    }

    /** Stores the coordinator's pending changes (and {@code next} when it changed), then applies them. */
    private void commit(TunnelDefinition next, boolean definitionChanged) {
        if (coordinator.isDirty() || definitionChanged) {
            try {
                persistence.persist(next, definitionChanged, coordinator.pendingChanges());
            } catch (io.tunnelstore.storage.FencedException | io.tunnelstore.server.cluster.NotOwnerException e) {
                // another node took the tunnel: nothing was stored, and this node must not run it any more
                coordinator.rollback();
                unloaded = true;
                onFenced.accept(this);
                throw TunnelErrors.moved(definition.tunnelId());
            } catch (RuntimeException e) {
                coordinator.rollback();
                throw e;
            }
        }
        coordinator.commit();
        definition = next;
        unusable = coordinator.unusable();
    }
}
