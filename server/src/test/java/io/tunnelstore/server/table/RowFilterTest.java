package io.tunnelstore.server.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.tunnelstore.protocol.errors.OtsException;
import io.tunnelstore.protocol.model.Cell;
import io.tunnelstore.protocol.model.ColumnValue;
import io.tunnelstore.protocol.pb.FilterProtos.ComparatorType;
import io.tunnelstore.protocol.pb.FilterProtos.CompositeColumnValueFilter;
import io.tunnelstore.protocol.pb.FilterProtos.Filter;
import io.tunnelstore.protocol.pb.FilterProtos.FilterType;
import io.tunnelstore.protocol.pb.FilterProtos.LogicalOperator;
import io.tunnelstore.protocol.pb.FilterProtos.SingleColumnValueFilter;
import io.tunnelstore.protocol.pb.FilterProtos.ValueTransferRule;
import io.tunnelstore.protocol.pb.FilterProtos.VariantType;
import io.tunnelstore.protocol.plainbuffer.PlainBufferCodec;
import java.util.List;
import org.junit.jupiter.api.Test;

class RowFilterTest {

    private static final List<Cell> ROW = List.of(
            Cell.put("a", ColumnValue.ofLong(5), 20), Cell.put("a", ColumnValue.ofLong(1), 10),
            Cell.put("s", ColumnValue.ofString("v=3.5;"), 10));

    private static Filter single(ComparatorType op, String column, ColumnValue v, boolean filterIfMissing,
                                 boolean latestOnly) {
        return Filter.newBuilder().setType(FilterType.FT_SINGLE_COLUMN_VALUE)
                .setFilter(SingleColumnValueFilter.newBuilder().setComparator(op).setColumnName(column)
                        .setColumnValue(ByteString.copyFrom(PlainBufferCodec.encodeValueNoLengthPrefix(v)))
                        .setFilterIfMissing(filterIfMissing).setLatestVersionOnly(latestOnly).build().toByteString())
                .build();
    }

    private static boolean matches(Filter f) {
        return RowFilter.parse(f.toByteString(), false).matches(ROW);
    }

    @Test
    void comparesLatestOrAnyVersion() {
        assertThat(matches(single(ComparatorType.CT_LESS_THAN, "a", ColumnValue.ofLong(2), true, true))).isFalse();
        assertThat(matches(single(ComparatorType.CT_LESS_THAN, "a", ColumnValue.ofLong(2), true, false))).isTrue();
        assertThat(matches(single(ComparatorType.CT_GREATER_EQUAL, "a", ColumnValue.ofLong(5), true, true))).isTrue();
    }

    @Test
    void existenceAndMissingColumns() {
        assertThat(matches(single(ComparatorType.CT_EXIST, "a", ColumnValue.ofLong(0), false, true))).isTrue();
        assertThat(matches(single(ComparatorType.CT_NOT_EXIST, "zz", ColumnValue.ofLong(0), false, true))).isTrue();
        assertThat(matches(single(ComparatorType.CT_EQUAL, "zz", ColumnValue.ofLong(0), false, true))).isTrue();
        assertThat(matches(single(ComparatorType.CT_EQUAL, "zz", ColumnValue.ofLong(0), true, true))).isFalse();
    }

    @Test
    void otherTypesOnlySatisfyNotEqual() {
        assertThat(matches(single(ComparatorType.CT_EQUAL, "a", ColumnValue.ofString("5"), true, true))).isFalse();
        assertThat(matches(single(ComparatorType.CT_GREATER_THAN, "a", ColumnValue.ofString("0"), true, true)))
                .isFalse();
        assertThat(matches(single(ComparatorType.CT_NOT_EQUAL, "a", ColumnValue.ofString("5"), true, true)))
                .isTrue();
    }

    @Test
    void regexRuleCastsGroupOne() {
        Filter f = single(ComparatorType.CT_GREATER_THAN, "s", ColumnValue.ofDouble(3.0), true, true);
        SingleColumnValueFilter withRule = SingleColumnValueFilter.newBuilder(parseSingle(f))
                .setValueTransRule(ValueTransferRule.newBuilder().setRegex("v=([0-9.]+);")
                        .setCastType(VariantType.VT_DOUBLE)).build();
        assertThat(matches(f.toBuilder().setFilter(withRule.toByteString()).build())).isTrue();
        SingleColumnValueFilter noMatch = withRule.toBuilder()
                .setValueTransRule(ValueTransferRule.newBuilder().setRegex("w=(\\d+)")).build();
        assertThat(matches(f.toBuilder().setFilter(noMatch.toByteString()).build())).isFalse();
    }

    @Test
    void compositeNestingIsBounded() {
        Filter leaf = single(ComparatorType.CT_EXIST, "a", ColumnValue.ofLong(0), false, true);
        Filter f = leaf;
        for (int i = 0; i < 40; i++) {
            f = Filter.newBuilder().setType(FilterType.FT_COMPOSITE_COLUMN_VALUE)
                    .setFilter(CompositeColumnValueFilter.newBuilder().setCombinator(LogicalOperator.LO_NOT)
                            .addSubFilters(f).build().toByteString()).build();
        }
        Filter deep = f;
        assertThatThrownBy(() -> matches(deep)).isInstanceOf(OtsException.class).hasMessageContaining("deeper");
        Filter twoNots = Filter.newBuilder().setType(FilterType.FT_COMPOSITE_COLUMN_VALUE)
                .setFilter(CompositeColumnValueFilter.newBuilder().setCombinator(LogicalOperator.LO_NOT)
                        .addSubFilters(leaf).addSubFilters(leaf).build().toByteString()).build();
        assertThatThrownBy(() -> matches(twoNots)).isInstanceOf(OtsException.class).hasMessageContaining("exactly 1");
    }

    private static SingleColumnValueFilter parseSingle(Filter f) {
        try {
            return SingleColumnValueFilter.parseFrom(f.getFilter());
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }
}
