package io.tunnelstore.storage.contract;

import static io.tunnelstore.storage.contract.TestRows.apply;
import static io.tunnelstore.storage.contract.TestRows.bytes;
import static io.tunnelstore.storage.contract.TestRows.describe;
import static io.tunnelstore.storage.contract.TestRows.drain;
import static org.assertj.core.api.Assertions.assertThat;

import io.tunnelstore.storage.ReadSpec;
import io.tunnelstore.storage.RowMutation;
import io.tunnelstore.storage.ScanRange;
import io.tunnelstore.storage.StoredRow;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Rows written, rewritten and deleted the way the server does it, then read back through every read path (readRow
 * and scan, all columns and a column filter, every version and one, a time range as a TTL gives it).
 *
 * <p>The server keeps a hidden row-marker cell with the empty column name (the server's {@code RowMarker}) and writes
 * it anew at every PutRow and UpdateRow, deleting its older version (max versions 1) or the whole row (PutRow): the
 * first tests replay exactly those writes. On HBase with NEW_VERSION_BEHAVIOR a version delete of the empty qualifier
 * below a newer put of it made every read of the row fail on the region server (NPE in
 * {@code NewVersionBehaviorTracker.add}); the rest pin the neighbouring cases (delete then put, a single column
 * deleted, a put after a row delete at the same version, columns holding a zero byte).
 */
public abstract class RowRewriteContract extends EngineContractBase {
    private static final long TABLE = 77;
    private static final byte[] ROW = bytes("row-2");
    private static final byte[] NEXT_ROW = bytes("row-3");
    private static final String MARKER = "";

    /** Every read path returns {@code expected} for ROW (filtered to {@code columns}, if any). */
    private void assertReads(ReadSpec spec, String... expected) {
        assertThat(engine.readRow(TABLE, ROW, spec).map(TestRows::describe).orElse(List.of()))
                .as("readRow %s", spec).containsExactly(expected);
        List<StoredRow> rows = drain(engine.scan(TABLE, ScanRange.all(), spec));
        List<String> scanned = new ArrayList<>();
        for (StoredRow row : rows) {
            if (java.util.Arrays.equals(row.rowKey(), ROW)) {
                scanned.addAll(describe(row));
            }
        }
        assertThat(scanned).as("scan %s", spec).containsExactly(expected);
        List<String> reverse = new ArrayList<>();
        for (StoredRow row : drain(engine.scan(TABLE, new ScanRange(null, null, true), spec))) {
            if (java.util.Arrays.equals(row.rowKey(), ROW)) {
                reverse.addAll(describe(row));
            }
        }
        assertThat(reverse).as("reverse scan %s", spec).containsExactly(expected);
    }

    private static ReadSpec columns(int maxVersions, String... columns) {
        return new ReadSpec(Set.of(columns), maxVersions, 0, Long.MAX_VALUE);
    }

    private static ReadSpec since(long minTimestamp) {
        return new ReadSpec(Set.of(), Integer.MAX_VALUE, minTimestamp, Long.MAX_VALUE);
    }

    /** A neighbour row, so that scans also cross rows that were not rewritten. */
    private void writeNeighbour() {
        apply(engine, TABLE, NEXT_ROW, new RowMutation().put(MARKER, 1, bytes("")).put("x", 1, bytes("x1")));
    }

    @Test
    void putRowReplacingTheColumnsOfARowIsReadable() {
        writeNeighbour();
        apply(engine, TABLE, ROW, new RowMutation().put(MARKER, 100, bytes("")).put("v", 100, bytes("hello2")));
        // PutRow: the whole row goes, the new columns and a new marker come
        apply(engine, TABLE, ROW, new RowMutation().deleteRow()
                .put(MARKER, 200, bytes("")).put("w", 200, bytes("again")));

        assertReads(ReadSpec.allVersions(), "@200=", "w@200=again");
        assertReads(ReadSpec.latest(), "@200=", "w@200=again");
        assertReads(columns(1, "w"), "w@200=again");
        assertReads(columns(Integer.MAX_VALUE, "v"));
        assertReads(columns(1, MARKER), "@200=");
        assertReads(columns(1, MARKER, "v", "w"), "@200=", "w@200=again");
        assertReads(since(150), "@200=", "w@200=again");
        assertReads(since(201));
        reopen();
        assertReads(ReadSpec.allVersions(), "@200=", "w@200=again");
        assertThat(engine.readRow(TABLE, NEXT_ROW, ReadSpec.latest()).map(TestRows::describe).orElseThrow())
                .containsExactly("@1=", "x@1=x1");
    }

    @Test
    void putRowReplacingARowWithTheSameColumnsIsReadable() {
        apply(engine, TABLE, ROW, new RowMutation().put(MARKER, 100, bytes("")).put("v", 100, bytes("one")));
        apply(engine, TABLE, ROW, new RowMutation().deleteRow()
                .put(MARKER, 200, bytes("")).put("v", 200, bytes("two")));

        assertReads(ReadSpec.allVersions(), "@200=", "v@200=two");
        assertReads(columns(1, "v"), "v@200=two");
    }

    @Test
    void updateKeepingOneVersionIsReadable() {
        // an UpdateRow on a max-versions-1 table: the new marker and value, the older versions trimmed
        apply(engine, TABLE, ROW, new RowMutation().put(MARKER, 100, bytes("")).put("v", 100, bytes("one")));
        apply(engine, TABLE, ROW, new RowMutation()
                .put(MARKER, 200, bytes("")).deleteVersion(MARKER, 100)
                .put("v", 200, bytes("two")).deleteVersion("v", 100)
                .put("w", 200, bytes("w2")));

        assertReads(ReadSpec.allVersions(), "@200=", "v@200=two", "w@200=w2");
        assertReads(columns(1, "v", "w"), "v@200=two", "w@200=w2");
        assertReads(since(200), "@200=", "v@200=two", "w@200=w2");
    }

    @Test
    void updateKeepingSeveralVersionsIsReadable() {
        // an UpdateRow on a max-versions-2 table: the third version of each cell trims the first
        for (long ts = 100; ts <= 300; ts += 100) {
            RowMutation m = new RowMutation().put(MARKER, ts, bytes("")).put("v", ts, bytes("v" + ts));
            if (ts == 300) {
                m.deleteVersion(MARKER, 100).deleteVersion("v", 100);
            }
            apply(engine, TABLE, ROW, m);
        }

        assertReads(ReadSpec.allVersions(), "@300=", "@200=", "v@300=v300", "v@200=v200");
        assertReads(ReadSpec.latest(), "@300=", "v@300=v300");
        assertReads(columns(2, "v"), "v@300=v300", "v@200=v200");
        assertReads(since(250), "@300=", "v@300=v300");
    }

    @Test
    void versionDeleteOfTheEmptyColumnBelowANewerVersionIsReadable() {
        apply(engine, TABLE, ROW, new RowMutation().put(MARKER, 1, bytes("m1")).put(MARKER, 2, bytes("m2")));
        apply(engine, TABLE, ROW, new RowMutation().deleteVersion(MARKER, 1));

        assertReads(ReadSpec.allVersions(), "@2=m2");
        assertReads(columns(1, MARKER), "@2=m2");
    }

    @Test
    void rowDeletedThenPutAgainIsReadable() {
        apply(engine, TABLE, ROW, new RowMutation().put(MARKER, 100, bytes("")).put("v", 100, bytes("one")));
        apply(engine, TABLE, ROW, new RowMutation().deleteRow());
        assertReads(ReadSpec.allVersions());
        apply(engine, TABLE, ROW, new RowMutation().put(MARKER, 200, bytes("")).put("w", 200, bytes("two")));

        assertReads(ReadSpec.allVersions(), "@200=", "w@200=two");
        assertReads(columns(1, "v"));
    }

    @Test
    void putAfterARowDeleteAtTheSameVersionIsVisible() {
        apply(engine, TABLE, ROW, new RowMutation().put(MARKER, 100, bytes("")).put("v", 100, bytes("one")));
        apply(engine, TABLE, ROW, new RowMutation().deleteRow());
        apply(engine, TABLE, ROW, new RowMutation().put(MARKER, 100, bytes("")).put("v", 100, bytes("again")));

        assertReads(ReadSpec.allVersions(), "@100=", "v@100=again");
    }

    @Test
    void deleteOfOneColumnLeavesTheOthersReadable() {
        apply(engine, TABLE, ROW, new RowMutation().put(MARKER, 100, bytes(""))
                .put("v", 100, bytes("v1")).put("v", 90, bytes("v0")).put("w", 100, bytes("w1")));
        apply(engine, TABLE, ROW, new RowMutation().put(MARKER, 200, bytes("")).deleteVersion(MARKER, 100)
                .deleteColumn("v"));

        assertReads(ReadSpec.allVersions(), "@200=", "w@100=w1");
        assertReads(columns(1, "v"));
        assertReads(columns(1, "w"), "w@100=w1");
    }

    @Test
    void columnsWithALeadingZeroByteKeepTheirNamesAndOrder() {
        String zero = "\0";
        String zeroA = "\0a";
        apply(engine, TABLE, ROW, new RowMutation().put("a", 1, bytes("A")).put(zeroA, 1, bytes("ZA"))
                .put(MARKER, 1, bytes("M")).put(zero, 1, bytes("Z")));
        apply(engine, TABLE, ROW, new RowMutation().put(MARKER, 2, bytes("M2")).deleteVersion(MARKER, 1)
                .deleteVersion(zero, 1).put(zero, 2, bytes("Z2")));

        assertReads(ReadSpec.allVersions(), "@2=M2", "\0@2=Z2", "\0a@1=ZA", "a@1=A");
        assertReads(columns(1, zero), "\0@2=Z2");
        assertReads(columns(1, zeroA, MARKER), "@2=M2", "\0a@1=ZA");
        reopen();
        assertReads(ReadSpec.allVersions(), "@2=M2", "\0@2=Z2", "\0a@1=ZA", "a@1=A");
    }
}
