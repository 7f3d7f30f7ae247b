package io.tunnelstore.server.tunnel;

import io.tunnelstore.coordinator.ClientIdGenerator;
import io.tunnelstore.coordinator.TunnelCoordinator;
import io.tunnelstore.coordinator.TunnelRecord;
import io.tunnelstore.coordinator.TunnelRecordCodec;
import io.tunnelstore.coordinator.TunnelRecords;
import io.tunnelstore.coordinator.TunnelSnapshot;
import io.tunnelstore.coordinator.TunnelSnapshotCodec;
import io.tunnelstore.storage.MetaBatch;
import io.tunnelstore.storage.MetaEntry;
import io.tunnelstore.storage.StorageEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable home of tunnels in the storage metadata. Layout:
 *
 * <pre>
 * tunnel/&lt;instance&gt;/&lt;tunnelId&gt;       → the definition ({@link StoredTunnelCodec}, version 2)
 * tunnelstate/&lt;tunnelId&gt;/&lt;record key&gt; → one coordinator record ({@link TunnelRecordCodec}): {@code h} (header),
 *                                   {@code c/<channelId>}, {@code s/<clientId>}, {@code l/<index>}
 * </pre>
 *
 * A coordinator change writes only the records it changed (a checkpoint: its channel and the header, O(1) bytes
 * whatever the number of channels), always as one atomic {@link StorageEngine#writeMeta}: all of a change or none.
 *
 * <p>Start-up ({@link #loadAll}): a version-1 definition (which carried the whole snapshot) is migrated in one atomic
 * write (definition version 2 + every record); a stored tunnel that cannot be decoded stops the start with an
 * {@link UnreadableTunnelException} naming its key — it is never skipped, so no tunnel and no checkpoint vanishes
 * silently.
 *
 * <p>Thread-safe (stateless apart from the engine, which is thread-safe).
 */
final class TunnelStore {
    private static final Logger LOG = LoggerFactory.getLogger(TunnelStore.class);
    static final String DEFINITION_PREFIX = "tunnel/";
    static final String STATE_PREFIX = "tunnelstate/";

    private final StorageEngine storage;

    /** A stored tunnel that cannot be decoded; the server refuses to start (see the class comment). */
    static final class UnreadableTunnelException extends IllegalStateException {
        UnreadableTunnelException(String key, RuntimeException cause) {
            super("stored tunnel " + key + " cannot be decoded (" + cause.getMessage() + "); the server does not "
                    + "start rather than drop the tunnel and its checkpoints: restore the data directory from a "
                    + "backup, or start the release that wrote it", cause);
        }
    }

    /** A tunnel as restored from storage. */
    record Loaded(TunnelDefinition definition, TunnelCoordinator coordinator) {}

    private final TunnelOwnership ownership;

    /** The store of one node: {@code ownership} writes each tunnel's state (fenced by its epoch in a cluster). */
    TunnelStore(StorageEngine storage, TunnelOwnership ownership) {
        this.storage = storage;
        this.ownership = ownership;
    }

    TunnelStore(StorageEngine storage) {
        this(storage, TunnelOwnership.single(storage));
    }

    static String stateKeyPrefix(String tunnelId) {
        return STATE_PREFIX + tunnelId + "/";
    }

    /**
     * Writes {@code changes} (and the definition, when {@code withDefinition}) in one atomic, durable meta write.
     * A {@link TunnelRecord.ClientGone} deletes its key. On an exception, nothing or everything may have been written
     * (the engine's contract); the caller must then treat the change as not made.
     */
    void persist(TunnelDefinition definition, boolean withDefinition, List<TunnelRecord> changes) {
        MetaBatch batch = batch(definition, withDefinition, changes);
        if (!batch.isEmpty()) {
            ownership.writeMeta(definition.tunnelId(), batch);
        }
    }

    /** Writes a new tunnel: its definition and every record, in one write ({@link TunnelOwnership#writeNewTunnel}). */
    void create(TunnelDefinition definition, List<TunnelRecord> records) {
        ownership.writeNewTunnel(definition.tunnelId(), batch(definition, true, records));
    }

    /** The stored definition of one tunnel, if stored and readable. */
    java.util.Optional<TunnelDefinition> definition(String instance, String tunnelId) {
        return storage.getMeta(StoredTunnelCodec.key(instance, tunnelId)).flatMap(v -> {
            try {
                return java.util.Optional.of(StoredTunnelCodec.decode(v).definition());
            } catch (RuntimeException e) {
                LOG.warn("Stored tunnel {} cannot be decoded", tunnelId, e);
                return java.util.Optional.empty();
            }
        });
    }

    private static MetaBatch batch(TunnelDefinition definition, boolean withDefinition, List<TunnelRecord> changes) {
        MetaBatch batch = new MetaBatch();
        if (withDefinition) {
            batch.put(StoredTunnelCodec.key(definition.instanceName(), definition.tunnelId()),
                    StoredTunnelCodec.encode(definition));
        }
        String prefix = stateKeyPrefix(definition.tunnelId());
        for (TunnelRecord r : changes) {
            if (r instanceof TunnelRecord.ClientGone) {
                batch.delete(prefix + r.key());
            } else {
                batch.put(prefix + r.key(), TunnelRecordCodec.encode(r));
            }
        }
        return batch;
    }

    /** Deletes the tunnel's definition and every record of it, atomically. */
    void delete(TunnelDefinition definition) {
        MetaBatch batch = new MetaBatch().delete(StoredTunnelCodec.key(definition.instanceName(),
                definition.tunnelId()));
        for (MetaEntry e : storage.scanMeta(stateKeyPrefix(definition.tunnelId()))) {
            batch.delete(e.key());
        }
        ownership.writeMeta(definition.tunnelId(), batch);
    }

    /** The stored records of one tunnel, as stored (for start-up and for tests comparing memory with storage). */
    List<TunnelRecord> records(String tunnelId) {
        String prefix = stateKeyPrefix(tunnelId);
        List<TunnelRecord> records = new ArrayList<>();
        for (MetaEntry e : storage.scanMeta(prefix)) {
            TunnelRecord r = TunnelRecordCodec.decode(e.value());
            if (!(prefix + r.key()).equals(e.key())) {
                throw new IllegalArgumentException("record " + r.key() + " stored under " + e.key());
            }
            records.add(r);
        }
        return records;
    }

    /**
     * Restores every stored tunnel. Checkpoints and channel ownership are kept; each known client gets a fresh
     * heartbeat timeout to come back.
     *
     * @throws UnreadableTunnelException for the first stored tunnel that cannot be decoded
     */
    List<Loaded> loadAll(long nowMillis, Supplier<ClientIdGenerator> ids) {
        List<Loaded> loaded = new ArrayList<>();
        for (MetaEntry e : storage.scanMeta(DEFINITION_PREFIX)) {
            loaded.add(load(e, nowMillis, ids.get()));
        }
        return loaded;
    }

    /**
     * Every stored tunnel definition, without the coordinators' state (the registry every node keeps). A definition
     * that cannot be decoded is logged and left out: it is reported where the tunnel is loaded.
     */
    List<TunnelDefinition> definitions() {
        List<TunnelDefinition> out = new ArrayList<>();
        for (MetaEntry e : storage.scanMeta(DEFINITION_PREFIX)) {
            try {
                out.add(StoredTunnelCodec.decode(e.value()).definition());
            } catch (RuntimeException ex) {
                LOG.warn("Stored tunnel {} cannot be decoded; left out of the registry", e.key(), ex);
            }
        }
        return out;
    }

    /**
     * One tunnel as stored now (its owner loads it after taking its fence), or empty when it was deleted.
     *
     * @throws UnreadableTunnelException when it is stored but cannot be decoded
     */
    java.util.Optional<Loaded> load(String instance, String tunnelId, long nowMillis, ClientIdGenerator ids) {
        String key = StoredTunnelCodec.key(instance, tunnelId);
        return storage.getMeta(key).map(value -> load(new MetaEntry(key, value), nowMillis, ids));
    }

    private Loaded load(MetaEntry e, long nowMillis, ClientIdGenerator ids) {
        StoredTunnelCodec.StoredTunnel stored;
        List<TunnelRecord> records;
        try {
            stored = StoredTunnelCodec.decode(e.value());
            TunnelDefinition d = stored.definition();
            if (!e.key().equals(StoredTunnelCodec.key(d.instanceName(), d.tunnelId()))) {
                throw new IllegalArgumentException("definition of tunnel " + d.tunnelId() + " stored under " + e.key());
            }
            records = stored.legacySnapshot() != null
                    ? TunnelRecords.of(TunnelSnapshotCodec.decode(stored.legacySnapshot()))
                    : records(d.tunnelId());
        } catch (RuntimeException ex) {
            throw new UnreadableTunnelException(e.key(), ex);
        }
        TunnelDefinition d = stored.definition();
        TunnelCoordinator coordinator;
        try {
            coordinator = TunnelCoordinator.replay(d.tunnelId(), d.type(), records, nowMillis, ids);
        } catch (RuntimeException ex) {
            throw new UnreadableTunnelException(e.key() + " (" + d.tunnelName() + ")", ex);
        }
        if (stored.legacySnapshot() != null) {
            // one atomic write: a crash before it leaves the version-1 value, read again on the next start
            persist(d, true, records);
            LOG.info("Migrated stored tunnel {} ({}) to per-record storage ({} records)", d.tunnelName(),
                    d.tunnelId(), records.size());
        }
        return new Loaded(d, coordinator);
    }

    /** The whole stored state of a tunnel as a snapshot (tests compare it with the coordinator's). */
    TunnelSnapshot storedSnapshot(TunnelDefinition definition) {
        return TunnelRecords.toSnapshot(definition.tunnelId(), definition.type(), records(definition.tunnelId()));
    }
}
