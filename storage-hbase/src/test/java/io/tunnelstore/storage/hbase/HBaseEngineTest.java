package io.tunnelstore.storage.hbase;

import static io.tunnelstore.storage.contract.TestRows.applyLogged;
import static io.tunnelstore.storage.contract.TestRows.bytes;
import static io.tunnelstore.storage.contract.TestRows.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunnelstore.storage.LogBounds;
import io.tunnelstore.storage.LogRecord;
import io.tunnelstore.storage.ReadSpec;
import io.tunnelstore.storage.RowBatchEntry;
import io.tunnelstore.storage.RowDecider;
import io.tunnelstore.storage.RowMutation;
import io.tunnelstore.storage.ScanRange;
import io.tunnelstore.storage.StorageException;
import io.tunnelstore.storage.StorageOptions;
import io.tunnelstore.storage.contract.TestRows;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.Admin;
import org.apache.hadoop.hbase.client.ColumnFamilyDescriptor;
import org.apache.hadoop.hbase.client.Get;
import org.apache.hadoop.hbase.client.Put;
import org.apache.hadoop.hbase.client.Table;
import org.apache.hadoop.hbase.client.TableDescriptor;
import org.apache.hadoop.hbase.client.TableDescriptorBuilder;
import org.junit.jupiter.api.Test;

/** What is particular to HBase: the table's settings, the conditional atomic commit, sizes from region metrics. */
class HBaseEngineTest {
    private static final long TABLE = 3;

    @Test
    void theTableCarriesTheEndpointTheKeyPrefixSplitRestrictionAndNewVersionBehavior() throws Exception {
        MiniHBase.TestTable store = new MiniHBase.TestTable();
        try (HBaseStorageEngine engine = store.open(StorageOptions.defaults());
                Admin admin = MiniHBase.connection().getAdmin()) {
            TableDescriptor descriptor = admin.getDescriptor(engine.tableName());
            assertThat(descriptor.hasCoprocessor(HBaseStorageEngine.MULTI_ROW_MUTATION_ENDPOINT)).isTrue();
            assertThat(descriptor.getValue("hbase.regionserver.region.split_restriction.type")).isEqualTo("KeyPrefix");
            assertThat(descriptor.getValue("hbase.regionserver.region.split_restriction.prefix_length"))
                    .isEqualTo("9");
            assertThat(descriptor.getRegionSplitPolicyClassName())
                    .isEqualTo("org.apache.hadoop.hbase.regionserver.KeyPrefixRegionSplitPolicy");
            assertThat(descriptor.getColumnFamilies()).extracting(ColumnFamilyDescriptor::getNameAsString)
                    .containsExactly("d", "l", "m");
            assertThat(descriptor.getColumnFamilies()).allSatisfy(f -> assertThat(f.isNewVersionBehavior()).isTrue());
            assertThat(descriptor.getColumnFamily(HBaseKeys.FAMILY_ROWS).getMaxVersions())
                    .isEqualTo(Integer.MAX_VALUE);
            assertThat(descriptor.getValue("tunnelstore.layout")).isEqualTo("2");
        }
    }

    @Test
    void noColumnIsStoredUnderAnEmptyQualifier() throws Exception {
        MiniHBase.TestTable store = new MiniHBase.TestTable();
        try (HBaseStorageEngine engine = store.open(StorageOptions.defaults());
                Table table = MiniHBase.connection().getTable(engine.tableName())) {
            TestRows.apply(engine, TABLE, bytes("q"), new RowMutation().put("", 1, bytes("m"))
                    .put("\0x", 1, bytes("z")).put("a", 1, bytes("a")));

            List<List<Integer>> qualifiers = new ArrayList<>();
            for (org.apache.hadoop.hbase.Cell cell : table.get(new Get(HBaseKeys.dataKey(TABLE, bytes("q")))).rawCells()) {
                qualifiers.add(TestRows.unsigned(org.apache.hadoop.hbase.CellUtil.cloneQualifier(cell)));
            }
            assertThat(qualifiers).containsExactly(List.of(0x00), List.of(0x00, 0x00, 0x78), List.of(0x61));
            assertThat(engine.readRow(TABLE, bytes("q"), ReadSpec.latest()).map(TestRows::describe).orElseThrow())
                    .containsExactly("@1=m", "\0x@1=z", "a@1=a");
        }
    }

    @Test
    void aTableOfTheEarlierLayoutIsRefused() throws Exception {
        TableName name = TableName.valueOf("tunnelstore_layout1");
        try (Admin admin = MiniHBase.connection().getAdmin()) {
            // as created before the layout value existed: the same table without it
            admin.createTable(TableDescriptorBuilder.newBuilder(HBaseStorageEngine.descriptor(name))
                    .removeValue(HBaseStorageEngine.LAYOUT_KEY).build());
            try {
                assertThatThrownBy(() -> HBaseStorageEngine.open(MiniHBase.connection(), name.getNameAsString(),
                        StorageOptions.defaults())).isInstanceOf(StorageException.class)
                        .hasMessage("HBase table tunnelstore_layout1 was written by an earlier Tunnelstore (column"
                                + " layout 1, this version needs 2: the empty column is stored under another"
                                + " qualifier); use another HBase table or drop this one");
            } finally {
                admin.disableTable(name);
                admin.deleteTable(name);
            }
        }
    }

