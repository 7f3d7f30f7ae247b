package io.tunnelstore.storage.hbase;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The key layout of the HBase table that holds a Tunnelstore instance (see docs/storage-hbase.md).
 *
 * <pre>
 *   'M' 00×8 &lt;utf-8 key&gt;                 family m, qualifier v: a metadata entry
 *   'T' &lt;table id 8&gt; 'd' &lt;row key&gt;        family d, qualifier = column (utf-8, see {@link #qualifier}),
 *                                            cell timestamp = version
 *   'T' &lt;table id 8&gt; 'l' &lt;shard 8&gt; &lt;seq 8&gt; family l, qualifier r: commit micros 8 + payload
 *   'T' &lt;table id 8&gt; 's' &lt;shard 8&gt;          family m, qualifier t: the shard's trim watermark;
 *                                            qualifiers e, o: the partition's owner epoch and node (fencing),
 *                                            c: closed by a split
 * </pre>
 *
 * <p>Every key starts with a {@value #PREFIX_LENGTH}-byte prefix (all metadata shares one, each table has its own);
 * the table is created with a split restriction on that prefix, so a region never cuts a table: a table's rows and
 * its change log are always in one region, which is what lets one MultiRowMutationEndpoint call commit a row and its
 * log record atomically. Integers are big-endian.
 */
final class HBaseKeys {
    static final int PREFIX_LENGTH = 9;

    static final byte[] FAMILY_ROWS = {'d'};
    static final byte[] FAMILY_LOG = {'l'};
    static final byte[] FAMILY_META = {'m'};
    static final byte[] QUALIFIER_LOG = {'r'};
    static final byte[] QUALIFIER_META = {'v'};
    static final byte[] QUALIFIER_TRIMMED = {'t'};
    /** On the shard state row: the partition's owner epoch (8 bytes) and owner node id (docs/scale-out.md). */
    static final byte[] QUALIFIER_EPOCH = {'e'};
    static final byte[] QUALIFIER_OWNER = {'o'};
    /** On the shard state row: present once a split closed the partition (the epoch it was closed at). */
    static final byte[] QUALIFIER_CLOSED = {'c'};

    private static final byte META = 'M';
    private static final byte TABLE = 'T';
    private static final byte DATA = 'd';
    private static final byte LOG = 'l';
    private static final byte SHARD = 's';

    private HBaseKeys() {}

    /**
     * The qualifier of a column in family d: its UTF-8 bytes, with a 0x00 byte put in front when the column is empty
     * or starts with 0x00. So no cell ever has an empty qualifier, and qualifiers keep the columns' (unsigned byte)
     * order: the empty column (the server's row marker) becomes {@code 00}, below every other column.
     *
     * <p>Why: HBase 2.5's {@code NewVersionBehaviorTracker} (the families use NEW_VERSION_BEHAVIOR) mishandles the
     * empty qualifier. When a row's first cell is a put with an empty qualifier, it never sets up the column's delete
     * state, and a version delete of that qualifier behind it fails every read of the row on the region server with an
     * NPE (docs/storage-hbase.md, "Empty qualifiers").
     */
    static byte[] qualifier(String column) {
        byte[] utf8 = column.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > 0 && utf8[0] != 0) {
            return utf8;
        }
        byte[] escaped = new byte[utf8.length + 1];
        System.arraycopy(utf8, 0, escaped, 1, utf8.length);
        return escaped;
    }

    /** The column of a family-d qualifier: the inverse of {@link #qualifier(String)}. */
    static String column(byte[] array, int offset, int length) {
        if (length > 0 && array[offset] == 0) {
            return new String(array, offset + 1, length - 1, StandardCharsets.UTF_8);
        }
        return new String(array, offset, length, StandardCharsets.UTF_8);
    }

    static byte[] tablePrefix(long tableId) {
        return ByteBuffer.allocate(PREFIX_LENGTH).put(TABLE).putLong(tableId).array();
    }

    /** The first key after every key of the table. */
    static byte[] tableEnd(long tableId) {
        return successor(tablePrefix(tableId));
    }

    static byte[] dataKey(long tableId, byte[] rowKey) {
        return ByteBuffer.allocate(PREFIX_LENGTH + 1 + rowKey.length).put(TABLE).putLong(tableId).put(DATA)
                .put(rowKey).array();
    }

    /** The first data key {@code >= startInclusive} (null: the table's first row). */
    static byte[] dataStart(long tableId, byte[] startInclusive) {
        return dataKey(tableId, startInclusive == null ? new byte[0] : startInclusive);
    }

    /** The first key after the rows {@code < endExclusive} (null: after the table's last row). */
    static byte[] dataEnd(long tableId, byte[] endExclusive) {
        return endExclusive == null ? successor(dataKey(tableId, new byte[0])) : dataKey(tableId, endExclusive);
    }

    static byte[] rowKeyOf(byte[] dataKey) {
        return Arrays.copyOfRange(dataKey, PREFIX_LENGTH + 1, dataKey.length);
    }

    static byte[] logKey(long tableId, long shardId, long sequence) {
        return ByteBuffer.allocate(PREFIX_LENGTH + 17).put(TABLE).putLong(tableId).put(LOG).putLong(shardId)
                .putLong(sequence).array();
    }

    static byte[] logShardPrefix(long tableId, long shardId) {
        return ByteBuffer.allocate(PREFIX_LENGTH + 9).put(TABLE).putLong(tableId).put(LOG).putLong(shardId).array();
    }

    static long logSequenceOf(byte[] logKey) {
        return ByteBuffer.wrap(logKey, PREFIX_LENGTH + 9, 8).getLong();
    }

    static byte[] logValue(long commitTimeMicros, byte[] payload) {
        return ByteBuffer.allocate(8 + payload.length).putLong(commitTimeMicros).put(payload).array();
    }

    static long logValueCommitTime(byte[] value) {
        return ByteBuffer.wrap(value, 0, 8).getLong();
    }

    static byte[] logValuePayload(byte[] value) {
        return Arrays.copyOfRange(value, 8, value.length);
    }

    static byte[] shardStateKey(long tableId, long shardId) {
        return ByteBuffer.allocate(PREFIX_LENGTH + 9).put(TABLE).putLong(tableId).put(SHARD).putLong(shardId).array();
    }

    static byte[] metaKey(String key) {
        byte[] utf8 = key.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(PREFIX_LENGTH + utf8.length).put(META).put(new byte[8]).put(utf8).array();
    }

    static String metaKeyOf(byte[] metaKey) {
        return new String(metaKey, PREFIX_LENGTH, metaKey.length - PREFIX_LENGTH, StandardCharsets.UTF_8);
    }

    static byte[] longBytes(long value) {
        return ByteBuffer.allocate(8).putLong(value).array();
    }

    static long longOf(byte[] bytes) {
        return ByteBuffer.wrap(bytes).getLong();
    }

    /**
     * The first key greater than every key starting with {@code prefix} (increments the last byte that is not 0xFF
     * and drops what follows); null when there is none (all 0xFF).
     */
    static byte[] successor(byte[] prefix) {
        for (int i = prefix.length - 1; i >= 0; i--) {
            if (prefix[i] != (byte) 0xFF) {
                byte[] next = Arrays.copyOf(prefix, i + 1);
                next[i]++;
                return next;
            }
        }
        return null;
    }
}
