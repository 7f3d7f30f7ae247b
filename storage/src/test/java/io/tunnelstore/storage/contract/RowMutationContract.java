package io.tunnelstore.storage.contract;

import static io.tunnelstore.storage.contract.TestRows.apply;
import static io.tunnelstore.storage.contract.TestRows.bytes;
import static io.tunnelstore.storage.contract.TestRows.describe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunnelstore.storage.MutationResult;
import io.tunnelstore.storage.ReadSpec;
import io.tunnelstore.storage.RowDecider;
import io.tunnelstore.storage.RowMutation;
import io.tunnelstore.storage.StoredRow;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** readRow and mutateRow: versions, ReadSpec filters, delete kinds and the decider contract. */
public abstract class RowMutationContract extends EngineContractBase {
    private static final long TABLE = 42;
    private static final byte[] ROW = bytes("row-1");

    @BeforeEach
    void writeVersions() {
        apply(engine, TABLE, ROW, new RowMutation()
                .put("a", 1, bytes("a1"))
                .put("a", 3, bytes("a3"))
                .put("a", 2, bytes("a2"))
                .put("b", 5, bytes("b5")));
    }

    private List<String> read(ReadSpec spec) {
        return engine.readRow(TABLE, ROW, spec).map(TestRows::describe).orElse(List.of());
    }

    @Test
    void allVersionsAreOrderedByColumnThenNewestFirst() {
        assertThat(read(ReadSpec.allVersions())).containsExactly("a@3=a3", "a@2=a2", "a@1=a1", "b@5=b5");
    }

    @Test
    void latestReturnsOneVersionPerColumn() {
        assertThat(read(ReadSpec.latest())).containsExactly("a@3=a3", "b@5=b5");
    }

    @Test
    void maxVersionsLimitsEachColumn() {
        assertThat(read(new ReadSpec(Set.of(), 2, 0, Long.MAX_VALUE))).containsExactly("a@3=a3", "a@2=a2", "b@5=b5");
    }

    @Test
    void timeRangeIsMinInclusiveMaxExclusive() {
        assertThat(read(new ReadSpec(Set.of(), 10, 2, 5))).containsExactly("a@3=a3", "a@2=a2");
    }

    @Test
    void maxVersionsCountsOnlyVersionsInsideTheTimeRange() {
        assertThat(read(new ReadSpec(Set.of(), 1, 0, 3))).containsExactly("a@2=a2");
    }

    @Test
    void columnsSelectOnlyTheNamedColumns() {
        assertThat(read(new ReadSpec(Set.of("b"), 10, 0, Long.MAX_VALUE))).containsExactly("b@5=b5");
    }

    @Test
    void rowWithoutVisibleCellIsEmpty() {
        assertThat(engine.readRow(TABLE, ROW, new ReadSpec(Set.of("zz"), 1, 0, Long.MAX_VALUE))).isEmpty();
        assertThat(engine.readRow(TABLE, ROW, new ReadSpec(Set.of(), 1, 6, 100))).isEmpty();
        assertThat(engine.readRow(TABLE, bytes("absent"), ReadSpec.allVersions())).isEmpty();
        assertThat(engine.readRow(TABLE + 1, ROW, ReadSpec.allVersions())).isEmpty();
    }

    @Test
    void readRowReturnsTheRequestedKey() {
        StoredRow row = engine.readRow(TABLE, ROW, ReadSpec.latest()).orElseThrow();
        assertThat(row.rowKey()).isEqualTo(ROW);
    }

    @Test
    void putOfAnExistingVersionOverwritesIt() {
        apply(engine, TABLE, ROW, new RowMutation().put("a", 2, bytes("new")));
        assertThat(read(ReadSpec.allVersions())).containsExactly("a@3=a3", "a@2=new", "a@1=a1", "b@5=b5");
    }

    @Test
    void deleteVersionRemovesOnlyThatVersion() {
        apply(engine, TABLE, ROW, new RowMutation().deleteVersion("a", 2).deleteVersion("a", 99));
        assertThat(read(ReadSpec.allVersions())).containsExactly("a@3=a3", "a@1=a1", "b@5=b5");
    }

    @Test
    void deleteColumnRemovesAllItsVersions() {
        apply(engine, TABLE, ROW, new RowMutation().deleteColumn("a"));
        assertThat(read(ReadSpec.allVersions())).containsExactly("b@5=b5");
    }

    @Test
    void deleteRowRemovesEveryCell() {
        apply(engine, TABLE, ROW, new RowMutation().deleteRow());
        assertThat(engine.readRow(TABLE, ROW, ReadSpec.allVersions())).isEmpty();
    }

