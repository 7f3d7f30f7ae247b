package io.tunnelstore.storage.hbase;

import static io.tunnelstore.storage.contract.TestRows.applyLogged;
import static io.tunnelstore.storage.contract.TestRows.bytes;
import static io.tunnelstore.storage.contract.TestRows.drain;
import static io.tunnelstore.storage.contract.TestRows.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.tunnelstore.storage.LogRecord;
import io.tunnelstore.storage.ReadSpec;
import io.tunnelstore.storage.RowMutation;
import io.tunnelstore.storage.ScanRange;
import io.tunnelstore.storage.StorageOptions;
import io.tunnelstore.testsupport.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.Admin;
import org.apache.hadoop.hbase.client.RegionInfo;
import org.junit.jupiter.api.Test;

/**
 * The instance's HBase table over several regions: a split requested inside a Tunnelstore table is cut back to the
 * table's key prefix by the split restriction (an operator's split as well as an automatic one), so every table's rows and change log stay in one region, and the
 * atomic row + log commit (one MultiRowMutationEndpoint call, which refuses to span regions) keeps working on every
 * region.
 */
class HBaseRegionSplitTest {
    private static final String HBASE_TABLE = "tunnelstore_split";

    @Test
    void splitsFallOnTableBoundariesAndCommitsStayAtomicInEveryRegion() throws Exception {
        TableName name = TableName.valueOf(HBASE_TABLE);
        try (HBaseStorageEngine engine = HBaseStorageEngine.open(MiniHBase.connection(), HBASE_TABLE,
                StorageOptions.defaults()); Admin admin = MiniHBase.connection().getAdmin()) {
            for (long table = 1; table <= 3; table++) {
                for (int i = 0; i < 40; i++) {
                    applyLogged(engine, table, bytes(String.format("row-%02d", i)),
                            new RowMutation().put("c", 1, bytes("v" + i)), i % 2, bytes("t" + table + "-" + i));
                }
            }
            admin.flush(name);
            assertThat(admin.getRegions(name)).hasSize(1);

            // a split requested in the middle of table 2's rows lands on table 2's first key
            assertThat(split(admin, name, HBaseKeys.dataKey(2, bytes("row-20")))).isTrue();
            await(() -> regions(admin, name).size() == 2);
            assertThat(startKeys(admin, name)).containsExactly("", hex(HBaseKeys.tablePrefix(2)));

            // every table's rows and log keep committing atomically, and their sequences continue
            for (long table = 1; table <= 3; table++) {
                assertThat(applyLogged(engine, table, bytes("row-05"), new RowMutation().put("c", 2, bytes("new")),
                        1, bytes("after-split")).sequence()).isEqualTo(21);
                List<LogRecord> shard1 = engine.readLog(table, 1, 1, 100, Long.MAX_VALUE);
                assertThat(shard1).hasSize(21);
                assertThat(text(shard1.get(20).payload())).isEqualTo("after-split");
                assertThat(drain(engine.scan(table, ScanRange.all(), ReadSpec.latest()))).hasSize(40);
                assertThat(text(engine.readRow(table, bytes("row-05"), ReadSpec.latest()).orElseThrow().cells()
                        .get(0).value())).isEqualTo("new");
            }
        } finally {
            try (Admin admin = MiniHBase.connection().getAdmin()) {
                admin.disableTable(name);
                admin.deleteTable(name);
            }
        }
    }

    /** Asks the master to split the region holding {@code key} at {@code key}; false if it refused for now. */
    private static boolean split(Admin admin, TableName name, byte[] key) {
        try {
            RegionInfo region = regions(admin, name).stream().filter(r -> r.containsRow(key)).findFirst()
                    .orElseThrow();
            admin.splitRegionAsync(region.getRegionName(), key).get();
            return true;
        } catch (java.util.concurrent.ExecutionException | IOException e) {
            return false; // "NOT splittable" while the region still has references
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static List<RegionInfo> regions(Admin admin, TableName name) {
        try {
            return admin.getRegions(name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> startKeys(Admin admin, TableName name) {
        return regions(admin, name).stream().map(RegionInfo::getStartKey).sorted(Arrays::compareUnsigned)
                .map(HBaseRegionSplitTest::hex).toList();
    }

    private static String hex(byte[] key) {
        return java.util.HexFormat.of().formatHex(key);
    }

    private static void await(BooleanSupplier condition) {
        Await.until(condition, Duration.ofSeconds(120));
    }
}
