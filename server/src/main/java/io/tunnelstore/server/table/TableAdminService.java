package io.tunnelstore.server.table;

import com.google.protobuf.ByteString;
import io.tunnelstore.protocol.model.ColumnValue;
import io.tunnelstore.protocol.model.PrimaryKey;
import io.tunnelstore.protocol.model.PrimaryKeyColumn;
import io.tunnelstore.protocol.model.ValueType;
import io.tunnelstore.protocol.pb.TableProtos.CapacityUnit;
import io.tunnelstore.protocol.pb.TableProtos.CreateTableRequest;
import io.tunnelstore.protocol.pb.TableProtos.CreateTableResponse;
import io.tunnelstore.protocol.pb.TableProtos.DefinedColumnSchema;
import io.tunnelstore.protocol.pb.TableProtos.DeleteTableRequest;
import io.tunnelstore.protocol.pb.TableProtos.DeleteTableResponse;
import io.tunnelstore.protocol.pb.TableProtos.DescribeTableRequest;
import io.tunnelstore.protocol.pb.TableProtos.DescribeTableResponse;
import io.tunnelstore.protocol.pb.TableProtos.ListTableResponse;
import io.tunnelstore.protocol.pb.TableProtos.PartitionRange;
import io.tunnelstore.protocol.pb.TableProtos.PrimaryKeySchema;
import io.tunnelstore.protocol.pb.TableProtos.PrimaryKeyType;
import io.tunnelstore.protocol.pb.TableProtos.ReservedThroughputDetails;
import io.tunnelstore.protocol.pb.TableProtos.StreamDetails;
import io.tunnelstore.protocol.pb.TableProtos.StreamSpecification;
import io.tunnelstore.protocol.pb.TableProtos.TableMeta;
import io.tunnelstore.protocol.pb.TableProtos.TableOptions;
import io.tunnelstore.protocol.pb.TableProtos.TableStatus;
import io.tunnelstore.protocol.pb.TableProtos.UpdateTableRequest;
import io.tunnelstore.protocol.pb.TableProtos.UpdateTableResponse;
import io.tunnelstore.protocol.plainbuffer.PlainBufferCodec;
import io.tunnelstore.protocol.plainbuffer.PlainBufferException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * CreateTable, ListTable, DescribeTable, UpdateTable and DeleteTable. Validates requests (PROTOCOL.md §7 limits),
 * keeps state in the {@link TableCatalog} and builds responses with every field clients dereference
 * (PROTOCOL.md §4.5). Thread-safe.
 *
 * <p>Units on the wire: {@code creation_time} and {@code last_enable_time} in microseconds, throughput change
 * times in seconds, TTL and deviation in seconds, stream expiration in hours.
 */
final class TableAdminService {

    private final TableCatalog catalog;
    private final LongSupplier clockMillis;

    TableAdminService(TableCatalog catalog, LongSupplier clockMillis) {
        this.catalog = catalog;
        this.clockMillis = clockMillis;
    }

    CreateTableResponse createTable(String instance, CreateTableRequest req) {
        TableMeta meta = validateMeta(req.getTableMeta());
        if (req.getIndexMetasCount() > 0 || meta.getIndexMetaCount() > 0) {
            throw TableErrors.invalid("Secondary indexes are not supported yet.");
        }
        if (req.hasSseSpec() && req.getSseSpec().getEnable()) {
            throw TableErrors.invalid("Server-side encryption is not supported yet.");
        }
        TableOptions o = req.hasTableOptions() ? req.getTableOptions() : TableOptions.getDefaultInstance();
        int ttl = o.hasTimeToLive() ? o.getTimeToLive() : TableDescriptor.TTL_FOREVER;
        int maxVersions = o.hasMaxVersions() ? o.getMaxVersions() : TableLimits.DEFAULT_MAX_VERSIONS;
        long deviation = o.hasDeviationCellVersionInSec()
                ? o.getDeviationCellVersionInSec() : TableLimits.DEFAULT_DEVIATION_SECONDS;
        validateOptions(ttl, maxVersions, deviation);
        CapacityUnit cu = req.getReservedThroughput().getCapacityUnit();
        validateThroughput(cu);
        long now = clockMillis.getAsLong();
        List<Partition> partitions = partitions(meta.getPrimaryKey(0), req.getPartitionsList());
        StreamSettings stream = StreamSettings.DISABLED;
        if (req.hasStreamSpec() && req.getStreamSpec().getEnableStream()) {
            stream = enabledStream(req.getStreamSpec(), null, now);
        }
        catalog.create(new TableDescriptor(instance, 0, meta, ttl, maxVersions, deviation,
                cu.getRead(), cu.getWrite(), now / 1000, now, partitions, stream));
        return CreateTableResponse.getDefaultInstance();
    }

