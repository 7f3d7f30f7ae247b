package io.tunnelstore.storage.rocksdb;

import java.util.ArrayList;
import java.util.List;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/**
 * The writes of one logical commit (a row mutation with its log record, a metadata batch, a trim, a drop), kept as
 * plain data so that the {@link GroupCommitter} can merge the writes of many commits into one {@link WriteBatch}
 * and one fsync. Not thread-safe: built by one caller, then handed over to the committer.
 */
final class WriteOps {
    private sealed interface Op permits Put, Delete, DeleteRange {}

    private record Put(ColumnFamilyHandle family, byte[] key, byte[] value) implements Op {}

    private record Delete(ColumnFamilyHandle family, byte[] key) implements Op {}

    private record DeleteRange(ColumnFamilyHandle family, byte[] beginInclusive, byte[] endExclusive)
            implements Op {}

    private final List<Op> ops = new ArrayList<>();
    private long approximateBytes;

    WriteOps put(ColumnFamilyHandle family, byte[] key, byte[] value) {
        ops.add(new Put(family, key, value));
        approximateBytes += key.length + value.length;
        return this;
    }

    WriteOps delete(ColumnFamilyHandle family, byte[] key) {
        ops.add(new Delete(family, key));
        approximateBytes += key.length;
        return this;
    }

    WriteOps deleteRange(ColumnFamilyHandle family, byte[] beginInclusive, byte[] endExclusive) {
        ops.add(new DeleteRange(family, beginInclusive, endExclusive));
        approximateBytes += beginInclusive.length + endExclusive.length;
        return this;
    }

    /** Appends every write of {@code other}, in order. */
    WriteOps addAll(WriteOps other) {
        ops.addAll(other.ops);
        approximateBytes += other.approximateBytes;
        return this;
    }

    boolean isEmpty() {
        return ops.isEmpty();
    }

    long approximateBytes() {
        return approximateBytes;
    }

    /** Appends the writes, in order, to {@code batch}; later writes of the same key win, as in the batch itself. */
    void applyTo(WriteBatch batch) throws RocksDBException {
        for (Op op : ops) {
            if (op instanceof Put put) {
                batch.put(put.family(), put.key(), put.value());
            } else if (op instanceof Delete delete) {
                batch.delete(delete.family(), delete.key());
            } else if (op instanceof DeleteRange range) {
                batch.deleteRange(range.family(), range.beginInclusive(), range.endExclusive());
            }
        }
    }
}
