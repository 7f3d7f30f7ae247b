package io.tunnelstore.server.table;

import io.tunnelstore.protocol.model.PlainRow;
import io.tunnelstore.protocol.pb.TableProtos.ActionType;
import java.util.Objects;

/**
 * One committed row change as kept in a table's change log.
 *
 * @param actionType       PUT_ROW, UPDATE_ROW or DELETE_ROW
 * @param row              the change in stream-record form (PROTOCOL.md §5.10): full primary key; put cells with
 *                         value and timestamp; DELETE_ONE_VERSION cells with timestamp; DELETE_ALL_VERSIONS cells;
 *                         no cells for DELETE_ROW. No delete marker, no sequence info.
 * @param originRow        previous values of the table's stream origin columns (full PK + put cells), or null
 * @param commitTimeMicros commit time in microseconds since the epoch (the record's sequence timestamp)
 */
public record ChangeRecord(ActionType actionType, PlainRow row, PlainRow originRow, long commitTimeMicros) {

    public ChangeRecord {
        Objects.requireNonNull(actionType, "actionType");
        Objects.requireNonNull(row, "row");
        if (row.sequenceInfo() != null || row.deleteMarker()) {
            throw new IllegalArgumentException("a change record row carries neither sequence info nor delete marker");
        }
    }
}
