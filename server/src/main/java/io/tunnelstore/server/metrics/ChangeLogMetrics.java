package io.tunnelstore.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tunnelstore.server.table.TableCatalog;
import io.tunnelstore.server.table.TableDescriptor;
import io.tunnelstore.storage.LogListener;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code tunnelstore_changelog_records_total{instance,table}}: change-log records appended per table (one per row
 * change of a table with a stream), counted by a storage {@link LogListener}. The listener only increments
 * in-memory counters: it never writes to the engine and never blocks the committing thread beyond a map lookup.
 *
 * <p>Thread-safe. Counters of dropped tables are removed by {@link #pruneDroppedTables}.
 */
final class ChangeLogMetrics implements LogListener {

    private final MeterRegistry registry;
    private final TableCatalog catalog;
    private final Map<Long, Counter> byTableId = new ConcurrentHashMap<>();
    private volatile boolean closed;

    ChangeLogMetrics(MeterRegistry registry, TableCatalog catalog) {
        this.registry = registry;
        this.catalog = catalog;
    }

    @Override
    public void appended(long tableId, long shardId, long sequence) {
        if (closed) {
            return; // the engine has no removeLogListener; a closed module just stops counting
        }
        Counter counter = byTableId.get(tableId);
        if (counter == null) {
            Optional<TableDescriptor> table = catalog.findById(tableId);
            if (table.isEmpty()) {
                return; // a table being dropped: nothing to attribute the record to
            }
            counter = byTableId.computeIfAbsent(tableId, id -> Counter.builder("tunnelstore.changelog.records")
                    .description("Change-log records appended per table")
                    .tags("instance", table.get().instanceName(), "table", table.get().tableName())
                    .register(registry));
        }
        counter.increment();
    }

    /** Removes the counters of tables that no longer exist (called before each scrape). */
    void pruneDroppedTables() {
        byTableId.entrySet().removeIf(e -> {
            if (catalog.findById(e.getKey()).isPresent()) {
                return false;
            }
            registry.remove(e.getValue());
            return true;
        });
    }

    void close() {
        closed = true;
    }
}
