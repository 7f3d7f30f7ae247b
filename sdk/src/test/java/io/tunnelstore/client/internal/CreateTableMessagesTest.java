package io.tunnelstore.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunnelstore.client.CreateTableRequest;
import io.tunnelstore.client.PrimaryKeyType;
import io.tunnelstore.protocol.model.ColumnValue;
import io.tunnelstore.protocol.model.PrimaryKey;
import io.tunnelstore.protocol.model.PrimaryKeyColumn;
import io.tunnelstore.protocol.pb.TableProtos;
import io.tunnelstore.protocol.plainbuffer.PlainBufferCodec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** CreateTable's split points on the wire: contiguous PartitionRanges in the no-length-prefix PlainBuffer form. */
class CreateTableMessagesTest {

    private static PrimaryKey key(String column, ColumnValue v) {
        return PrimaryKey.of(PrimaryKeyColumn.of(column, v));
    }

    private static List<String> ranges(TableProtos.CreateTableRequest r) {
        return r.getPartitionsList().stream().map(p -> PlainBufferCodec.decodeValueNoLengthPrefix(
                p.getBegin().toByteArray()) + ".." + PlainBufferCodec.decodeValueNoLengthPrefix(p.getEnd().toByteArray()))
                .toList();
    }

    @Test
    void splitPointsBecomeContiguousRangesFromInfMinToInfMax() {
        CreateTableRequest req = CreateTableRequest.builder("t").addPrimaryKey("id", PrimaryKeyType.INTEGER)
                .addPrimaryKey("seq", PrimaryKeyType.STRING).splitPoints("id", 100, 200).build();
        TableProtos.CreateTableRequest wire = TableMessages.createTable(req);
        assertThat(wire.getPartitionsCount()).isEqualTo(3);
        assertThat(ranges(wire)).containsExactly(ColumnValue.INF_MIN + ".." + ColumnValue.ofLong(100),
                ColumnValue.ofLong(100) + ".." + ColumnValue.ofLong(200),
                ColumnValue.ofLong(200) + ".." + ColumnValue.INF_MAX);
        // type byte + payload, no length prefix: VT_INTEGER (0x00) + 8 bytes little-endian
        assertThat(wire.getPartitions(1).getBegin().toByteArray())
                .containsExactly(0x00, 100, 0, 0, 0, 0, 0, 0, 0);
        assertThat(wire.getPartitions(0).getBegin().toByteArray()).containsExactly(0x09);
        assertThat(wire.getPartitions(2).getEnd().toByteArray()).containsExactly(0x0A);
    }

    @Test
    void noSplitPointsSendNoRanges() {
        CreateTableRequest req = CreateTableRequest.builder("t").addPrimaryKey("id", PrimaryKeyType.INTEGER).build();
        assertThat(req.splitPoints()).isEmpty();
        assertThat(TableMessages.createTable(req).getPartitionsCount()).isZero();
    }

    @Test
    void stringSplitPoints() {
        CreateTableRequest req = CreateTableRequest.builder("t").addPrimaryKey("name", PrimaryKeyType.STRING)
                .splitPoints(List.of(key("name", ColumnValue.ofString("g")), key("name", ColumnValue.ofString("p"))))
                .build();
        assertThat(ranges(TableMessages.createTable(req))).containsExactly(
                ColumnValue.INF_MIN + ".." + ColumnValue.ofString("g"),
                ColumnValue.ofString("g") + ".." + ColumnValue.ofString("p"),
                ColumnValue.ofString("p") + ".." + ColumnValue.INF_MAX);
    }

    @Test
    void badSplitPointsAreRejectedWithAClearMessage() {
        CreateTableRequest.Builder b = CreateTableRequest.builder("t").addPrimaryKey("id", PrimaryKeyType.INTEGER);
        assertThatThrownBy(() -> b.splitPoints("id", 200, 100).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("strictly increasing");
        assertThatThrownBy(() -> b.splitPoints("id", 100, 100).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("strictly increasing");
        assertThatThrownBy(() -> b.splitPoints("other", 100).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("partition key column 'id'");
        assertThatThrownBy(() -> b.splitPoints(List.of(key("id", ColumnValue.ofString("x")))).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be INTEGER");
        assertThatThrownBy(() -> b.splitPoints(List.of(key("id", ColumnValue.INF_MAX))).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be INTEGER");
        assertThatThrownBy(() -> b.splitPoints(List.of(PrimaryKey.of(
                PrimaryKeyColumn.of("id", ColumnValue.ofLong(1)), PrimaryKeyColumn.of("x", ColumnValue.ofLong(1)))))
                .build()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("only the partition key");
    }
}
