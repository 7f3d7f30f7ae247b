package io.tunnelstore.server.compat;

import static io.tunnelstore.server.compat.CompatServer.assertOtsError;
import static io.tunnelstore.server.compat.CompatServer.pk;
import static org.assertj.core.api.Assertions.assertThat;

import com.alicloud.openservices.tablestore.model.Column;
import com.alicloud.openservices.tablestore.model.ColumnValue;
import com.alicloud.openservices.tablestore.model.Condition;
import com.alicloud.openservices.tablestore.model.GetRangeRequest;
import com.alicloud.openservices.tablestore.model.GetRowRequest;
import com.alicloud.openservices.tablestore.model.PrimaryKeyType;
import com.alicloud.openservices.tablestore.model.PrimaryKeyValue;
import com.alicloud.openservices.tablestore.model.PutRowRequest;
import com.alicloud.openservices.tablestore.model.RangeRowQueryCriteria;
import com.alicloud.openservices.tablestore.model.Row;
import com.alicloud.openservices.tablestore.model.RowExistenceExpectation;
import com.alicloud.openservices.tablestore.model.RowPutChange;
import com.alicloud.openservices.tablestore.model.RowUpdateChange;
import com.alicloud.openservices.tablestore.model.SingleRowQueryCriteria;
import com.alicloud.openservices.tablestore.model.TableOptions;
import com.alicloud.openservices.tablestore.model.UpdateRowRequest;
import com.alicloud.openservices.tablestore.model.condition.SingleColumnValueCondition;
import com.alicloud.openservices.tablestore.model.filter.ColumnPaginationFilter;
import com.alicloud.openservices.tablestore.model.filter.CompositeColumnValueFilter;
import com.alicloud.openservices.tablestore.model.filter.Filter;
import com.alicloud.openservices.tablestore.model.filter.RegexRule;
import com.alicloud.openservices.tablestore.model.filter.SingleColumnValueFilter;
import com.alicloud.openservices.tablestore.model.filter.SingleColumnValueFilter.CompareOperator;
import com.alicloud.openservices.tablestore.model.filter.SingleColumnValueRegexFilter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Read filters and column conditions built with the official Java SDK's filter classes. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FilterCompatTest {

    private CompatServer ots;
    private long ts;

    @BeforeAll
    void start(@TempDir Path dir) {
        ots = new CompatServer(dir);
        ots.createTable("people", new TableOptions(-1, 2), "id", PrimaryKeyType.INTEGER);
        ts = ots.clock.millis() - 10_000;
        put(1, "name", ColumnValue.fromString("alice"), "age", ColumnValue.fromLong(30), "tag",
                ColumnValue.fromString("id:12"));
        put(2, "name", ColumnValue.fromString("bob"), "age", ColumnValue.fromLong(25));
        put(3, "name", ColumnValue.fromString("carol"), "tag", ColumnValue.fromString("id:7"));
        put(4, "name", ColumnValue.fromString("dave"), "age", ColumnValue.fromLong(40), "score", ColumnValue.fromLong(1));
        RowUpdateChange newer = new RowUpdateChange("people", pk("id", 4));
        newer.put("score", ColumnValue.fromLong(5), ts + 1);
        ots.client.updateRow(new UpdateRowRequest(newer));
    }

    @AfterAll
    void stop() {
        ots.close();
    }

    private void put(long id, Object... columns) {
        RowPutChange put = new RowPutChange("people", pk("id", id));
        for (int i = 0; i < columns.length; i += 2) {
            put.addColumn((String) columns[i], (ColumnValue) columns[i + 1], ts);
        }
        ots.client.putRow(new PutRowRequest(put));
    }

    private List<Long> ids(Filter filter, int maxVersions) {
        RangeRowQueryCriteria c = new RangeRowQueryCriteria("people");
        c.setInclusiveStartPrimaryKey(pk("id", PrimaryKeyValue.INF_MIN));
        c.setExclusiveEndPrimaryKey(pk("id", PrimaryKeyValue.INF_MAX));
        c.setMaxVersions(maxVersions);
        c.setFilter(filter);
        return ots.client.getRange(new GetRangeRequest(c)).getRows().stream()
                .map(r -> r.getPrimaryKey().getPrimaryKeyColumn("id").getValue().asLong()).toList();
    }

    private static SingleColumnValueFilter single(String column, CompareOperator op, ColumnValue value) {
        return new SingleColumnValueFilter(column, op, value);
    }

    @Test
    void singleColumnFiltersAndMissingColumns() {
        SingleColumnValueFilter adults = single("age", CompareOperator.GREATER_EQUAL, ColumnValue.fromLong(30));
        assertThat(ids(adults, 1)).containsExactly(1L, 3L, 4L); // pass if missing is the SDK default
        adults.setPassIfMissing(false);
        assertThat(ids(adults, 1)).containsExactly(1L, 4L);
        assertThat(ids(single("name", CompareOperator.NOT_EQUAL, ColumnValue.fromString("bob")), 1))
                .containsExactly(1L, 3L, 4L);
        // another type than the operand only satisfies NOT_EQUAL
        SingleColumnValueFilter typed = single("age", CompareOperator.EQUAL, ColumnValue.fromString("30"));
        typed.setPassIfMissing(false);
        assertThat(ids(typed, 1)).isEmpty();
    }

    @Test
    void compositeFilters() {
        CompositeColumnValueFilter or = new CompositeColumnValueFilter(CompositeColumnValueFilter.LogicOperator.OR);
        or.addFilter(single("name", CompareOperator.EQUAL, ColumnValue.fromString("bob")));
        SingleColumnValueFilter old = single("age", CompareOperator.GREATER_THAN, ColumnValue.fromLong(35));
        old.setPassIfMissing(false);
        or.addFilter(old);
        assertThat(ids(or, 1)).containsExactly(2L, 4L);

        CompositeColumnValueFilter not = new CompositeColumnValueFilter(CompositeColumnValueFilter.LogicOperator.NOT);
        not.addFilter(single("name", CompareOperator.EQUAL, ColumnValue.fromString("alice")));
        assertThat(ids(not, 1)).containsExactly(2L, 3L, 4L);

        CompositeColumnValueFilter and = new CompositeColumnValueFilter(CompositeColumnValueFilter.LogicOperator.AND);
        and.addFilter(not);
        and.addFilter(old);
        assertThat(ids(and, 1)).containsExactly(4L);
    }

    @Test
    void regexFilterCastsTheCapturedGroup() {
        SingleColumnValueRegexFilter regex = new SingleColumnValueRegexFilter("tag",
                new RegexRule("id:(\\d+)", RegexRule.CastType.VT_INTEGER),
                SingleColumnValueRegexFilter.CompareOperator.GREATER_THAN, ColumnValue.fromLong(10));
        assertThat(ids(regex, 1)).containsExactly(1L);
    }

    @Test
    void latestVersionOnlyDecidesWhichVersionsAreCompared() {
        SingleColumnValueFilter anyVersion = single("score", CompareOperator.EQUAL, ColumnValue.fromLong(1));
        anyVersion.setPassIfMissing(false);
        anyVersion.setLatestVersionsOnly(false);
        assertThat(ids(anyVersion, 2)).containsExactly(4L);
        anyVersion.setLatestVersionsOnly(true);
        assertThat(ids(anyVersion, 2)).isEmpty();
    }

    @Test
    void getRowFiltersAndPaginatesColumns() {
        SingleRowQueryCriteria c = new SingleRowQueryCriteria("people", pk("id", 1));
        c.setMaxVersions(1);
        c.setFilter(single("name", CompareOperator.EQUAL, ColumnValue.fromString("zed")));
        assertThat(ots.client.getRow(new GetRowRequest(c)).getRow()).isNull();

        c.setFilter(new ColumnPaginationFilter(1, 1)); // limit 1, offset 1 of age, name, tag
        Row row = ots.client.getRow(new GetRowRequest(c)).getRow();
        assertThat(row.getColumns()).extracting(Column::getName).containsExactly("name");
    }

    @Test
    void startAndEndColumnSelectANameWindow() {
        SingleRowQueryCriteria c = new SingleRowQueryCriteria("people", pk("id", 1));
        c.setMaxVersions(1);
        c.setStartColumn("b");
        c.setEndColumn("tag");
        Row row = ots.client.getRow(new GetRowRequest(c)).getRow();
        assertThat(row.getColumns()).extracting(Column::getName).containsExactly("name");

        RangeRowQueryCriteria r = new RangeRowQueryCriteria("people");
        r.setInclusiveStartPrimaryKey(pk("id", PrimaryKeyValue.INF_MIN));
        r.setExclusiveEndPrimaryKey(pk("id", PrimaryKeyValue.INF_MAX));
        r.setMaxVersions(1);
        r.setStartColumn("score");
        List<Row> rows = ots.client.getRange(new GetRangeRequest(r)).getRows();
        // only rows having a column >= "score" come back, with just those columns
        assertThat(rows).extracting(x -> x.getPrimaryKey().getPrimaryKeyColumn("id").getValue().asLong())
                .containsExactly(1L, 3L, 4L);
        assertThat(rows.get(2).getColumns()).extracting(Column::getName).containsExactly("score");
    }

    @Test
    void columnConditionsGuardWrites() {
        RowUpdateChange ok = new RowUpdateChange("people", pk("id", 2));
        ok.put("city", ColumnValue.fromString("Oslo"), ts);
        Condition cond = new Condition(RowExistenceExpectation.EXPECT_EXIST);
        cond.setColumnCondition(new SingleColumnValueCondition("age", SingleColumnValueCondition.CompareOperator.EQUAL,
                ColumnValue.fromLong(25)));
        ok.setCondition(cond);
        ots.client.updateRow(new UpdateRowRequest(ok));

        RowUpdateChange rejected = new RowUpdateChange("people", pk("id", 2));
        rejected.put("city", ColumnValue.fromString("Rome"), ts);
        Condition wrong = new Condition(RowExistenceExpectation.IGNORE);
        wrong.setColumnCondition(new SingleColumnValueCondition("age",
                SingleColumnValueCondition.CompareOperator.GREATER_THAN, ColumnValue.fromLong(25)));
        rejected.setCondition(wrong);
        assertOtsError(() -> ots.client.updateRow(new UpdateRowRequest(rejected)), "OTSConditionCheckFail", 403);

        SingleRowQueryCriteria c = new SingleRowQueryCriteria("people", pk("id", 2));
        c.setMaxVersions(1);
        c.addColumnsToGet("city");
        assertThat(ots.client.getRow(new GetRowRequest(c)).getRow().getLatestColumn("city").getValue().asString())
                .isEqualTo("Oslo");
    }
    /**
     * Regression (issue 14): a backtracking regex engine spent 45 s on {@code (?:a|a)*?b} against 29 characters, and
     * doubled per character. Filters now run on RE2/J: a 100,000-character value is answered at once and correctly.
     */
    @Test
    void aRunawayRegexIsAnsweredAtOnce() {
        ots.createTable("runaway", new TableOptions(-1, 1), "id", PrimaryKeyType.INTEGER);
        for (long id = 1; id <= 3; id++) {
            RowPutChange put = new RowPutChange("runaway", pk("id", id));
            put.addColumn("s", ColumnValue.fromString("a".repeat(100_000) + (id == 2 ? "b" : "")), ts);
            ots.client.putRow(new PutRowRequest(put));
        }
        SingleColumnValueRegexFilter runaway = new SingleColumnValueRegexFilter("s",
                new RegexRule("(?:a|a)*?(b)", RegexRule.CastType.VT_STRING),
                SingleColumnValueRegexFilter.CompareOperator.EQUAL, ColumnValue.fromString("b"));
        RangeRowQueryCriteria c = new RangeRowQueryCriteria("runaway");
        c.setInclusiveStartPrimaryKey(pk("id", PrimaryKeyValue.INF_MIN));
        c.setExclusiveEndPrimaryKey(pk("id", PrimaryKeyValue.INF_MAX));
        c.setMaxVersions(1);
        c.addColumnsToGet("s");
        c.setFilter(runaway);
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(30), () ->
                assertThat(ots.client.getRange(new GetRangeRequest(c)).getRows())
                        .extracting(r -> r.getPrimaryKey().getPrimaryKeyColumn("id").getValue().asLong())
                        .containsExactly(2L));

        // a backtracking-only construct is refused, not run
        c.setFilter(new SingleColumnValueRegexFilter("s", new RegexRule("(a)\\1", RegexRule.CastType.VT_STRING),
                SingleColumnValueRegexFilter.CompareOperator.EQUAL, ColumnValue.fromString("a")));
        assertOtsError(() -> ots.client.getRange(new GetRangeRequest(c)), "OTSParameterInvalid", 400);
    }
}