    /** The instance's tables the caller may see ({@code visible}: a key limited to named tables sees only those). */
    ListTableResponse listTable(String instance, Predicate<String> visible) {
        ListTableResponse.Builder b = ListTableResponse.newBuilder();
        catalog.list(instance).stream().map(TableDescriptor::tableName).filter(visible).forEach(b::addTableNames);
        return b.build();
    }

    DescribeTableResponse describeTable(String instance, DescribeTableRequest req) {
        TableDescriptor t = catalog.require(instance, req.getTableName());
        DescribeTableResponse.Builder b = DescribeTableResponse.newBuilder()
                .setTableMeta(t.meta())
                .setReservedThroughputDetails(throughputDetails(t))
                .setTableOptions(options(t))
                .setTableStatus(TableStatus.ACTIVE)
                .setStreamDetails(streamDetails(t))
                .setCreationTime(t.creationTimeMillis() * 1000);
        String firstPk = t.primaryKeySchema().get(0).getName();
        for (Partition p : t.partitions()) {
            if (p.lowerInclusive() != null) {
                // a split point: the first primary-key column only (a prefix key, no INF markers for Go)
                b.addShardSplits(ByteString.copyFrom(PlainBufferCodec.encodePrimaryKey(
                        PrimaryKey.of(PrimaryKeyColumn.of(firstPk, p.lowerInclusive())))));
            }
        }
        return b.build();
    }

    UpdateTableResponse updateTable(String instance, UpdateTableRequest req) {
        long now = clockMillis.getAsLong();
        TableDescriptor updated = catalog.update(instance, req.getTableName(), current -> {
            TableDescriptor d = current;
            if (req.hasReservedThroughput()) {
                CapacityUnit cu = req.getReservedThroughput().getCapacityUnit();
                validateThroughput(cu);
                d = d.withReservedThroughput(cu.hasRead() ? cu.getRead() : d.reservedRead(),
                        cu.hasWrite() ? cu.getWrite() : d.reservedWrite(), now / 1000);
            }
            if (req.hasTableOptions()) {
                TableOptions o = req.getTableOptions();
                int ttl = o.hasTimeToLive() ? o.getTimeToLive() : d.timeToLiveSeconds();
                int versions = o.hasMaxVersions() ? o.getMaxVersions() : d.maxVersions();
                long deviation = o.hasDeviationCellVersionInSec()
                        ? o.getDeviationCellVersionInSec() : d.deviationSeconds();
                validateOptions(ttl, versions, deviation);
                d = d.withOptions(ttl, versions, deviation);
            }
            if (req.hasStreamSpec()) {
                StreamSpecification spec = req.getStreamSpec();
                StreamSettings s = d.stream();
                if (spec.getEnableStream()) {
                    d = d.withStream(enabledStream(spec, s, now));
                } else if (s.enabled()) {
                    // keep the old stream id so existing readers can drain it until it expires
                    d = d.withStream(new StreamSettings(false, s.streamId(), s.expirationHours(),
                            s.lastEnableTimeMillis(), s.originColumns()));
                }
            }
            return d;
        });
        return UpdateTableResponse.newBuilder()
                .setReservedThroughputDetails(throughputDetails(updated))
                .setTableOptions(options(updated))
                .setStreamDetails(streamDetails(updated))
                .build();
    }

