package io.tunnelstore.server.tunnel;

import io.tunnelstore.storage.MetaBatch;
import io.tunnelstore.storage.MetaEntry;
import io.tunnelstore.storage.StorageEngine;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A tunnel's history (an audit trail): re-baselines, data losses and checkpoint changes, each with a time, a kind,
 * the channel, a detail and who did it. Stored in the storage metadata under
 * {@code tunnelevent/<instance>/<tunnelId>/<key>} (one durable write per event, ordered by key), apart from the
 * coordinator's snapshot so it grows without rewriting the tunnel state; deleted with the tunnel.
 *
 * <p>Value format: {@code byte version (1)}, {@code long atMillis}, then kind, channel, detail and actor as
 * modified UTF-8 ({@code ""} = none). Thread-safe.
 */
final class TunnelEvents {
    private static final Logger LOG = LoggerFactory.getLogger(TunnelEvents.class);
    private static final byte VERSION = 1;

    /** Kinds written by the server. */
    static final String REBASELINE = "REBASELINE";
    static final String DATA_LOSS = "DATA_LOSS";

    /** One history entry. */
    record Event(long atMillis, String kind, String channelId, String detail, String actor) {
        Event {
            Objects.requireNonNull(kind, "kind");
            channelId = channelId == null ? "" : channelId;
            detail = detail == null ? "" : detail;
            actor = actor == null ? "" : actor;
        }
    }

    private final StorageEngine storage;
    /** Writes a tunnel's events (fenced by the tunnel's epoch in a cluster: only its owner records history). */
    private final java.util.function.BiConsumer<String, MetaBatch> writer;
    /** Keys are µs-scale and strictly increasing within this process. */
    private final AtomicLong lastKey = new AtomicLong();

    TunnelEvents(StorageEngine storage) {
        this(storage, (tunnelId, batch) -> storage.writeMeta(batch));
    }

    /** Events written through {@code writer} (tunnel id, batch). */
    TunnelEvents(StorageEngine storage, java.util.function.BiConsumer<String, MetaBatch> writer) {
        this.storage = storage;
        this.writer = writer;
    }

    private static String prefix(String instance, String tunnelId) {
        return "tunnelevent/" + instance + "/" + tunnelId + "/";
    }

    /** Appends an event durably; a storage failure is logged, not thrown (history must not break reads). */
    void append(String instance, String tunnelId, Event e) {
        long key = lastKey.accumulateAndGet(e.atMillis() * 1000, (last, proposed) -> Math.max(last + 1, proposed));
        try {
            writer.accept(tunnelId, new MetaBatch().put(prefix(instance, tunnelId) + String.format("%020d", key),
                    encode(e)));
        } catch (RuntimeException ex) {
            LOG.error("Could not record {} event of tunnel {}: {}", e.kind(), tunnelId, e.detail(), ex);
        }
    }

    /** Every event of the tunnel, oldest first. */
    List<Event> list(String instance, String tunnelId) {
        List<Event> out = new ArrayList<>();
        for (MetaEntry m : storage.scanMeta(prefix(instance, tunnelId))) {
            try {
                out.add(decode(m.value()));
            } catch (IllegalArgumentException ex) {
                LOG.warn("Skipping unreadable tunnel event {}", m.key(), ex);
            }
        }
        return out;
    }

    void deleteAll(String instance, String tunnelId) {
        MetaBatch batch = new MetaBatch();
        for (MetaEntry m : storage.scanMeta(prefix(instance, tunnelId))) {
            batch.delete(m.key());
        }
        if (!batch.isEmpty()) {
            writer.accept(tunnelId, batch);
        }
    }

    private static byte[] encode(Event e) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeLong(e.atMillis());
            out.writeUTF(e.kind());
            out.writeUTF(e.channelId());
            out.writeUTF(e.detail());
            out.writeUTF(e.actor());
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return bytes.toByteArray();
    }

    private static Event decode(byte[] value) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(value))) {
            if (in.readByte() != VERSION) {
                throw new IllegalArgumentException("unknown tunnel event version");
            }
            return new Event(in.readLong(), in.readUTF(), in.readUTF(), in.readUTF(), in.readUTF());
        } catch (IOException ex) {
            throw new IllegalArgumentException("corrupt tunnel event: " + ex.getMessage(), ex);
        }
    }
}
