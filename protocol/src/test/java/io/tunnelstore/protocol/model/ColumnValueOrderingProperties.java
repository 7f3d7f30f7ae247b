package io.tunnelstore.protocol.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** compareTo is a total order consistent with equals, and STRING order is Unicode code-point order. */
class ColumnValueOrderingProperties {

    @Provide
    Arbitrary<ColumnValue> values() {
        return Arbitraries.oneOf(
                Arbitraries.longs().between(-3, 3).map(ColumnValue::ofLong),
                Arbitraries.longs().map(ColumnValue::ofLong),
                Arbitraries.of(0.0, -0.0, 1.0, Double.NaN, Double.NEGATIVE_INFINITY).map(ColumnValue::ofDouble),
                Arbitraries.of(true, false).map(ColumnValue::ofBoolean),
                Arbitraries.strings().withChars("ab\u00e9\uFFFD").ofMaxLength(3).map(ColumnValue::ofString),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(3).map(ColumnValue::ofBinary),
                Arbitraries.of(ColumnValue.INF_MIN, ColumnValue.INF_MAX, ColumnValue.AUTO_INCREMENT));
    }

    @Property(tries = 500)
    void antisymmetricAndConsistentWithEquals(@ForAll("values") ColumnValue a, @ForAll("values") ColumnValue b) {
        assertThat(Integer.signum(a.compareTo(b))).isEqualTo(-Integer.signum(b.compareTo(a)));
        assertThat(a.compareTo(b) == 0).isEqualTo(a.equals(b));
        if (a.equals(b)) {
            assertThat(a.hashCode()).isEqualTo(b.hashCode());
        }
    }

    @Property(tries = 500)
    void transitive(@ForAll("values") ColumnValue a, @ForAll("values") ColumnValue b, @ForAll("values") ColumnValue c) {
        if (a.compareTo(b) <= 0 && b.compareTo(c) <= 0) {
            assertThat(a.compareTo(c)).isLessThanOrEqualTo(0);
        }
    }

    @Property(tries = 500)
    void infMinAndInfMaxBoundEverything(@ForAll("values") ColumnValue v) {
        if (!v.equals(ColumnValue.INF_MIN)) {
            assertThat(ColumnValue.INF_MIN).isLessThan(v);
        }
        if (!v.equals(ColumnValue.INF_MAX)) {
            assertThat(ColumnValue.INF_MAX).isGreaterThan(v);
        }
    }

    @Property(tries = 500)
    void stringOrderIsCodePointOrder(@ForAll String x, @ForAll String y) {
        String a = new String(x.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
        String b = new String(y.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
        int expected = Integer.signum(java.util.Arrays.compare(a.codePoints().toArray(), b.codePoints().toArray()));
        assertThat(Integer.signum(ColumnValue.ofString(a).compareTo(ColumnValue.ofString(b)))).isEqualTo(expected);
    }
}
