package io.tunnelstore.server.tunnel;

import io.tunnelstore.coordinator.ClientIdGenerator;
import io.tunnelstore.coordinator.TunnelCoordinator;
import io.tunnelstore.coordinator.TunnelRecords;
import io.tunnelstore.storage.StorageEngine;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tunnels of every instance, by id, over their durable home in the storage metadata ({@link TunnelStore}).
 *
 * <p>Two views: the <b>definitions</b> of every tunnel (id, name, table, channels), which every node keeps so it can
 * resolve a name and check keys, and the <b>runtimes</b> (coordinators) of the tunnels this node runs. On one node
 * ({@link TunnelOwnership#single}) both hold every tunnel, loaded at start. In a cluster a node runs a tunnel's
 * coordinator only while it owns it: {@link #ownershipChanged} loads (fresh from storage, after taking the tunnel's
 * fence) what it acquired and unloads what it released; {@link #require} also loads an owned tunnel on demand, so a
 * request that arrives before the ownership event is served; a write refused by the fence unloads the runtime.
 * {@link #refreshDefinitions} re-reads the definitions after another node announced a catalog change.
 *
 * <p>Thread-safety: lookups are lock-free; {@link #add} and {@link #remove} are called under the admin lock of
 * {@link TunnelAdmin} so name uniqueness checks and inserts are atomic on a node (in a cluster, creation runs on the
 * catalog owner); loads and unloads are serialized by the registry's monitor.
 */
final class TunnelRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(TunnelRegistry.class);

    private final TunnelStore store;
    private final TunnelOwnership ownership;
    private final Executor pool;
    private final java.util.function.LongSupplier clock;
    private final ConcurrentHashMap<String, TunnelRuntime> byId = new ConcurrentHashMap<>();
    /** Every tunnel's definition (this node's runtimes' definitions are the freshest: they are taken from there). */
    private final ConcurrentHashMap<String, TunnelDefinition> definitions = new ConcurrentHashMap<>();

    TunnelRegistry(StorageEngine storage, Executor pool) {
        this(storage, TunnelOwnership.single(storage), pool, System::currentTimeMillis);
    }

    TunnelRegistry(StorageEngine storage, TunnelOwnership ownership, Executor pool,
                   java.util.function.LongSupplier clock) {
        this.ownership = ownership;
        this.store = new TunnelStore(storage, ownership);
        this.pool = pool;
        this.clock = clock;
    }

    /**
     * Restores every stored tunnel (server start). Checkpoints and channel ownership are kept; each known client gets
     * a fresh heartbeat timeout to come back. In a cluster only the definitions are read here; the owned tunnels are
     * loaded by {@link #ownershipChanged}.
     *
     * @throws TunnelStore.UnreadableTunnelException when a stored tunnel cannot be decoded: the server does not start
     *     (a tunnel is never dropped silently)
     */
    void loadAll(long nowMillis) {
        if (ownership.clustered()) {
            refreshDefinitions();
            LOG.info("Found {} tunnel(s) in storage", definitions.size());
            return;
        }
        for (TunnelStore.Loaded t : store.loadAll(nowMillis, TunnelRegistry::newIdGenerator)) {
            definitions.put(t.definition().tunnelId(), t.definition());
            byId.put(t.definition().tunnelId(), newRuntime(t.definition(), t.coordinator()));
        }
        LOG.info("Loaded {} tunnel(s) from storage", byId.size());
    }

    TunnelStore store() {
        return store;
    }

    boolean clustered() {
        return ownership.clustered();
    }

    /** A client id generator with the documented "tag plus random string" shape. */
    static ClientIdGenerator newIdGenerator() {
        return ClientIdGenerator.random(new SplittableRandom());
    }

    /**
     * Stores a new tunnel (its definition and every record of its coordinator's state, in one write) and makes it
     * visible. On a storage failure nothing is visible and the exception propagates. In a cluster the creating node
     * runs the new tunnel only if it owns it; otherwise the owner loads it from storage.
     */
    void add(TunnelDefinition definition, TunnelCoordinator coordinator) {
        store.create(definition, TunnelRecords.of(coordinator.snapshot()));
        coordinator.commit();
        definitions.put(definition.tunnelId(), definition);
        if (!ownership.clustered()) {
            byId.put(definition.tunnelId(), newRuntime(definition, coordinator));
            return;
        }
        ownership.announceChange();
        try {
            ownershipChanged(); // runs it here if this node owns it (fresh from storage, under its fence)
        } catch (RuntimeException e) {
            LOG.warn("Tunnel {} created; its owner loads it on its first request", definition.tunnelId(), e);
        }
    }

    /**
     * Deletes a tunnel: after the calls already queued on it, deletes its records from storage, then marks it deleted
     * (later calls fail with "tunnel not exist") and removes it from lookups. If the storage delete fails, the tunnel
     * stays as it was and the stage fails.
     */
    CompletionStage<Void> remove(TunnelRuntime rt) {
        return rt.markDeleted(() -> store.delete(rt.definition()))
                .thenRun(() -> {
                    byId.remove(rt.tunnelId(), rt);
                    definitions.remove(rt.tunnelId());
                    ownership.announceChange();
                });
    }

    /**
     * The tunnel with this id in this instance, running on this node (loaded now if this node owns it).
     *
     * @throws io.tunnelstore.protocol.errors.OtsException OTSParameterInvalid "tunnel not exist"; in a cluster,
     *     OTSTunnelServerUnavailable when another node runs the tunnel ({@link TunnelErrors#moved})
     */
    TunnelRuntime require(String instance, String tunnelId) {
        TunnelRuntime rt = tunnelId == null ? null : byId.get(tunnelId);
        if (rt == null && tunnelId != null && ownership.clustered()) {
            rt = loadOwned(instance, tunnelId);
        }
        if (rt == null || !rt.definition().instanceName().equals(instance)) {
            throw TunnelErrors.tunnelNotExist(tunnelId);
        }
        return rt;
    }

    /** The running tunnel with this id in this instance, if any (never loads). */
    Optional<TunnelRuntime> find(String instance, String tunnelId) {
        TunnelRuntime rt = tunnelId == null ? null : byId.get(tunnelId);
        return rt == null || !rt.definition().instanceName().equals(instance) ? Optional.empty() : Optional.of(rt);
    }

    /** The definition of the tunnel with this id in this instance, running here or not (every node knows it). */
    Optional<TunnelDefinition> definition(String instance, String tunnelId) {
        TunnelRuntime rt = tunnelId == null ? null : byId.get(tunnelId);
        TunnelDefinition d = rt != null ? rt.definition() : tunnelId == null ? null : definitions.get(tunnelId);
        return d == null || !d.instanceName().equals(instance) ? Optional.empty() : Optional.of(d);
    }

    /** The definition of the tunnel with this name, running here or not. */
    Optional<TunnelDefinition> definitionByName(String instance, String table, String tunnelName) {
        return definitions.values().stream()
                .filter(d -> d.instanceName().equals(instance) && d.tableName().equals(table)
                        && d.tunnelName().equals(tunnelName))
                .findFirst();
    }

    /**
     * Whether a tunnel with this name exists; in a cluster read from storage (another node may have created it),
     * so the catalog owner's uniqueness check is exact.
     */
    boolean nameTaken(String instance, String table, String tunnelName) {
        if (ownership.clustered()) {
            refreshDefinitions();
        }
        return definitionByName(instance, table, tunnelName).isPresent();
    }

    /** The tunnel with this name, running on this node (loaded now if this node owns it; see {@link #require}). */
    Optional<TunnelRuntime> findByName(String instance, String table, String tunnelName) {
        Optional<TunnelDefinition> d = definitionByName(instance, table, tunnelName);
        if (d.isEmpty() && ownership.clustered()) {
            refreshDefinitions(); // created on another node, announcement not seen yet
            d = definitionByName(instance, table, tunnelName);
        }
        return d.map(found -> require(instance, found.tunnelId()));
    }

    /**
     * Tunnels of an instance ({@code table == null}: of every table), by table then tunnel name. In a cluster the
     * tunnels another node runs are read from storage as detached, read-only runtimes (for listing and describing:
     * any write through them fails with {@link TunnelErrors#moved}).
     */
    List<TunnelRuntime> list(String instance, String table) {
        List<TunnelRuntime> out = new ArrayList<>();
        for (TunnelDefinition d : definitions.values()) {
            if (!d.instanceName().equals(instance) || (table != null && !d.tableName().equals(table))) {
                continue;
            }
            TunnelRuntime rt = byId.get(d.tunnelId());
            if (rt == null && ownership.clustered()) {
                rt = readOnly(d);
            }
            if (rt != null) {
                out.add(rt);
            }
        }
        out.sort(Comparator.comparing((TunnelRuntime rt) -> rt.definition().tableName())
                .thenComparing(rt -> rt.definition().tunnelName()));
        return out;
    }

    /**
     * The tunnel with this name for reading its state: its runtime when it runs here, otherwise (in a cluster) a
     * detached read-only runtime over its stored state.
     */
    Optional<TunnelRuntime> readable(String instance, String table, String tunnelName) {
        return definitionByName(instance, table, tunnelName).map(d -> {
            TunnelRuntime rt = byId.get(d.tunnelId());
            return rt != null || !ownership.clustered() ? rt : readOnly(d);
        });
    }

    /** The tunnels running on this node. */
    Collection<TunnelRuntime> all() {
        return List.copyOf(byId.values());
    }

    /**
     * Every tunnel of the cluster for reading its state, after re-reading the definitions: this node's runtimes, and
     * read-only runtimes over the stored state of the tunnels other nodes run (their stored state is current: every
     * change is stored before its response leaves). Empty when a stored tunnel cannot be read: a caller collecting
     * unused snapshots must then keep them all.
     */
    Optional<List<TunnelRuntime>> everyTunnelReadable() {
        refreshDefinitions();
        List<TunnelRuntime> out = new ArrayList<>();
        for (TunnelDefinition d : List.copyOf(definitions.values())) {
            TunnelRuntime rt = byId.get(d.tunnelId());
            if (rt == null) {
                try {
                    Optional<TunnelStore.Loaded> loaded = store.load(d.instanceName(), d.tunnelId(),
                            clock.getAsLong(), newIdGenerator());
                    if (loaded.isEmpty()) {
                        continue; // deleted meanwhile: refers to nothing
                    }
                    TunnelStore.Loaded t = loaded.get();
                    rt = new TunnelRuntime(t.definition(), t.coordinator(), pool, (def, withDef, changes) -> {
                        throw TunnelErrors.moved(def.tunnelId());
                    });
                } catch (RuntimeException e) {
                    LOG.warn("Could not read tunnel {} ({}) from storage; keeping every snapshot this round",
                            d.tunnelName(), d.tunnelId(), e);
                    return Optional.empty();
                }
            }
            out.add(rt);
        }
        return Optional.of(out);
    }

    /** Re-reads every tunnel's definition from storage (another node created or deleted a tunnel). */
    void refreshDefinitions() {
        Map<String, TunnelDefinition> stored = new java.util.HashMap<>();
        for (TunnelDefinition d : store.definitions()) {
            stored.put(d.tunnelId(), d);
        }
        definitions.keySet().retainAll(stored.keySet());
        definitions.putAll(stored);
    }

    /**
     * Brings the runtimes in line with what this node owns: loads the owned tunnels it does not run (fresh from
     * storage, after taking their fence), unloads the ones it no longer owns or that were deleted. Returns the ids
     * loaded and unloaded (for logs and tests).
     */
    synchronized Changes ownershipChanged() {
        List<String> loaded = new ArrayList<>();
        List<String> unloaded = new ArrayList<>();
        for (TunnelRuntime rt : List.copyOf(byId.values())) {
            if (!definitions.containsKey(rt.tunnelId()) || !ownership.owns(rt.tunnelId())) {
                unload(rt);
                unloaded.add(rt.tunnelId());
            }
        }
        for (TunnelDefinition d : List.copyOf(definitions.values())) {
            if (!byId.containsKey(d.tunnelId()) && ownership.owns(d.tunnelId())) {
                try {
                    if (loadOwned(d.instanceName(), d.tunnelId()) != null) {
                        loaded.add(d.tunnelId());
                    }
                } catch (RuntimeException e) {
                    LOG.warn("Could not load tunnel {} ({}) this node now owns; it is loaded on its next request",
                            d.tunnelName(), d.tunnelId(), e);
                }
            }
        }
        if (!loaded.isEmpty() || !unloaded.isEmpty()) {
            LOG.info("Tunnel ownership moved: now running {}, stopped {}", loaded, unloaded);
        }
        return new Changes(loaded, unloaded);
    }

    /** What {@link #ownershipChanged} did. */
    record Changes(List<String> loaded, List<String> unloaded) {}

    /**
     * Loads a tunnel this node owns: takes its fence first (so the previous owner can no longer write), then reads
     * its state. Returns null when it is not stored; throws {@link TunnelErrors#moved} when another node owns it.
     */
    private synchronized TunnelRuntime loadOwned(String instance, String tunnelId) {
        TunnelRuntime running = byId.get(tunnelId);
        if (running != null) {
            return running;
        }
        TunnelDefinition known = definitions.get(tunnelId);
        if (known == null) {
            // created by another node, announcement not seen yet: never answer "not exist" (workers stop on it)
            known = store.definition(instance, tunnelId).orElse(null);
            if (known == null) {
                return null;
            }
            definitions.put(tunnelId, known);
        }
        if (!known.instanceName().equals(instance)) {
            return null;
        }
        if (!ownership.owns(tunnelId)) {
            throw TunnelErrors.moved(tunnelId);
        }
        ownership.claim(tunnelId);
        Optional<TunnelStore.Loaded> loaded = store.load(instance, tunnelId, clock.getAsLong(), newIdGenerator());
        if (loaded.isEmpty()) {
            definitions.remove(tunnelId);
            return null;
        }
        TunnelStore.Loaded t = loaded.get();
        TunnelRuntime rt = newRuntime(t.definition(), t.coordinator());
        definitions.put(tunnelId, t.definition());
        byId.put(tunnelId, rt);
        LOG.info("Running tunnel {} ({}) on this node", t.definition().tunnelName(), tunnelId);
        return rt;
    }

    private void unload(TunnelRuntime rt) {
        byId.remove(rt.tunnelId(), rt);
        rt.unload();
        LOG.info("Stopped tunnel {} ({}) on this node", rt.definition().tunnelName(), rt.tunnelId());
    }

    /** A detached runtime over the stored state of a tunnel another node runs; it can be read, never written. */
    private TunnelRuntime readOnly(TunnelDefinition d) {
        try {
            return store.load(d.instanceName(), d.tunnelId(), clock.getAsLong(), newIdGenerator())
                    .map(t -> new TunnelRuntime(t.definition(), t.coordinator(), pool, (def, withDef, changes) -> {
                        throw TunnelErrors.moved(def.tunnelId());
                    }))
                    .orElse(null);
        } catch (RuntimeException e) {
            LOG.warn("Could not read tunnel {} ({}) from storage", d.tunnelName(), d.tunnelId(), e);
            return null;
        }
    }

    private TunnelRuntime newRuntime(TunnelDefinition definition, TunnelCoordinator coordinator) {
        return new TunnelRuntime(definition, coordinator, pool, store::persist, this::fenced);
    }

    /** A write of {@code rt} was refused by the fence: another node took the tunnel; stop running it here. */
    private void fenced(TunnelRuntime rt) {
        byId.remove(rt.tunnelId(), rt);
        LOG.warn("Tunnel {} ({}) was taken by another node; stopped here", rt.definition().tunnelName(),
                rt.tunnelId());
    }
}