    DeleteTableResponse deleteTable(String instance, DeleteTableRequest req) {
        catalog.delete(instance, req.getTableName());
        return DeleteTableResponse.getDefaultInstance();
    }

    // ------------------------------------------------------------------ validation

    private static TableMeta validateMeta(TableMeta meta) {
        ObjectNames.requireTableName(meta.getTableName());
        int n = meta.getPrimaryKeyCount();
        if (n < TableLimits.MIN_PK_COLUMNS || n > TableLimits.MAX_PK_COLUMNS) {
            throw TableErrors.invalid("The number of primary key columns must be in range: [1, %d].",
                    TableLimits.MAX_PK_COLUMNS).withLogDetail(n + " primary key columns");
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < n; i++) {
            PrimaryKeySchema pk = meta.getPrimaryKey(i);
            ObjectNames.requireColumnName(pk.getName());
            if (!names.add(pk.getName())) {
                throw TableErrors.invalid("Duplicated primary key name: %s.", pk.getName());
            }
            if (pk.hasOption() && (i == 0 || pk.getType() != PrimaryKeyType.INTEGER)) {
                throw TableErrors.invalid(
                        "Auto-increment column %s must be an INTEGER column other than the partition key.",
                        pk.getName());
            }
        }
        if (meta.getPrimaryKeyList().stream().filter(PrimaryKeySchema::hasOption).count() > 1) {
            throw TableErrors.invalid("A table can have at most one auto-increment primary key column.");
        }
        for (DefinedColumnSchema c : meta.getDefinedColumnList()) {
            ObjectNames.requireColumnName(c.getName());
            if (!names.add(c.getName())) {
                throw TableErrors.invalid("Duplicated column name: %s.", c.getName());
            }
        }
        // Keep only what the table is made of (drop ids a client may have echoed back).
        return TableMeta.newBuilder()
                .setTableName(meta.getTableName())
                .addAllPrimaryKey(meta.getPrimaryKeyList())
                .addAllDefinedColumn(meta.getDefinedColumnList())
                .build();
    }

    private static void validateOptions(int ttl, int maxVersions, long deviation) {
        if (ttl != TableDescriptor.TTL_FOREVER && ttl <= 0) {
            throw TableErrors.invalid("TimeToLive cannot be 0 or less than -1.").withLogDetail("time_to_live " + ttl);
        }
        if (maxVersions < 1) {
            throw TableErrors.invalid("The maximum versions cannot be less than or equal to 0.")
                    .withLogDetail("max_versions " + maxVersions);
        }
        if (deviation <= 0) {
            throw TableErrors.invalid("deviation_cell_version_in_sec must be positive, got %d.", deviation);
        }
    }

    private static void validateThroughput(CapacityUnit cu) {
        if (cu.getRead() < 0 || cu.getWrite() < 0) {
            throw TableErrors.invalid("Reserved throughput cannot be negative (read %d, write %d).",
                    cu.getRead(), cu.getWrite());
        }
    }

    private static StreamSettings enabledStream(StreamSpecification spec, StreamSettings current, long now) {
        int hours = spec.hasExpirationTime() ? spec.getExpirationTime()
                : current != null && current.enabled() ? current.expirationHours()
                : StreamSettings.DEFAULT_EXPIRATION_HOURS;
        if (hours < 1 || hours > StreamSettings.MAX_EXPIRATION_HOURS) {
            throw TableErrors.invalid("Stream expiration_time must be in [1, %d] hours, got %d.",
                    StreamSettings.MAX_EXPIRATION_HOURS, hours);
        }
        for (String c : spec.getColumnsToGetList()) {
            ObjectNames.requireColumnName(c);
        }
        List<String> origin = spec.getColumnsToGetCount() > 0 || current == null || !current.enabled()
                ? spec.getColumnsToGetList() : current.originColumns();
        if (current != null && current.enabled()) {
            // already enabled: same stream, new settings
            return new StreamSettings(true, current.streamId(), hours, current.lastEnableTimeMillis(), origin);
        }
        return new StreamSettings(true, UUID.randomUUID().toString(), hours, now, origin);
    }

