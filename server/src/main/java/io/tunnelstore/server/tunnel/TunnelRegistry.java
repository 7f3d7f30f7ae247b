package io.tunnelstore.server.tunnel;

import io.tunnelstore.server.tunnel.coordinator.ClientIdGenerator;
import io.tunnelstore.server.tunnel.coordinator.TunnelCoordinator;
import io.tunnelstore.server.tunnel.coordinator.TunnelSnapshot;
import io.tunnelstore.server.tunnel.coordinator.TunnelSnapshotCodec;
import io.tunnelstore.storage.MetaBatch;
import io.tunnelstore.storage.MetaEntry;
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
 * The live tunnels of every instance, by id, and their durable home in the storage metadata
 * ({@code tunnel/<instance>/<tunnelId>} = {@link StoredTunnelCodec definition + coordinator snapshot}).
 *
 * <p>Thread-safety: lookups are lock-free; {@link #add} and {@link #remove} are called under the admin lock of
 * {@link TunnelAdmin} so name uniqueness checks and inserts are atomic.
 */
final class TunnelRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(TunnelRegistry.class);

    private final StorageEngine storage;
    private final Executor pool;
    private final ConcurrentHashMap<String, TunnelRuntime> byId = new ConcurrentHashMap<>();

    TunnelRegistry(StorageEngine storage, Executor pool) {
        this.storage = storage;
        this.pool = pool;
    }

    /**
     * Restores every stored tunnel (server start). Checkpoints and channel ownership are kept; each known client gets
     * a fresh heartbeat timeout to come back. A record that cannot be decoded is logged and skipped.
     */
    void loadAll(long nowMillis) {
        List<MetaEntry> entries = storage.scanMeta("tunnel/");
        for (MetaEntry e : entries) {
            try {
                StoredTunnelCodec.StoredTunnel stored = StoredTunnelCodec.decode(e.value());
                TunnelSnapshot snapshot = TunnelSnapshotCodec.decode(stored.snapshot());
                TunnelCoordinator c = TunnelCoordinator.restore(snapshot, nowMillis, newIdGenerator());
                byId.put(stored.definition().tunnelId(), newRuntime(stored.definition(), c));
            } catch (RuntimeException ex) {
                LOG.error("Skipping unreadable tunnel record {}", e.key(), ex);
            }
        }
        LOG.info("Loaded {} tunnel(s) from storage", byId.size());
    }

    /** A client id generator with the documented "tag plus random string" shape. */
    static ClientIdGenerator newIdGenerator() {
        return ClientIdGenerator.random(new SplittableRandom());
    }

    /** Saves a new tunnel and makes it visible. */
    TunnelRuntime add(TunnelDefinition definition, TunnelCoordinator coordinator) {
        TunnelRuntime rt = newRuntime(definition, coordinator);
        rt.saveInitial();
        byId.put(definition.tunnelId(), rt);
        return rt;
    }

    /**
     * Deletes a tunnel: after the calls already queued on it, marks it deleted and removes its record; it
     * disappears from lookups at once.
     */
    CompletionStage<Void> remove(TunnelRuntime rt) {
        byId.remove(rt.tunnelId(), rt);
        String key = StoredTunnelCodec.key(rt.definition().instanceName(), rt.tunnelId());
        return rt.markDeleted(() -> storage.writeMeta(new MetaBatch().delete(key)));
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
        return new TunnelRuntime(definition, coordinator, pool, this::save);
    }

    private void save(TunnelDefinition definition, TunnelSnapshot snapshot) {
        byte[] value = StoredTunnelCodec.encode(definition, TunnelSnapshotCodec.encode(snapshot));
        storage.writeMeta(new MetaBatch().put(StoredTunnelCodec.key(definition.instanceName(),
                definition.tunnelId()), value));
    }
}
