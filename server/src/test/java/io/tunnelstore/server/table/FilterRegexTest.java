package io.tunnelstore.server.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.google.protobuf.ByteString;
import io.tunnelstore.protocol.errors.ErrorCode;
import io.tunnelstore.protocol.errors.OtsException;
import io.tunnelstore.protocol.model.Cell;
import io.tunnelstore.protocol.model.ColumnValue;
import io.tunnelstore.protocol.pb.FilterProtos.ComparatorType;
import io.tunnelstore.protocol.pb.FilterProtos.Filter;
import io.tunnelstore.protocol.pb.FilterProtos.FilterType;
import io.tunnelstore.protocol.pb.FilterProtos.SingleColumnValueFilter;
import io.tunnelstore.protocol.pb.FilterProtos.ValueTransferRule;
import io.tunnelstore.protocol.pb.FilterProtos.VariantType;
import io.tunnelstore.protocol.plainbuffer.PlainBufferCodec;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Filter regexes run in linear time (RE2/J); patterns it cannot run are refused with OTSParameterInvalid. */
class FilterRegexTest {

    /** A regex filter on column {@code s}: group 1 (or the match), as a STRING, must equal {@code operand}. */
    private static RowFilter regexEquals(String regex, String operand) {
        SingleColumnValueFilter f = SingleColumnValueFilter.newBuilder()
                .setComparator(ComparatorType.CT_EQUAL).setColumnName("s")
                .setColumnValue(ByteString.copyFrom(PlainBufferCodec.encodeValueNoLengthPrefix(ColumnValue.ofString(operand))))
                .setFilterIfMissing(true).setLatestVersionOnly(true)
                .setValueTransRule(ValueTransferRule.newBuilder().setRegex(regex).setCastType(VariantType.VT_STRING))
                .build();
        return RowFilter.parse(Filter.newBuilder().setType(FilterType.FT_SINGLE_COLUMN_VALUE)
                .setFilter(f.toByteString()).build().toByteString(), false);
    }

    private static List<Cell> row(String value) {
        return List.of(Cell.put("s", ColumnValue.ofString(value), 1));
    }

    @Test
    void thePathologicalPatternRunsInLinearTime() {
        // With java.util.regex, (?:a|a)*?b against 29 'a's took 45 s and doubles per character; 100,000 would never end.
        RowFilter filter = regexEquals("((?:a|a)*?b)", "aaab");
        String noMatch = "a".repeat(100_000);
        String match = "a".repeat(100_000) + "b";
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            assertThat(filter.matches(row(noMatch))).isFalse();
            assertThat(filter.matches(row(match))).isFalse(); // group 1 is the whole run of a's plus b
            assertThat(filter.matches(row("xaaab"))).isTrue();
        });
    }

    @Test
    void groupOneOfTheFirstMatchIsCompared() {
        assertThat(regexEquals("id:(\\d+)", "12").matches(row("x id:12 id:13"))).isTrue();
        assertThat(regexEquals("id:(\\d+)", "13").matches(row("x id:12 id:13"))).isFalse();
        assertThat(regexEquals("(?P<n>[a-z]+)-", "ab").matches(row("12ab-cd-"))).isTrue();
        assertThat(regexEquals("[a-z]+", "cd").matches(row("12cd-"))).isTrue(); // no group: the whole match
    }

    private static void assertRefused(String regex, String message) {
        assertThatThrownBy(() -> regexEquals(regex, "x"))
                .isInstanceOfSatisfying(OtsException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.PARAMETER_INVALID))
                .hasMessage(message);
    }

    @Test
    void backtrackingOnlyFeaturesAreRefusedAsUnsupported() {
        String tail = " (backreferences, lookaround, possessive quantifiers and atomic groups are not supported;"
                + " see docs/compatibility.md).";
        assertRefused("(a)\\1", "Unsupported filter regex: invalid escape sequence `\\1`" + tail);
        assertRefused("(?=a)b", "Unsupported filter regex: invalid or unsupported Perl syntax `(?=`" + tail);
        assertRefused("(?<!a)b", "Unsupported filter regex: invalid named capture `(?<!a)b`" + tail);
        assertRefused("a++", "Unsupported filter regex: invalid nested repetition operator `++`" + tail);
        assertRefused("(?>a)", "Unsupported filter regex: invalid or unsupported Perl syntax `(?>`" + tail);
    }

    @Test
    void invalidSyntaxIsRefused() {
        assertRefused("id:([0-9]", "Invalid filter regex: missing closing ) `id:([0-9]`.");
        assertRefused("a{2,1}", "Invalid filter regex: invalid repeat count `{2,1}`.");
    }

    @Test
    void patternsAreLimitedTo256Bytes() {
        assertThat(regexEquals("a".repeat(256), "x")).isNotNull();
        assertRefused("a".repeat(257), "Invalid filter regex: it is 257 bytes long, the limit is 256 bytes.");
    }
}