    @Test
    void opsOfOneMutationApplyInOrder() {
        apply(engine, TABLE, ROW, new RowMutation()
                .put("c", 7, bytes("c7"))
                .deleteColumn("c")
                .deleteRow()
                .put("d", 1, bytes("d1"))
                .put("e", 1, bytes("e1"))
                .deleteVersion("e", 1));
        assertThat(read(ReadSpec.allVersions())).containsExactly("d@1=d1");
    }

    @Test
    void deciderSeesAllVersionsOfTheCurrentRow() {
        List<String> seen = new ArrayList<>();
        engine.mutateRow(TABLE, ROW, (current, versionMillis) -> {
            seen.addAll(describe(current.orElseThrow()));
            return RowDecider.Decision.of(new RowMutation(), null);
        });
        assertThat(seen).containsExactly("a@3=a3", "a@2=a2", "a@1=a1", "b@5=b5");
    }

    @Test
    void deciderSeesEmptyForAMissingRow() {
        List<Optional<StoredRow>> seen = new ArrayList<>();
        engine.mutateRow(TABLE, bytes("missing"), (current, versionMillis) -> {
            seen.add(current);
            return RowDecider.Decision.of(new RowMutation(), null);
        });
        assertThat(seen).containsExactly(Optional.empty());
    }

    @Test
    void resultCarriesTheDecisionValueAndCommitTime() {
        MutationResult<String> result = engine.mutateRow(TABLE, ROW,
                (current, versionMillis) -> RowDecider.Decision.of(new RowMutation().put("z", 1, bytes("z")), "ok"));
        assertThat(result.result()).isEqualTo("ok");
        assertThat(result.sequence()).isEqualTo(-1);
        assertThat(result.commitTimeMicros()).isEqualTo(clock.micros());
    }

    @Test
    void failingDeciderWritesNothingAndReleasesTheRow() {
        assertThatThrownBy(() -> engine.mutateRow(TABLE, ROW, (current, versionMillis) -> {
            throw new IllegalStateException("condition failed");
        })).isInstanceOf(IllegalStateException.class).hasMessage("condition failed");

        apply(engine, TABLE, ROW, new RowMutation().deleteColumn("b"));
        assertThat(read(ReadSpec.allVersions())).containsExactly("a@3=a3", "a@2=a2", "a@1=a1");
        assertThat(engine.logBounds(TABLE, 0).isEmpty()).isTrue();
    }

    @Test
    void invalidOpsAreRejectedBeforeAnythingIsWritten() {
        assertThatThrownBy(() -> apply(engine, TABLE, ROW, new RowMutation().deleteRow().put("x", -1, bytes("x"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must not be negative: -1");
        assertThatThrownBy(() -> apply(engine, TABLE, ROW, new RowMutation().put("x", 1, null)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has no value");
        assertThat(read(ReadSpec.allVersions())).hasSize(4);
    }

    @Test
    void invalidReadSpecIsRejected() {
        assertThatThrownBy(() -> engine.readRow(TABLE, ROW, new ReadSpec(Set.of(), 0, 0, 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxVersions must be at least 1: 0");
        assertThatThrownBy(() -> engine.readRow(TABLE, ROW, new ReadSpec(Set.of(), 1, 5, 4)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("time range is inverted: [5, 4)");
    }

    @Test
    void rowKeysAndColumnsMayHoldZeroBytes() {
        byte[] zeroKey = bytes(0x00, 0x00, 0x01);
        apply(engine, TABLE, zeroKey, new RowMutation().put("c\0d", 9, bytes(0, 0)));
        apply(engine, TABLE, bytes(), new RowMutation().put("", 0, bytes()));

        StoredRow row = engine.readRow(TABLE, zeroKey, ReadSpec.allVersions()).orElseThrow();
        assertThat(row.rowKey()).isEqualTo(zeroKey);
        assertThat(row.cells()).singleElement().satisfies(cell -> {
            assertThat(cell.column()).isEqualTo("c\0d");
            assertThat(cell.timestamp()).isEqualTo(9);
            assertThat(cell.value()).isEqualTo(bytes(0, 0));
        });
        assertThat(engine.readRow(TABLE, bytes(), ReadSpec.allVersions()).map(TestRows::describe))
                .contains(List.of("@0="));
        assertThat(engine.readRow(TABLE, bytes(0x00, 0x00), ReadSpec.allVersions())).isEmpty();
    }
}
