package io.tunnelstore.server.stream;

import static io.tunnelstore.server.stream.StreamTestServer.assertOtsError;
import static io.tunnelstore.server.stream.StreamTestServer.pk;
import static org.assertj.core.api.Assertions.assertThat;

import com.alicloud.openservices.tablestore.model.ColumnValue;
import com.alicloud.openservices.tablestore.model.ComputeSplitsBySizeRequest;
import com.alicloud.openservices.tablestore.model.ComputeSplitsBySizeResponse;
import com.alicloud.openservices.tablestore.model.PrimaryKey;
import com.alicloud.openservices.tablestore.model.PrimaryKeySchema;
import com.alicloud.openservices.tablestore.model.PrimaryKeyType;
import com.alicloud.openservices.tablestore.model.PrimaryKeyValue;
import com.alicloud.openservices.tablestore.model.PutRowRequest;
import com.alicloud.openservices.tablestore.model.RowPutChange;
import com.alicloud.openservices.tablestore.model.Split;
import com.alicloud.openservices.tablestore.model.TableMeta;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * ComputeSplitPointsBySize through the official client. Every row holds one 1000-byte value, so with a 2500-byte
 * target the storage engine cuts after every third row (3 rows ≥ 2500 bytes > 2 rows, whatever its per-row overhead
 * below 250 bytes).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SplitPointsTest {

    private static final long TARGET = 2500;
    private static final String PADDING = "x".repeat(1000);

    private StreamTestServer ots;

    @BeforeAll
    void start(@TempDir Path dir) {
        ots = new StreamTestServer(dir);
        ots.createIntegerTable("numbers", List.of(), (String[]) null);
        for (long k = 0; k < 20; k++) {
            put("numbers", pk("pk", k));
        }
        TableMeta twoColumns = new TableMeta("pairs");
        twoColumns.addPrimaryKeyColumn("group", PrimaryKeyType.STRING);
        twoColumns.addPrimaryKeyColumn("n", PrimaryKeyType.INTEGER);
        ots.createTable(twoColumns, List.of(), (String[]) null);
        for (String group : List.of("a", "b", "c")) {
            for (long n = 0; n < 10; n++) {
                put("pairs", pk("group", group, "n", n));
            }
        }
        ots.createIntegerTable("empty", List.of(), (String[]) null);
    }

    @AfterAll
    void stop() {
        ots.close();
    }

    private void put(String table, PrimaryKey key) {
        RowPutChange put = new RowPutChange(table, key);
        put.addColumn("padding", ColumnValue.fromString(PADDING), ots.clock.millis());
        ots.client.putRow(new PutRowRequest(put));
    }

    private ComputeSplitsBySizeResponse split(String table, Integer limit) {
        ComputeSplitsBySizeRequest request = new ComputeSplitsBySizeRequest();
        request.setTableName(table);
        request.setSplitSizeInByte(1, TARGET);
        if (limit != null) {
            request.setSplitPointLimit(limit);
        }
        return ots.client.computeSplitsBySize(request);
    }

    /** Each split as "lower..upper" over the first PK column, with the SDK's INF_MIN/INF_MAX rendering. */
    private static List<String> bounds(ComputeSplitsBySizeResponse response) {
        List<String> out = new ArrayList<>();
        for (Split s : response.getSplits()) {
            out.add(s.getLowerBound().getPrimaryKeyColumn(0).getValue() + ".."
                    + s.getUpperBound().getPrimaryKeyColumn(0).getValue());
        }
        return out;
    }

    @Test
    void pointsCutTheTableEveryTargetSizeInKeyOrder() {
        ComputeSplitsBySizeResponse r = split("numbers", null);
        assertThat(r.getPrimaryKeySchema()).containsExactly(new PrimaryKeySchema("pk", PrimaryKeyType.INTEGER));
        assertThat(bounds(r)).containsExactly("INF_MIN..3", "3..6", "6..9", "9..12", "12..15", "15..18",
                "18..INF_MAX");
        assertThat(r.getSplits()).extracting(Split::getLocation).containsOnly("");
        assertThat(r.getConsumedCapacity().getCapacityUnit().getReadCapacityUnit()).isEqualTo(1);
    }

    @Test
    void aPointLimitKeepsEvenlySpreadPoints() {
        assertThat(bounds(split("numbers", 2))).containsExactly("INF_MIN..6", "6..12", "12..INF_MAX");
        assertThat(bounds(split("numbers", 6))).hasSize(7);
    }

    @Test
    void pointsAreFirstColumnPrefixesWithoutDuplicatesOrAnEmptyFirstSplit() {
        ComputeSplitsBySizeResponse r = split("pairs", null);
        assertThat(bounds(r)).containsExactly("INF_MIN..b", "b..c", "c..INF_MAX");
        // the SDK fills the omitted second column with INF_MIN
        Split middle = r.getSplits().get(1);
        assertThat(middle.getLowerBound().getPrimaryKeyColumn(1).getValue()).isEqualTo(PrimaryKeyValue.INF_MIN);
        assertThat(middle.getUpperBound().getPrimaryKeyColumn(1).getValue()).isEqualTo(PrimaryKeyValue.INF_MIN);
    }

    @Test
    void anEmptyOrSmallTableIsOneSplit() {
        assertThat(bounds(split("empty", null))).containsExactly("INF_MIN..INF_MAX");
        ComputeSplitsBySizeRequest big = new ComputeSplitsBySizeRequest("numbers", 1); // 100 MiB
        assertThat(bounds(ots.client.computeSplitsBySize(big))).containsExactly("INF_MIN..INF_MAX");
    }

    @Test
    void unknownTablesAndBadSizesAreRejected() {
        assertOtsError(() -> split("missing", null), "OTSObjectNotExist", 404);
        ComputeSplitsBySizeRequest zero = new ComputeSplitsBySizeRequest();
        zero.setTableName("numbers");
        zero.setSplitSizeInByte(0, TARGET);
        assertOtsError(() -> ots.client.computeSplitsBySize(zero), "OTSParameterInvalid", 400);
        ComputeSplitsBySizeRequest overflow = new ComputeSplitsBySizeRequest();
        overflow.setTableName("numbers");
        overflow.setSplitSizeInByte(Long.MAX_VALUE / 2, 4);
        assertOtsError(() -> ots.client.computeSplitsBySize(overflow), "OTSParameterInvalid", 400);
    }
}
