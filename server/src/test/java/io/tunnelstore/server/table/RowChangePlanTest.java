package io.tunnelstore.server.table;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunnelstore.protocol.model.Cell;
import io.tunnelstore.protocol.model.ColumnValue;
import io.tunnelstore.storage.RowMutation;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The row marker's timestamp: the newest version the write puts, else the row version time. */
class RowChangePlanTest {

    private static long markerTimestamp(RowChangePlan plan) {
        return plan.mutation().ops().stream()
                .filter(op -> op.kind() == RowMutation.Kind.PUT && op.column().equals(RowMarker.COLUMN))
                .mapToLong(RowMutation.Op::timestamp).max().orElseThrow();
    }

    @Test
    void markerTakesTheNewestPutTimestamp() {
        RowChangePlan plan = new RowChangePlan(Optional.empty(), List.of(), 5_000);
        plan.put(Cell.put("a", ColumnValue.ofLong(1), 1_000L));
        plan.put(Cell.put("b", ColumnValue.ofLong(2), 3_000L));
        plan.put(Cell.put("c", ColumnValue.ofLong(3), 2_000L));
        plan.putRowMarker();
        assertThat(markerTimestamp(plan)).isEqualTo(3_000L);
    }

    @Test
    void markerTakesTheRowVersionTimeForPutsWithoutTimestampAndWithoutPuts() {
        RowChangePlan unstamped = new RowChangePlan(Optional.empty(), List.of(), 5_000);
        unstamped.put(Cell.put("a", ColumnValue.ofLong(1)));
        unstamped.put(Cell.put("b", ColumnValue.ofLong(2), 1_000L));
        unstamped.putRowMarker();
        assertThat(markerTimestamp(unstamped)).isEqualTo(5_000L);

        RowChangePlan none = new RowChangePlan(Optional.empty(), List.of(), 5_000);
        none.deleteColumn(Cell.deleteAllVersions("a"));
        none.putRowMarker();
        assertThat(markerTimestamp(none)).isEqualTo(5_000L);
    }

    @Test
    void aZeroTimestampIsAsGoodAsAnyOther() {
        RowChangePlan plan = new RowChangePlan(Optional.empty(), List.of(), 5_000);
        plan.put(Cell.put("a", ColumnValue.ofLong(1), 0L));
        plan.putRowMarker();
        assertThat(markerTimestamp(plan)).isEqualTo(0L);
    }
}
