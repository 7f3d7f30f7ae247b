package io.tunnelstore.storage.contract;

import static io.tunnelstore.storage.contract.TestRows.apply;
import static io.tunnelstore.storage.contract.TestRows.bytes;
import static io.tunnelstore.storage.contract.TestRows.drain;
import static io.tunnelstore.storage.contract.TestRows.keysOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunnelstore.storage.ReadSpec;
import io.tunnelstore.storage.RowMutation;
import io.tunnelstore.storage.RowScanner;
import io.tunnelstore.storage.ScanRange;
import io.tunnelstore.storage.StorageException;
import io.tunnelstore.storage.StoredRow;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** scan: unsigned key order, exact bounds in both directions, table isolation and the scanner lifecycle. */
public abstract class ScanContract extends EngineContractBase {
    private static final long TABLE = 7;

    /** Row keys in unsigned lexicographic order, including prefixes of one another and 0x00 / 0xFF bytes. */
    private static final List<List<Integer>> SORTED_KEYS = List.of(
            List.of(),
            List.of(0x00),
            List.of(0x00, 0x00),
            List.of(0x00, 0x01),
            List.of(0x01),
            List.of(0x01, 0x00),
            List.of(0x7F),
            List.of(0x80),
            List.of(0xFF),
            List.of(0xFF, 0xFF));

    private static byte[] key(List<Integer> values) {
        return bytes(values.stream().mapToInt(Integer::intValue).toArray());
    }

    private static <T> List<T> reversed(List<T> list) {
        List<T> copy = new ArrayList<>(list);
        Collections.reverse(copy);
        return copy;
    }

    @BeforeEach
    void writeRows() {
        // insert in a scrambled order: the stored order must not depend on it
        for (int i : new int[] {5, 0, 9, 3, 7, 1, 8, 2, 6, 4}) {
            apply(engine, TABLE, key(SORTED_KEYS.get(i)), new RowMutation().put("c", 1, bytes("v" + i)));
        }
        // neighbouring tables must never leak into a scan
        apply(engine, TABLE - 1, bytes(0xFF, 0xFF, 0xFF), new RowMutation().put("c", 1, bytes("lower table")));
        apply(engine, TABLE + 1, bytes(), new RowMutation().put("c", 1, bytes("upper table")));
    }

    private List<List<Integer>> scanKeys(byte[] start, byte[] end, boolean reverse) {
        return keysOf(drain(engine.scan(TABLE, new ScanRange(start, end, reverse), ReadSpec.latest())));
    }

    @Test
    void forwardScanReturnsRowsInUnsignedKeyOrder() {
        assertThat(scanKeys(null, null, false)).isEqualTo(SORTED_KEYS);
    }

    @Test
    void reverseScanReturnsRowsInDescendingOrder() {
        assertThat(scanKeys(null, null, true)).isEqualTo(reversed(SORTED_KEYS));
    }

    @Test
    void forwardBoundsAreStartInclusiveEndExclusive() {
        assertThat(scanKeys(bytes(0x00, 0x01), bytes(0xFF), false))
                .containsExactly(List.of(0x00, 0x01), List.of(0x01), List.of(0x01, 0x00), List.of(0x7F),
                        List.of(0x80));
    }

    @Test
    void reverseBoundsStartBelowEndAndIncludeStart() {
        assertThat(scanKeys(bytes(0x00, 0x01), bytes(0xFF), true))
                .containsExactly(List.of(0x80), List.of(0x7F), List.of(0x01, 0x00), List.of(0x01),
                        List.of(0x00, 0x01));
    }

    @Test
    void boundsThatAreNotRowKeysCutBetweenRows() {
        assertThat(scanKeys(bytes(0x00, 0x00, 0x05), bytes(0x01, 0x00, 0x00), false))
                .containsExactly(List.of(0x00, 0x01), List.of(0x01), List.of(0x01, 0x00));
        assertThat(scanKeys(bytes(0x00, 0x00, 0x05), bytes(0x01, 0x00, 0x00), true))
                .containsExactly(List.of(0x01, 0x00), List.of(0x01), List.of(0x00, 0x01));
    }

    @Test
    void openEndedBoundsInBothDirections() {
        assertThat(scanKeys(bytes(0x80), null, false)).containsExactly(List.of(0x80), List.of(0xFF), List.of(0xFF, 0xFF));
        assertThat(scanKeys(bytes(0x80), null, true)).containsExactly(List.of(0xFF, 0xFF), List.of(0xFF), List.of(0x80));
        assertThat(scanKeys(null, bytes(0x00, 0x00), false)).containsExactly(List.of(), List.of(0x00));
        assertThat(scanKeys(null, bytes(0x00, 0x00), true)).containsExactly(List.of(0x00), List.of());
    }