    /** Partitions from CreateTable's ranges: contiguous, from INF_MIN to INF_MAX, on the first PK column. */
    private static List<Partition> partitions(PrimaryKeySchema first, List<PartitionRange> ranges) {
        if (ranges.isEmpty()) {
            return List.of(new Partition(0, null, null, 1));
        }
        ValueType type = PrimaryKeyValidator.valueTypeOf(first.getType());
        List<Partition> out = new ArrayList<>(ranges.size());
        ColumnValue previousEnd = null;
        for (int i = 0; i < ranges.size(); i++) {
            ColumnValue begin = partitionValue(ranges.get(i).getBegin(), type);
            ColumnValue end = partitionValue(ranges.get(i).getEnd(), type);
            if (i == 0 ? begin.type() != ValueType.INF_MIN : !begin.equals(previousEnd)) {
                throw TableErrors.invalid("Partition %d must begin where the previous one ends (or at INF_MIN).", i);
            }
            if (begin.compareTo(end) >= 0) {
                throw TableErrors.invalid("Partition %d is empty: begin %s is not below end %s.", i, begin, end);
            }
            if (i == ranges.size() - 1 && end.type() != ValueType.INF_MAX) {
                throw TableErrors.invalid("The last partition must end at INF_MAX.");
            }
            out.add(new Partition(i, i == 0 ? null : begin, end.type() == ValueType.INF_MAX ? null : end, i + 1));
            previousEnd = end;
        }
        return out;
    }

    private static ColumnValue partitionValue(ByteString bytes, ValueType expected) {
        ColumnValue v;
        try {
            v = PlainBufferCodec.decodeValueNoLengthPrefix(bytes.toByteArray());
        } catch (PlainBufferException e) {
            throw TableErrors.invalid("Invalid partition boundary: %s", e.getMessage());
        }
        if (v.type() != expected && v.type() != ValueType.INF_MIN && v.type() != ValueType.INF_MAX) {
            throw TableErrors.invalid("Partition boundary %s does not match the partition key type %s.", v, expected);
        }
        return v;
    }

    // ------------------------------------------------------------------ responses

    private static ReservedThroughputDetails throughputDetails(TableDescriptor t) {
        return ReservedThroughputDetails.newBuilder()
                .setCapacityUnit(CapacityUnit.newBuilder().setRead(t.reservedRead()).setWrite(t.reservedWrite()))
                .setLastIncreaseTime(t.throughputChangedAtSeconds())
                .setLastDecreaseTime(t.throughputChangedAtSeconds())
                .build();
    }

    private static TableOptions options(TableDescriptor t) {
        return TableOptions.newBuilder()
                .setTimeToLive(t.timeToLiveSeconds())
                .setMaxVersions(t.maxVersions())
                .setDeviationCellVersionInSec(t.deviationSeconds())
                .build();
    }

    private static StreamDetails streamDetails(TableDescriptor t) {
        StreamSettings s = t.stream();
        StreamDetails.Builder b = StreamDetails.newBuilder().setEnableStream(s.enabled());
        if (s.enabled()) {
            b.setStreamId(s.streamId())
                    .setExpirationTime(s.expirationHours())
                    .setLastEnableTime(s.lastEnableTimeMillis() * 1000)
                    .addAllColumnToGet(s.originColumns());
        }
        return b.build();
    }
}
