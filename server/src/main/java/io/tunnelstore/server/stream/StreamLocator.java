package io.tunnelstore.server.stream;

import io.tunnelstore.server.table.TableCatalog;
import io.tunnelstore.server.table.TableDescriptor;
import java.util.List;
import java.util.Objects;

/**
 * Finds streams in the {@link TableCatalog}: by stream id, by the iterator a client holds, and the enabled streams of
 * an instance. Streams are scoped to their instance: another instance's stream id is unknown here.
 *
 * <p>Thread-safe (the catalog is); every call sees the catalog's current descriptors.
 */
final class StreamLocator {

    private final TableCatalog catalog;

    StreamLocator(TableCatalog catalog) {
        this.catalog = Objects.requireNonNull(catalog, "catalog");
    }

    /**
     * The stream with this id in {@code instance}.
     *
     * @throws io.tunnelstore.protocol.errors.OtsException OTSObjectNotExist when there is none
     */
    LocatedStream require(String instance, String streamId) {
        return catalog.findByStreamId(streamId)
                .filter(t -> t.instanceName().equals(instance))
                .map(LocatedStream::new)
                .orElseThrow(() -> StreamErrors.streamNotFound(streamId));
    }

    /**
     * The stream an iterator points into, which must still be its table's stream.
     *
     * @throws io.tunnelstore.protocol.errors.OtsException OTSObjectNotExist when the table is gone, belongs to another
     *     instance, or has a different stream now
     */
    LocatedStream require(String instance, ShardIterator iterator) {
        return catalog.findById(iterator.tableId())
                .filter(t -> t.instanceName().equals(instance))
                .filter(t -> iterator.streamId().equals(t.stream().streamId()))
                .map(LocatedStream::new)
                .orElseThrow(() -> StreamErrors.streamNotFound(iterator.streamId()));
    }

    /** The open streams of {@code instance}, by table name. */
    List<LocatedStream> enabled(String instance) {
        return catalog.list(instance).stream()
                .filter(t -> t.stream().enabled())
                .map(LocatedStream::new)
                .toList();
    }

    /**
     * The table's open stream, if any.
     *
     * @throws io.tunnelstore.protocol.errors.OtsException OTSObjectNotExist when the table does not exist
     */
    List<LocatedStream> enabledOf(String instance, String tableName) {
        TableDescriptor table = catalog.require(instance, tableName);
        return table.stream().enabled() ? List.of(new LocatedStream(table)) : List.of();
    }
}
