package io.tunnelstore.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunnelstore.client.ChannelInfo;
import io.tunnelstore.client.PrimaryKeySchema;
import io.tunnelstore.client.PrimaryKeyType;
import io.tunnelstore.client.TunnelDescription;
import io.tunnelstore.client.TunnelInfo;
import io.tunnelstore.client.TunnelType;
import io.tunnelstore.protocol.model.ColumnValue;
import io.tunnelstore.protocol.model.PrimaryKey;
import io.tunnelstore.protocol.model.PrimaryKeyColumn;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The command line's small parts: JSON, CSV, typed values, key bounds, tables, progress and rates. */
class FormattingTest {

    @Test
    void jsonEscapesEverythingThatNeedsItAndParsesBack() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "q\"b\\n\nt\tc\u0001l\u2028");
        m.put("n", List.of(1L, -2.5, true, false));
        m.put("z", null);
        String text = Json.write(m);
        assertThat(text).isEqualTo(
                "{\"s\":\"q\\\"b\\\\n\\nt\\tc\\u0001l\\u2028\",\"n\":[1,-2.5,true,false],\"z\":null}");
        Map<String, Object> expected = new LinkedHashMap<>(m);
        expected.put("n", List.of(1L, new BigDecimal("-2.5"), true, false));
        assertThat(Json.parse(text)).isEqualTo(expected);
        assertThat(Json.parse(" \"\\u00e9\\/\" ")).isEqualTo("é/");
        assertThat(Json.parse("18446744073709551616")).isEqualTo(new BigInteger("18446744073709551616"));
        assertThat(Json.parse("1e3")).isEqualTo(new BigDecimal("1e3"));
    }

    @Test
    void jsonRejectsMalformedTextWithItsOffset() {
        assertThatThrownBy(() -> Json.parse("{\"a\":1,}"))
                .hasMessage("invalid JSON at offset 7: expected a string key");
        assertThatThrownBy(() -> Json.parse("[1 2]")).hasMessage("invalid JSON at offset 3: expected ',' or ']'");
        assertThatThrownBy(() -> Json.parse("\"a\nb\"")).hasMessageContaining("control character");
        assertThatThrownBy(() -> Json.parse("01")).hasMessageContaining("unexpected text after the value");
        assertThatThrownBy(() -> Json.parse("{\"a\":1,\"a\":2}")).hasMessageContaining("duplicate key \"a\"");
        assertThatThrownBy(() -> Json.write(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void csvHandlesQuotesEmbeddedLineBreaksCrLfAndBlankLines() throws IOException {
        CsvReader r = new CsvReader(new StringReader("a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\r\n\n\"multi\nline\",,z"));
        assertThat(r.next()).containsExactly("a", "b", "c");
        assertThat(r.next()).containsExactly("x, y", "say \"hi\"", "");
        assertThat(r.recordLine()).isEqualTo(2);
        assertThat(r.next()).containsExactly("multi\nline", "", "z");
        assertThat(r.recordLine()).isEqualTo(4);
        assertThat(r.next()).isNull();
        assertThatThrownBy(() -> new CsvReader(new StringReader("a\"b\n")).next())
                .hasMessage("line 1: quote inside an unquoted field");
        assertThatThrownBy(() -> new CsvReader(new StringReader("\"open\n")).next())
                .hasMessage("line 1: quoted field is not closed");
    }

    @Test
    void typedValuesParseAndPrintInBothForms() {
        assertThat(Values.parseTyped("int:-7")).isEqualTo(ColumnValue.ofLong(-7));
        assertThat(Values.parseTyped("double:2.5")).isEqualTo(ColumnValue.ofDouble(2.5));
        assertThat(Values.parseTyped("bool:TRUE")).isEqualTo(ColumnValue.ofBoolean(true));
        assertThat(Values.parseTyped("str:int:7")).isEqualTo(ColumnValue.ofString("int:7"));
        assertThat(Values.parseTyped("bin:AAE=")).isEqualTo(ColumnValue.ofBinary(new byte[] {0, 1}));
        assertThat(Values.parseTyped("http://x")).isEqualTo(ColumnValue.ofString("http://x"));
        assertThatThrownBy(() -> Values.parseTyped("int:x")).hasMessage("'x' is not a valid int");
        assertThatThrownBy(() -> Values.parseTyped("bool:yes")).hasMessage("'yes' is not a valid bool");
        assertThat(Values.text(ColumnValue.ofBinary(new byte[] {-1}))).isEqualTo("bin:/w==");
        assertThat(Values.json(ColumnValue.ofDouble(Double.NaN))).isEqualTo(Map.of("$double", "NaN"));
        assertThat(Values.fromJson(Json.parse("{\"$double\":\"Infinity\"}")))
                .isEqualTo(ColumnValue.ofDouble(Double.POSITIVE_INFINITY));
        assertThat(Values.fromJson(Json.parse("3.0"))).isEqualTo(ColumnValue.ofDouble(3.0));
        assertThat(Values.fromJson(Json.parse("3"))).isEqualTo(ColumnValue.ofLong(3));
        assertThat(Values.parseKey(PrimaryKeyType.INTEGER, "int:5")).isEqualTo(ColumnValue.ofLong(5));
        assertThatThrownBy(() -> Values.keyFromJson(PrimaryKeyType.STRING, 5L))
                .hasMessage("primary key value 5 is not a string");
    }

    @Test
    void rangeBoundsFillKeyPrefixes() {
        List<PrimaryKeySchema> schema = PrimaryKeys.parseSchema("a:int,b:string,c:bin");
        assertThat(PrimaryKeys.formatSchema(schema)).isEqualTo("a:integer,b:string,c:binary");
        PrimaryKey start = PrimaryKeys.bound("t", schema, Map.of("a", "5"), ColumnValue.INF_MIN, ColumnValue.INF_MIN);
        assertThat(start).isEqualTo(PrimaryKey.of(PrimaryKeyColumn.of("a", ColumnValue.ofLong(5)),
                PrimaryKeyColumn.of("b", ColumnValue.INF_MIN), PrimaryKeyColumn.of("c", ColumnValue.INF_MIN)));
        PrimaryKey open = PrimaryKeys.bound("t", schema, Map.of(), ColumnValue.INF_MIN, ColumnValue.INF_MAX);
        assertThat(open.columns()).extracting(PrimaryKeyColumn::value)
                .containsExactly(ColumnValue.INF_MAX, ColumnValue.INF_MAX, ColumnValue.INF_MAX);
        assertThatThrownBy(() -> PrimaryKeys.bound("t", schema, Map.of("b", "x"), ColumnValue.INF_MIN,
                ColumnValue.INF_MIN)).hasMessageContaining("gives column 'b' but not an earlier key column");
        assertThatThrownBy(() -> PrimaryKeys.fullKey("t", schema, Map.of("a", "1", "b", "x")))
                .hasMessage("missing --pk c=VALUE (primary key of table 't' is a:integer,b:string,c:binary)");
        assertThatThrownBy(() -> PrimaryKeys.parseSchema("a:int:auto,b:str:x")).hasMessageContaining("':auto'");
    }

    @Test
    void textTablesAlignColumnsWithoutTrailingBlanks() {
        TextTable t = new TextTable(List.of("A", "LONGER", "C"));
        t.add(List.of("wide value", "x", "")).add(List.of("y", "two\nlines", "z"));
        assertThat(t.render()).isEqualTo(
                "A           LONGER      C\n"
                        + "wide value  x\n"
                        + "y           two\\nlines  z\n");
    }

    @Test
    void progressBarAndLinesFollowInjectedTime() {
        AtomicLong now = new AtomicLong(1_000_000_000L);
        StringWriter lines = new StringWriter();
        LoadProgress p = new LoadProgress(new PrintWriter(lines), LoadProgress.Mode.LINES, 4096, now::get,
                Duration.ofSeconds(2));
        p.update(1024, 100);                 // not yet due
        now.addAndGet(2_000_000_000L);
        p.update(2048, 400);                 // due: 2 s after the start
        now.addAndGet(500_000_000L);
        p.update(3072, 500);                 // not due
        now.addAndGet(500_000_000L);
        p.finish(4096, 600);
        assertThat(lines.toString()).isEqualTo(
                "load: 50% of 4.0 KB, 400 rows, 200 rows/s\n"
                        + "load: 100% of 4.0 KB, 600 rows, 200 rows/s\n");

        StringWriter bar = new StringWriter();
        LoadProgress b = new LoadProgress(new PrintWriter(bar), LoadProgress.Mode.BAR, 1000, now::get, Duration.ZERO);
        now.addAndGet(1_000_000_000L);
        b.update(500, 50);
        assertThat(bar.toString()).isEqualTo("\r[###############...............]  50%  50 rows  50 rows/s\u001b[K");
        StringWriter unknown = new StringWriter();
        LoadProgress u = new LoadProgress(new PrintWriter(unknown), LoadProgress.Mode.LINES, -1, now::get,
                Duration.ofSeconds(1));
        now.addAndGet(1_000_000_000L);
        u.finish(2048, 10);
        assertThat(unknown.toString()).isEqualTo("load: 2.0 KB read, 10 rows, 10 rows/s\n");
    }

    @Test
    void tunnelProgressDerivesBaseCompletionAndRatesFromTwoSnapshots() {
        TunnelInfo info = new TunnelInfo("id", "t", "tab", "inst", TunnelType.BASE_AND_STREAM,
                TunnelInfo.Stage.PROCESS_BASE_DATA, false, null, "s");
        TunnelDescription first = new TunnelDescription(info, List.of(
                channel("b1", ChannelInfo.Type.BASE_DATA, ChannelInfo.Status.OPEN, 100),
                channel("b2", ChannelInfo.Type.BASE_DATA, ChannelInfo.Status.TERMINATED, 300),
                channel("s1", ChannelInfo.Type.STREAM, ChannelInfo.Status.WAIT, 0)), null);
        TunnelProgress p1 = TunnelProgress.of(first, 0, null);
        assertThat(p1.basePercent()).isEqualTo(50);
        assertThat(p1.baseRows()).isEqualTo(400);
        assertThat(p1.baseRate()).isEqualTo(-1);
        assertThat(p1.channelRates()).isEmpty();

        List<ChannelInfo> later = new ArrayList<>(List.of(
                channel("b1", ChannelInfo.Type.BASE_DATA, ChannelInfo.Status.TERMINATED, 500),
                channel("b2", ChannelInfo.Type.BASE_DATA, ChannelInfo.Status.TERMINATED, 300),
                channel("s1", ChannelInfo.Type.STREAM, ChannelInfo.Status.OPEN, 20)));
        TunnelProgress p2 = TunnelProgress.of(new TunnelDescription(info, later, null), 2_000_000_000L, p1);
        assertThat(p2.basePercent()).isEqualTo(100);
        assertThat(p2.baseRate()).isEqualTo(200);
        assertThat(p2.streamRate()).isEqualTo(10);
        assertThat(p2.channelRates()).containsEntry("b1", 200L).containsEntry("b2", 0L).containsEntry("s1", 10L);
        assertThat(TunnelConsumeCommand.allDelivered(later.subList(0, 2), java.util.Set.of())).isTrue();
        assertThat(TunnelConsumeCommand.allDelivered(first.channels().subList(0, 2), java.util.Set.of("b1")))
                .isTrue();
        assertThat(TunnelConsumeCommand.allDelivered(first.channels().subList(0, 2), java.util.Set.of())).isFalse();
    }

    private static ChannelInfo channel(String id, ChannelInfo.Type type, ChannelInfo.Status status, long count) {
        return new ChannelInfo(id, type, status, null, null, count);
    }
}
