package io.tunnelstore.server.table;

import io.tunnelstore.storage.StorageEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes change-log records older than their table's stream expiration. Tables whose stream was disabled keep
 * being trimmed with their last expiration, so the records of a disabled stream disappear on schedule.
 * Thread-safe; normally run periodically by {@link TableModule}.
 */
final class ChangeLogTrimmer {

    private static final Logger log = LoggerFactory.getLogger(ChangeLogTrimmer.class);

    private final TableCatalog catalog;
    private final StorageEngine storage;

    ChangeLogTrimmer(TableCatalog catalog, StorageEngine storage) {
        this.catalog = catalog;
        this.storage = storage;
    }

    /** Trims every shard of every table as of {@code nowMillis}; returns the number of records deleted. */
    long trimExpired(long nowMillis) {
        long deleted = 0;
        for (TableDescriptor table : catalog.all()) {
            long cutoffMicros = (nowMillis - table.stream().expirationMillis()) * 1000;
            if (cutoffMicros <= 0) {
                continue;
            }
            for (Partition p : table.shards()) { // closed shards too: their records expire like any other
                deleted += storage.trimLog(table.tableId(), p.shardId(), cutoffMicros);
            }
        }
        if (deleted > 0) {
            log.debug("Trimmed {} expired change-log record(s)", deleted);
        }
        return deleted;
    }
}
