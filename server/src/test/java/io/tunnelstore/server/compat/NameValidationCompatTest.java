package io.tunnelstore.server.compat;

import static io.tunnelstore.server.compat.CompatServer.meta;
import static io.tunnelstore.server.compat.CompatServer.pk;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.alicloud.openservices.tablestore.TableStoreException;
import com.alicloud.openservices.tablestore.model.ColumnValue;
import com.alicloud.openservices.tablestore.model.CreateTableRequest;
import com.alicloud.openservices.tablestore.model.DeleteTableRequest;
import com.alicloud.openservices.tablestore.model.DescribeTableRequest;
import com.alicloud.openservices.tablestore.model.GetRangeRequest;
import com.alicloud.openservices.tablestore.model.GetRowRequest;
import com.alicloud.openservices.tablestore.model.PrimaryKeyType;
import com.alicloud.openservices.tablestore.model.PrimaryKeyValue;
import com.alicloud.openservices.tablestore.model.PutRowRequest;
import com.alicloud.openservices.tablestore.model.RangeRowQueryCriteria;
import com.alicloud.openservices.tablestore.model.RowPutChange;
import com.alicloud.openservices.tablestore.model.SingleRowQueryCriteria;
import com.alicloud.openservices.tablestore.model.TableOptions;
import java.nio.file.Path;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Table and column names follow the public service's rule ({@code [A-Za-z_][A-Za-z0-9_]*}, 1-255 characters) in every
 * API and are refused with its messages, {@code Invalid table name: '…'.} and {@code Invalid column name: '…'.} (the
 * official C# SDK's tests assert them verbatim against the service). Driven with the official Java SDK.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NameValidationCompatTest {

    private static final String LONGEST = "_" + "a".repeat(254);
    private CompatServer ots;

    @BeforeAll
    void start(@TempDir Path dir) {
        ots = new CompatServer(dir);
        ots.createTable("good", new TableOptions(-1, 1), "id", PrimaryKeyType.INTEGER);
    }

    @AfterAll
    void stop() {
        ots.close();
    }

    private static void assertInvalid(ThrowingCallable call, String message) {
        assertThatThrownBy(call).isInstanceOfSatisfying(TableStoreException.class, e -> {
            assertThat(e.getErrorCode()).isEqualTo("OTSParameterInvalid");
            assertThat(e.getHttpStatus()).isEqualTo(400);
            assertThat(e.getMessage()).isEqualTo(message);
        });
    }

    private void createTable(String table, String pkName) {
        ots.client.createTable(new CreateTableRequest(meta(table, pkName, PrimaryKeyType.INTEGER), new TableOptions(-1, 1)));
    }

    @Test
    void createTableChecksTheTableName() {
        for (String bad : new String[] {"bad-name", "1st", "中文表名", "a b", "<b>x</b>", "x\ny", "a".repeat(256)}) {
            assertInvalid(() -> createTable(bad, "id"), "Invalid table name: '" + bad + "'.");
        }
        createTable(LONGEST, "id");
        assertThat(ots.client.describeTable(new DescribeTableRequest(LONGEST)).getTableMeta().getTableName())
                .isEqualTo(LONGEST);
        ots.client.deleteTable(new DeleteTableRequest(LONGEST));
    }

    @Test
    void everyTableApiChecksTheTableNameBeforeLookingItUp() {
        String bad = "no-such";
        String message = "Invalid table name: 'no-such'.";
        assertInvalid(() -> ots.client.describeTable(new DescribeTableRequest(bad)), message);
        assertInvalid(() -> ots.client.deleteTable(new DeleteTableRequest(bad)), message);
        assertInvalid(() -> ots.client.putRow(new PutRowRequest(new RowPutChange(bad, pk("id", 1L)))), message);
        SingleRowQueryCriteria get = new SingleRowQueryCriteria(bad, pk("id", 1L));
        get.setMaxVersions(1);
        assertInvalid(() -> ots.client.getRow(new GetRowRequest(get)), message);
        // a valid name that does not exist is still OTSObjectNotExist
        CompatServer.assertOtsError(() -> ots.client.describeTable(new DescribeTableRequest("no_such")),
                "OTSObjectNotExist", 404);
    }

    @Test
    void primaryKeySchemaNamesAreColumnNames() {
        assertInvalid(() -> createTable("t_pk", "bad-pk"), "Invalid column name: 'bad-pk'.");
        assertInvalid(() -> createTable("t_pk", "a".repeat(256)), "Invalid column name: '" + "a".repeat(256) + "'.");
    }

    @Test
    void attributePrimaryKeyAndReadColumnNamesAreChecked() {
        RowPutChange put = new RowPutChange("good", pk("id", 1L));
        put.addColumn("bad.col", ColumnValue.fromLong(1));
        assertInvalid(() -> ots.client.putRow(new PutRowRequest(put)), "Invalid column name: 'bad.col'.");

        SingleRowQueryCriteria wrongKey = new SingleRowQueryCriteria("good", pk("i-d", 1L));
        wrongKey.setMaxVersions(1);
        assertInvalid(() -> ots.client.getRow(new GetRowRequest(wrongKey)), "Invalid column name: 'i-d'.");

        SingleRowQueryCriteria columns = new SingleRowQueryCriteria("good", pk("id", 1L));
        columns.setMaxVersions(1);
        columns.addColumnsToGet("中文");
        assertInvalid(() -> ots.client.getRow(new GetRowRequest(columns)), "Invalid column name: '中文'.");

        RangeRowQueryCriteria range = new RangeRowQueryCriteria("good");
        range.setInclusiveStartPrimaryKey(pk("id", PrimaryKeyValue.INF_MIN));
        range.setExclusiveEndPrimaryKey(pk("id", PrimaryKeyValue.INF_MAX));
        range.setMaxVersions(1);
        range.addColumnsToGet("a b");
        assertInvalid(() -> ots.client.getRange(new GetRangeRequest(range)), "Invalid column name: 'a b'.");

        RowPutChange ok = new RowPutChange("good", pk("id", 1L));
        ok.addColumn(LONGEST, ColumnValue.fromLong(7));
        ots.client.putRow(new PutRowRequest(ok));
        SingleRowQueryCriteria read = new SingleRowQueryCriteria("good", pk("id", 1L));
        read.setMaxVersions(1);
        assertThat(ots.client.getRow(new GetRowRequest(read)).getRow().getLatestColumn(LONGEST).getValue().asLong())
                .isEqualTo(7L);
    }
}