    @Test
    void aSequenceTakenByAnotherWriterRefusesTheWholeCommitAndTheNextOneContinuesAfterIt() throws Exception {
        MiniHBase.TestTable store = new MiniHBase.TestTable();
        try (HBaseStorageEngine engine = store.open(StorageOptions.defaults());
                Table table = MiniHBase.connection().getTable(engine.tableName())) {
            assertThat(applyLogged(engine, TABLE, bytes("a"), new RowMutation().put("c", 1, bytes("x")), 0,
                    bytes("mine")).sequence()).isEqualTo(1);
            // another writer (a deposed or concurrent node) appends sequence 2 behind this engine's back
            table.put(new Put(HBaseKeys.logKey(TABLE, 0, 2)).addColumn(HBaseKeys.FAMILY_LOG, HBaseKeys.QUALIFIER_LOG,
                    HBaseKeys.logValue(7, bytes("theirs"))));

            assertThatThrownBy(() -> applyLogged(engine, TABLE, bytes("b"), new RowMutation().put("c", 1, bytes("y")),
                    0, bytes("lost"))).isInstanceOf(StorageException.class)
                    .hasMessageContaining("change-log sequence already taken");
            // the row and its record were one conditional write: neither is there
            assertThat(engine.readRow(TABLE, bytes("b"), ReadSpec.latest())).isEmpty();
            assertThat(engine.readLog(TABLE, 0, 1, 10, Long.MAX_VALUE)).extracting(r -> text(r.payload()))
                    .containsExactly("mine", "theirs");

            // the counter was reloaded from the table: the next commit follows the foreign record
            assertThat(applyLogged(engine, TABLE, bytes("b"), new RowMutation().put("c", 1, bytes("y")), 0,
                    bytes("again")).sequence()).isEqualTo(3);
            assertThat(engine.logBounds(TABLE, 0)).isEqualTo(new LogBounds(1, 3));
        }
    }

    @Test
    void aBatchIsOneAtomicWriteOfItsRowsAndRecords() {
        MiniHBase.TestTable store = new MiniHBase.TestTable();
        try (HBaseStorageEngine engine = store.open(StorageOptions.defaults())) {
            List<RowBatchEntry<Void>> batch = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                String row = "r" + i;
                batch.add(new RowBatchEntry<>(bytes(row), (current, versionMillis) -> new RowDecider.Decision<>(
                        new RowMutation().put("c", 1, bytes(row)), 5, bytes("log " + row), null)));
            }
            assertThat(engine.mutateRows(TABLE, batch)).extracting(o -> o.result().sequence())
                    .containsExactly(1L, 2L, 3L);
            assertThat(engine.readLog(TABLE, 5, 1, 10, Long.MAX_VALUE)).extracting(LogRecord::sequence)
                    .containsExactly(1L, 2L, 3L);
            assertThat(TestRows.drain(engine.scan(TABLE, ScanRange.all(), ReadSpec.latest()))).hasSize(3);
        }
    }

    /** 40 rows of 100 KiB, flushed: the region metrics see about 4 MiB, spread evenly between the first and last row. */
    @Test
    void sizesAndSplitKeysComeFromRegionMetrics() throws Exception {
        String name = "tunnelstore_sizes";
        try (HBaseStorageEngine engine = HBaseStorageEngine.open(MiniHBase.connection(), name,
                StorageOptions.defaults()); Admin admin = MiniHBase.connection().getAdmin()) {
            for (int i = 0; i < 40; i++) {
                TestRows.apply(engine, TABLE, bytes(String.format("row%02d", i)),
                        new RowMutation().put("c", 1, new byte[100 * 1024]));
            }
            admin.flush(TableName.valueOf(name));
            long total = engine.approximateSize(TABLE, ScanRange.all());
            assertThat(total).isBetween(3L << 20, 6L << 20);
            assertThat(engine.approximateSize(TABLE + 1, ScanRange.all())).isZero();
            long firstHalf = engine.approximateSize(TABLE, new ScanRange(null, bytes("row20"), false));
            assertThat(firstHalf).isPositive().isLessThan(total);

            List<String> cuts = engine.splitKeys(TABLE, ScanRange.all(), total / 4 + 1).stream()
                    .map(TestRows::text).toList();
            assertThat(cuts).hasSize(3);
            // each piece holds ten rows: the interpolated keys fall between row09/row10, row19/row20, row29/row30
            List<Integer> rowsPerPiece = new ArrayList<>();
            List<byte[]> bounds = new ArrayList<>();
            bounds.add(null);
            engine.splitKeys(TABLE, ScanRange.all(), total / 4 + 1).forEach(bounds::add);
            bounds.add(null);
            for (int i = 0; i + 1 < bounds.size(); i++) {
                rowsPerPiece.add(TestRows.drain(engine.scan(TABLE,
                        new ScanRange(bounds.get(i), bounds.get(i + 1), false), ReadSpec.latest())).size());
            }
            assertThat(rowsPerPiece).containsExactly(10, 10, 10, 10);
            assertThat(engine.splitKeys(TABLE, ScanRange.all(), total + 1)).isEmpty();
            assertThatThrownBy(() -> engine.splitKeys(TABLE, ScanRange.all(), 0))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
