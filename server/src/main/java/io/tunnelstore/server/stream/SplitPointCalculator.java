package io.tunnelstore.server.stream;

import com.google.protobuf.ByteString;
import io.tunnelstore.protocol.model.ColumnValue;
import io.tunnelstore.protocol.model.PrimaryKey;
import io.tunnelstore.protocol.model.PrimaryKeyColumn;
import io.tunnelstore.protocol.pb.TableProtos.CapacityUnit;
import io.tunnelstore.protocol.pb.TableProtos.ComputeSplitPointsBySizeRequest;
import io.tunnelstore.protocol.pb.TableProtos.ComputeSplitPointsBySizeResponse;
import io.tunnelstore.protocol.pb.TableProtos.ComputeSplitPointsBySizeResponse.SplitLocation;
import io.tunnelstore.protocol.pb.TableProtos.ConsumedCapacity;
import io.tunnelstore.protocol.pb.TableProtos.PrimaryKeySchema;
import io.tunnelstore.protocol.plainbuffer.PlainBufferCodec;
import io.tunnelstore.server.table.KeyCodec;
import io.tunnelstore.server.table.TableCatalog;
import io.tunnelstore.server.table.TableDescriptor;
import io.tunnelstore.storage.ReadSpec;
import io.tunnelstore.storage.RowScanner;
import io.tunnelstore.storage.ScanRange;
import io.tunnelstore.storage.StorageEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * ComputeSplitPointsBySize: cuts a table's key space into pieces of about {@code split_size} ×
 * {@code split_size_unit_in_byte} bytes (the unit defaults to {@value #DEFAULT_UNIT_BYTES} bytes = 100 MiB, which is
 * also what the Java SDK sends).
 *
 * <ul>
 *   <li>The storage engine picks row keys at about every target size ({@link StorageEngine#splitKeys}); each split
 *       point is the <b>first primary-key column</b> of such a key (a prefix, which the protocol allows: the omitted
 *       columns mean INF_MIN), so a split never separates rows sharing a partition key. Equal prefixes collapse into
 *       one point, and a point that does not exceed the first row's prefix is dropped (its left split would be
 *       empty). Points are strictly ascending.</li>
 *   <li>{@code split_point_limit} keeps at most that many points, evenly spread over the computed ones.</li>
 *   <li>{@code locations}: a single-node server has one location, sent as one entry with the empty string (the
 *       protocol's "not suitable to be seen") repeated {@code points + 1} times, the count the SDKs check.</li>
 *   <li>{@code consumed}: 1 read unit, 0 write units.</li>
 * </ul>
 *
 * <p>Thread-safe; blocks on storage I/O (it walks the table's keys once).
 */
final class SplitPointCalculator {

    /** Size unit of {@code split_size} when the request does not set {@code split_size_unit_in_byte}. */
    static final long DEFAULT_UNIT_BYTES = 100L * 1024 * 1024;

    private final TableCatalog catalog;
    private final StorageEngine storage;

    SplitPointCalculator(TableCatalog catalog, StorageEngine storage) {
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.storage = Objects.requireNonNull(storage, "storage");
    }

    /**
     * @throws io.tunnelstore.protocol.errors.OtsException OTSObjectNotExist for an unknown table; OTSParameterInvalid
     *     for a split size, unit or limit below 1, or a split size that overflows 64 bits
     */
    ComputeSplitPointsBySizeResponse compute(String instance, ComputeSplitPointsBySizeRequest request) {
        TableDescriptor table = catalog.require(instance, request.getTableName());
        long targetBytes = targetBytes(request);
        List<PrimaryKeySchema> schema = table.primaryKeySchema();
        List<ColumnValue> points = prefixes(table, storage.splitKeys(table.tableId(), ScanRange.all(), targetBytes));
        if (request.hasSplitPointLimit()) {
            if (request.getSplitPointLimit() < 1) {
                throw StreamErrors.invalid("split_point_limit must be at least 1, got %d.",
                        request.getSplitPointLimit());
            }
            points = spread(points, request.getSplitPointLimit());
        }
        ComputeSplitPointsBySizeResponse.Builder response = ComputeSplitPointsBySizeResponse.newBuilder()
                .setConsumed(ConsumedCapacity.newBuilder()
                        .setCapacityUnit(CapacityUnit.newBuilder().setRead(1).setWrite(0)))
                .addAllSchema(schema);
        String firstColumn = schema.get(0).getName();
        for (ColumnValue point : points) {
            response.addSplitPoints(ByteString.copyFrom(PlainBufferCodec.encodePrimaryKey(
                    PrimaryKey.of(PrimaryKeyColumn.of(firstColumn, point)))));
        }
        return response
                .addLocations(SplitLocation.newBuilder().setLocation("").setRepeat(points.size() + 1L))
                .build();
    }

    private static long targetBytes(ComputeSplitPointsBySizeRequest request) {
        if (request.getSplitSize() < 1) {
            throw StreamErrors.invalid("split_size must be at least 1, got %d.", request.getSplitSize());
        }
        long unit = DEFAULT_UNIT_BYTES;
        if (request.hasSplitSizeUnitInByte()) {
            unit = request.getSplitSizeUnitInByte();
            if (unit < 1) {
                throw StreamErrors.invalid("split_size_unit_in_byte must be at least 1, got %d.", unit);
            }
        }
        try {
            return Math.multiplyExact(request.getSplitSize(), unit);
        } catch (ArithmeticException e) {
            throw StreamErrors.invalid("split_size %d × unit %d bytes is too large.", request.getSplitSize(), unit);
        }
    }

    /** Distinct first-column values of the split keys, above the first row's, ascending. */
    private List<ColumnValue> prefixes(TableDescriptor table, List<byte[]> splitKeys) {
        List<ColumnValue> out = new ArrayList<>(splitKeys.size());
        if (splitKeys.isEmpty()) {
            return out;
        }
        ColumnValue previous = firstRowPrefix(table);
        for (byte[] key : splitKeys) {
            ColumnValue prefix = KeyCodec.decode(key, table.primaryKeySchema()).get(0).value();
            if (previous == null || prefix.compareTo(previous) > 0) {
                out.add(prefix);
                previous = prefix;
            }
        }
        return out;
    }

    private ColumnValue firstRowPrefix(TableDescriptor table) {
        try (RowScanner scanner = storage.scan(table.tableId(), ScanRange.all(), ReadSpec.allVersions())) {
            return scanner.hasNext()
                    ? KeyCodec.decode(scanner.next().rowKey(), table.primaryKeySchema()).get(0).value()
                    : null;
        }
    }

    /** At most {@code limit} of {@code points}, evenly spread (keeps the pieces between them about equal). */
    static <T> List<T> spread(List<T> points, int limit) {
        int n = points.size();
        if (n <= limit) {
            return points;
        }
        List<T> out = new ArrayList<>(limit);
        for (int k = 1; k <= limit; k++) {
            // the k-th of limit+1 equal shares of the n+1 pieces ends before point index k(n+1)/(limit+1) - 1
            out.add(points.get((int) ((long) k * (n + 1) / (limit + 1)) - 1));
        }
        return out;
    }
}
