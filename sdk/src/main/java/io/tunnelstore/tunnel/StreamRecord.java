package io.tunnelstore.tunnel;

import io.tunnelstore.protocol.model.PrimaryKey;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One change delivered by a tunnel: a full-data row (always {@link RecordType#PUT}, no sequence info) or a
 * stream change. Immutable and thread-safe.
 *
 * @param type          PUT, UPDATE or DELETE
 * @param primaryKey    the row's primary key
 * @param sequenceInfo  stream position; empty for full-data (base) records
 * @param columns       column changes (empty for DELETE), unmodifiable
 * @param originColumns previous values of the table's configured origin columns (UPDATE/DELETE), unmodifiable
 */
public record StreamRecord(RecordType type, PrimaryKey primaryKey, Optional<SequenceInfo> sequenceInfo,
        List<RecordColumn> columns, List<RecordColumn> originColumns) {

    public StreamRecord {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(primaryKey, "primaryKey");
        Objects.requireNonNull(sequenceInfo, "sequenceInfo");
        columns = List.copyOf(columns);
        originColumns = List.copyOf(originColumns);
    }

    /** Kind of change. */
    public enum RecordType {
        /** Row written whole (also every full-data record). */
        PUT,
        /** Some columns changed. */
        UPDATE,
        /** Row deleted. */
        DELETE
    }

    /** Timestamp of the change from the sequence info, or 0 for full-data records. */
    public long timestamp() {
        return sequenceInfo.map(SequenceInfo::timestamp).orElse(0L);
    }

    /** True for full-data (base) records, which carry no sequence info. */
    public boolean isBaseData() {
        return sequenceInfo.isEmpty();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(64);
        sb.append(type).append(' ').append(primaryKey);
        sequenceInfo.ifPresent(s -> sb.append(" seq=").append(s.serialize()));
        sb.append(" columns=").append(columns);
        if (!originColumns.isEmpty()) {
            sb.append(" origin=").append(originColumns);
        }
        return sb.toString();
    }
}