    @Test
    void emptyRangesReturnNothing() {
        assertThat(scanKeys(bytes(0x01), bytes(0x01), false)).isEmpty();
        assertThat(scanKeys(bytes(0x01), bytes(0x01), true)).isEmpty();
        assertThat(scanKeys(bytes(0x02), bytes(0x01), false)).isEmpty();
        assertThat(scanKeys(bytes(0x02), bytes(0x01), true)).isEmpty();
    }

    @Test
    void rowsWithoutVisibleCellsAreSkippedInBothDirections() {
        apply(engine, TABLE, key(SORTED_KEYS.get(4)), new RowMutation().put("only-here", 1, bytes("x")));
        ReadSpec onlyHere = new ReadSpec(Set.of("only-here"), 1, 0, Long.MAX_VALUE);
        assertThat(keysOf(drain(engine.scan(TABLE, ScanRange.all(), onlyHere)))).containsExactly(List.of(0x01));
        assertThat(keysOf(drain(engine.scan(TABLE, new ScanRange(null, null, true), onlyHere))))
                .containsExactly(List.of(0x01));
    }

    @Test
    void reverseScanReturnsCellsInStoredOrder() {
        byte[] row = key(SORTED_KEYS.get(8));
        apply(engine, TABLE, row, new RowMutation().put("c", 3, bytes("c3")).put("b", 2, bytes("b2")));
        List<StoredRow> rows = drain(engine.scan(TABLE, new ScanRange(row, bytes(0xFF, 0xFF, 0x00), true),
                new ReadSpec(Set.of(), 2, 0, Long.MAX_VALUE)));
        assertThat(rows).hasSize(2);
        assertThat(TestRows.describe(rows.get(1))).containsExactly("b@2=b2", "c@3=c3", "c@1=v8");
        assertThat(TestRows.describe(rows.get(0))).containsExactly("c@1=v9");
    }

    @Test
    void deletedRowsDisappearFromScans() {
        apply(engine, TABLE, key(SORTED_KEYS.get(0)), new RowMutation().deleteRow());
        apply(engine, TABLE, key(SORTED_KEYS.get(9)), new RowMutation().deleteColumn("c"));
        assertThat(scanKeys(null, null, false)).isEqualTo(SORTED_KEYS.subList(1, 9));
        assertThat(scanKeys(null, null, true)).isEqualTo(reversed(SORTED_KEYS.subList(1, 9)));
    }

    @Test
    void scanSeesTheRowsThatExistedWhenItStarted() {
        try (RowScanner scanner = engine.scan(TABLE, ScanRange.all(), ReadSpec.latest())) {
            assertThat(scanner.hasNext()).isTrue();
            apply(engine, TABLE, bytes(0x00, 0x00, 0x00), new RowMutation().put("c", 1, bytes("late")));
            apply(engine, TABLE, key(SORTED_KEYS.get(9)), new RowMutation().deleteRow());
            int count = 0;
            while (scanner.hasNext()) {
                scanner.next();
                count++;
            }
            assertThat(count).isEqualTo(SORTED_KEYS.size());
        }
    }

    @Test
    void tableWithAllOnesIdIsScannedInBothDirections() {
        apply(engine, -1, bytes(0xFF), new RowMutation().put("c", 1, bytes("x")));
        apply(engine, -1, bytes(0x00), new RowMutation().put("c", 1, bytes("y")));
        assertThat(keysOf(drain(engine.scan(-1, ScanRange.all(), ReadSpec.latest()))))
                .containsExactly(List.of(0x00), List.of(0xFF));
        assertThat(keysOf(drain(engine.scan(-1, new ScanRange(null, null, true), ReadSpec.latest()))))
                .containsExactly(List.of(0xFF), List.of(0x00));
    }

    @Test
    void nextAfterTheLastRowThrowsNoSuchElement() {
        RowScanner scanner = engine.scan(TABLE, new ScanRange(bytes(0xFF, 0xFF), null, false), ReadSpec.latest());
        assertThat(scanner.next().rowKey()).isEqualTo(bytes(0xFF, 0xFF));
        assertThat(scanner.hasNext()).isFalse();
        assertThatThrownBy(scanner::next).isInstanceOf(NoSuchElementException.class);
        scanner.close();
        scanner.close();
    }

    @Test
    void closingTheEngineAbortsOpenScanners() {
        RowScanner scanner = engine.scan(TABLE, ScanRange.all(), ReadSpec.latest());
        assertThat(scanner.hasNext()).isTrue();
        scanner.next();
        engine.close();
        assertThatThrownBy(scanner::hasNext)
                .isInstanceOf(StorageException.class)
                .hasMessage("scan aborted: the storage engine was closed");
        scanner.close();
        engine = null;
    }
}
