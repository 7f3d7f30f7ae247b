package io.tunnelstore.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SequenceInfoTest {

    @Test
    void serializedFormSortsLikeTheRecordsIncludingNegativeValues() {
        Random rnd = new Random(42);
        List<SequenceInfo> infos = new ArrayList<>();
        int[] ints = {Integer.MIN_VALUE, -1, 0, 1, 7, Integer.MAX_VALUE};
        long[] longs = {Long.MIN_VALUE, -5, 0, 3, 1_700_000_000_000_000L, Long.MAX_VALUE};
        for (int i = 0; i < 2_000; i++) {
            infos.add(new SequenceInfo(ints[rnd.nextInt(ints.length)], longs[rnd.nextInt(longs.length)],
                    ints[rnd.nextInt(ints.length)]));
        }
        for (int i = 0; i + 1 < infos.size(); i++) {
            SequenceInfo a = infos.get(i);
            SequenceInfo b = infos.get(i + 1);
            assertThat(Integer.signum(a.serialize().compareTo(b.serialize())))
                    .as("%s vs %s", a, b).isEqualTo(Integer.signum(a.compareTo(b)));
            assertThat(SequenceInfo.parse(a.serialize())).isEqualTo(a);
        }
    }

    @Test
    void orderIsEpochThenTimestampThenRowIndex() {
        assertThat(new SequenceInfo(0, 5, 9)).isLessThan(new SequenceInfo(1, 0, 0));
        assertThat(new SequenceInfo(1, 4, 9)).isLessThan(new SequenceInfo(1, 5, 0));
        assertThat(new SequenceInfo(1, 5, 0)).isLessThan(new SequenceInfo(1, 5, 1));
        assertThat(new SequenceInfo(0, 1, 2).serialize()).isEqualTo("80000000:8000000000000001:80000002");
        assertThat(new SequenceInfo(0, 1, 2).toString()).isEqualTo("(Epoch:0)(Timestamp:1)(RowIndex:2)");
    }

    @Test
    void malformedTextIsRejected() {
        assertThatThrownBy(() -> SequenceInfo.parse("1:2:3")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SequenceInfo.parse("zzzzzzzz:0000000000000000:00000000"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("zzzz");
    }
}
