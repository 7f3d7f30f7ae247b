package io.tunnelstore.server.tunnel;

import io.tunnelstore.coordinator.ClientIdGenerator;
import io.tunnelstore.coordinator.TunnelCoordinator;
import io.tunnelstore.coordinator.TunnelRecords;
import io.tunnelstore.storage.StorageEngine;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live tunnels of every instance, by id, over their durable home in the storage metadata ({@link TunnelStore}).
 *
 * <p>Thread-safety: lookups are lock-free; {@link #add} and {@link #remove} are called under the admin lock of
 * {@link TunnelAdmin} so name uniqueness checks and inserts are atomic.
 */
final class TunnelRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(TunnelRegistry.class);

    private final TunnelStore store;
    private final Executor pool;
    private final ConcurrentHashMap<String, TunnelRuntime> byId = new ConcurrentHashMap<>();

    TunnelRegistry(StorageEngine storage, Executor pool) {
        this.store = new TunnelStore(storage);
        this.pool = pool;
    }

    /**
     * Restores every stored tunnel (server start). Checkpoints and channel ownership are kept; each known client gets
     * a fresh heartbeat timeout to come back.
     *
     * @throws TunnelStore.UnreadableTunnelException when a stored tunnel cannot be decoded: the server does not start
     *     (a tunnel is never dropped silently)
     */
    void loadAll(long nowMillis) {
        for (TunnelStore.Loaded t : store.loadAll(nowMillis, TunnelRegistry::newIdGenerator)) {
            byId.put(t.definition().tunnelId(), newRuntime(t.definition(), t.coordinator()));
        }
        LOG.info("Loaded {} tunnel(s) from storage", byId.size());
    }

    TunnelStore store() {
        return store;
    }

    /** A client id generator with the documented "tag plus random string" shape. */
    static ClientIdGenerator newIdGenerator() {
        return ClientIdGenerator.random(new SplittableRandom());
    }

    /**
     * Stores a new tunnel (its definition and every record of its coordinator's state, in one write) and makes it
     * visible. On a storage failure nothing is visible and the exception propagates.
     */
    TunnelRuntime add(TunnelDefinition definition, TunnelCoordinator coordinator) {
        store.persist(definition, true, TunnelRecords.of(coordinator.snapshot()));
        coordinator.commit();
        TunnelRuntime rt = newRuntime(definition, coordinator);
        byId.put(definition.tunnelId(), rt);
        return rt;
    }

    /**
     * Deletes a tunnel: after the calls already queued on it, deletes its records from storage, then marks it deleted
     * (later calls fail with "tunnel not exist") and removes it from lookups. If the storage delete fails, the tunnel
     * stays as it was and the stage fails.
     */
    CompletionStage<Void> remove(TunnelRuntime rt) {
        return rt.markDeleted(() -> store.delete(rt.definition()))
                .thenRun(() -> byId.remove(rt.tunnelId(), rt));
    }

    /**
     * The tunnel with this id in this instance.
     *
     * @throws io.tunnelstore.protocol.errors.OtsException OTSParameterInvalid "tunnel not exist"
     */
    TunnelRuntime require(String instance, String tunnelId) {
        TunnelRuntime rt = tunnelId == null ? null : byId.get(tunnelId);
        if (rt == null || !rt.definition().instanceName().equals(instance)) {
            throw TunnelErrors.tunnelNotExist(tunnelId);
        }
        return rt;
    }

    /** The tunnel with this id in this instance, if any. */
    Optional<TunnelRuntime> find(String instance, String tunnelId) {
        TunnelRuntime rt = tunnelId == null ? null : byId.get(tunnelId);
        return rt == null || !rt.definition().instanceName().equals(instance) ? Optional.empty() : Optional.of(rt);
    }

    Optional<TunnelRuntime> findByName(String instance, String table, String tunnelName) {
        return byId.values().stream()
                .filter(rt -> rt.definition().instanceName().equals(instance)
                        && rt.definition().tableName().equals(table)
                        && rt.definition().tunnelName().equals(tunnelName))
                .findFirst();
    }

    /** Tunnels of an instance ({@code table == null}: of every table), by table then tunnel name. */
    List<TunnelRuntime> list(String instance, String table) {
        return byId.values().stream()
                .filter(rt -> rt.definition().instanceName().equals(instance)
                        && (table == null || rt.definition().tableName().equals(table)))
                .sorted(Comparator.comparing((TunnelRuntime rt) -> rt.definition().tableName())
                        .thenComparing(rt -> rt.definition().tunnelName()))
                .toList();
    }

    Collection<TunnelRuntime> all() {
        return List.copyOf(byId.values());
    }

    private TunnelRuntime newRuntime(TunnelDefinition definition, TunnelCoordinator coordinator) {
        return new TunnelRuntime(definition, coordinator, pool, store::persist);
    }
}
