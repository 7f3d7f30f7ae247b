package io.tunnelstore.tunnel.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.tunnelstore.client.TablestoreException;
import io.tunnelstore.protocol.errors.ErrorCode;
import io.tunnelstore.protocol.model.Cell;
import io.tunnelstore.protocol.model.ColumnValue;
import io.tunnelstore.protocol.model.PlainRow;
import io.tunnelstore.protocol.model.PrimaryKey;
import io.tunnelstore.protocol.model.PrimaryKeyColumn;
import io.tunnelstore.protocol.pb.TunnelProtos;
import io.tunnelstore.protocol.plainbuffer.PlainBufferCodec;
import io.tunnelstore.protocol.tunnel.ChannelStatus;
import io.tunnelstore.tunnel.RecordColumn;
import io.tunnelstore.tunnel.RecordColumn.ColumnOperation;
import io.tunnelstore.tunnel.SequenceInfo;
import io.tunnelstore.tunnel.StreamRecord;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** The RPC adapter's response conversion: PlainBuffer records, the finished sentinel, may_more_record. */
class RecordDecodingTest {
    private static final PrimaryKey PK = PrimaryKey.of(PrimaryKeyColumn.of("id", ColumnValue.ofString("k1")));

    private static TunnelProtos.Record record(TunnelProtos.ActionType type, PlainRow row, PlainRow origin) {
        TunnelProtos.Record.Builder b = TunnelProtos.Record.newBuilder().setActionType(type)
                .setRecord(ByteString.copyFrom(PlainBufferCodec.encodeRow(row)));
        if (origin != null) {
            b.setOriginRecord(ByteString.copyFrom(PlainBufferCodec.encodeRow(origin)));
        }
        return b.build();
    }

    @Test
    void updateRecordWithSequenceInfoAndOriginColumnsIsDecoded() {
        PlainRow row = PlainRow.of(PK, List.of(Cell.put("a", ColumnValue.ofLong(5), 100L),
                        Cell.deleteOneVersion("b", 90L), Cell.deleteAllVersions("c")))
                .withSequenceInfo(new io.tunnelstore.protocol.model.SequenceInfo(0, 1_700_000L, 3));
        PlainRow origin = PlainRow.of(PK, List.of(Cell.put("a", ColumnValue.ofLong(4), 50L)));
        TunnelProtos.ReadRecordsResponse resp = TunnelProtos.ReadRecordsResponse.newBuilder()
                .addRecords(record(TunnelProtos.ActionType.UPDATE_ROW, row, origin))
                .setNextToken("tok-2").setMayMoreRecord(true).build();
        ReadResult r = RpcClientTunnelRpc.toReadResult(resp);
        assertThat(r.nextToken()).isEqualTo("tok-2");
        assertThat(r.mayMore()).isTrue();
        StreamRecord rec = r.records().get(0);
        assertThat(rec.type()).isEqualTo(StreamRecord.RecordType.UPDATE);
        assertThat(rec.primaryKey()).isEqualTo(PK);
        assertThat(rec.sequenceInfo()).contains(new SequenceInfo(0, 1_700_000L, 3));
        assertThat(rec.timestamp()).isEqualTo(1_700_000L);
        assertThat(rec.columns()).containsExactly(
                new RecordColumn("a", ColumnOperation.PUT, ColumnValue.ofLong(5), 100L),
                new RecordColumn("b", ColumnOperation.DELETE_ONE_VERSION, null, 90L),
                new RecordColumn("c", ColumnOperation.DELETE_ALL_VERSIONS, null, null));
        assertThat(rec.originColumns()).containsExactly(
                new RecordColumn("a", ColumnOperation.PUT, ColumnValue.ofLong(4), 50L));
        assertThat(rec.toString()).startsWith("UPDATE ").contains("a=").contains("origin=");
    }

    @Test
    void baseRecordHasNoSequenceInfoAndFinishedBecomesNull() {
        PlainRow row = PlainRow.of(PK, List.of(Cell.put("a", ColumnValue.ofString("x"), 7L)));
        ReadResult r = RpcClientTunnelRpc.toReadResult(TunnelProtos.ReadRecordsResponse.newBuilder()
                .addRecords(record(TunnelProtos.ActionType.PUT_ROW, row, null)).setNextToken("finished").build());
        assertThat(r.finished()).isTrue();
        assertThat(r.nextToken()).isNull();
        assertThat(r.records().get(0).sequenceInfo()).isEqualTo(Optional.empty());
        assertThat(r.records().get(0).isBaseData()).isTrue();
        assertThat(r.mayMore()).isFalse();  // absent flag, 1 small record: not full
    }

    @Test
    void absentMayMoreFallsBackToTheFiveHundredRecordRule() {
        PlainRow row = PlainRow.of(PK, List.of(Cell.put("a", ColumnValue.ofLong(1), 1L)));
        TunnelProtos.ReadRecordsResponse.Builder b = TunnelProtos.ReadRecordsResponse.newBuilder().setNextToken("t");
        for (int i = 0; i < 501; i++) {
            b.addRecords(record(TunnelProtos.ActionType.PUT_ROW, row, null));
        }
        assertThat(RpcClientTunnelRpc.toReadResult(b.build()).mayMore()).isTrue();
    }

    /**
     * As the transport parses a response (aliasing: each record's bytes a view of the body), records decode in place;
     * a rope of two pieces (not one array slice) decodes from a copy. Both give the row that was encoded.
     */
    @Test
    void recordsDecodeInPlaceFromAnAliasedResponseBodyAndFromRopes() throws Exception {
        // 200 bytes of payload: a rope of two pieces this long stays a rope (protobuf flattens short ones)
        PlainRow row = PlainRow.of(PK, List.of(Cell.put("v", ColumnValue.ofString("p".repeat(200)), 7L)));
        TunnelProtos.ReadRecordsResponse resp = TunnelProtos.ReadRecordsResponse.newBuilder()
                .addRecords(record(TunnelProtos.ActionType.PUT_ROW, row, null))
                .addRecords(record(TunnelProtos.ActionType.PUT_ROW, row, null)).setNextToken("t").build();
        com.google.protobuf.CodedInputStream in = com.google.protobuf.CodedInputStream.newInstance(resp.toByteArray());
        in.enableAliasing(true);
        TunnelProtos.ReadRecordsResponse aliased = TunnelProtos.ReadRecordsResponse.parseFrom(in);
        assertThat(RecordDecoder.decodeRow(aliased.getRecords(1).getRecord())).isEqualTo(row);
        assertThat(RpcClientTunnelRpc.toReadResult(aliased).records()).extracting(StreamRecord::primaryKey)
                .containsExactly(PK, PK);

        byte[] encoded = PlainBufferCodec.encodeRow(row);
        ByteString rope = ByteString.copyFrom(encoded, 0, 150).concat(ByteString.copyFrom(encoded, 150,
                encoded.length - 150));
        assertThat(rope.getClass().getSimpleName()).isEqualTo("RopeByteString");
        assertThat(RecordDecoder.decodeRow(rope)).isEqualTo(row);
    }

    @Test
    void theServersStageTimesBecomeTheReadTiming() {
        TunnelProtos.ReadRecordsResponse resp = TunnelProtos.ReadRecordsResponse.newBuilder().setNextToken("t")
                .setTunnelstoreStages(TunnelProtos.TunnelstoreReadStages.newBuilder().setReceivedNanos(50)
                        .setDurableNanos(60).setWalWriteNanos(7).setWakeNanos(70).setBuiltNanos(80)
                        .setAdmittedNanos(20).setQueuedNanos(30).setStartedNanos(40))
                .build();
        io.tunnelstore.tunnel.ReadTiming t = RpcClientTunnelRpc.toReadResult(resp, 10).timing();
        assertThat(t.sentNanos()).isEqualTo(10);
        assertThat(t.serverAdmittedNanos()).isEqualTo(20);
        assertThat(t.serverQueuedNanos()).isEqualTo(30);
        assertThat(t.serverStartedNanos()).isEqualTo(40);
        assertThat(t.serverReceivedNanos()).isEqualTo(50);
        assertThat(t.durableNanos()).isEqualTo(60);
        assertThat(t.walWriteNanos()).isEqualTo(7);
        assertThat(t.wakeNanos()).isEqualTo(70);
        assertThat(t.builtNanos()).isEqualTo(80);
        assertThat(t.decodedNanos()).isGreaterThan(80); // this process's nanoTime when it was decoded
        // a server that does not report its request path: zeros
        assertThat(new io.tunnelstore.tunnel.ReadTiming(50, 0, 0, 0, 80, 90, 10).serverAdmittedNanos()).isZero();
    }

    @Test
    void malformedRecordFailsWithAClientError() {
        TunnelProtos.ReadRecordsResponse resp = TunnelProtos.ReadRecordsResponse.newBuilder()
                .addRecords(TunnelProtos.Record.newBuilder().setActionType(TunnelProtos.ActionType.PUT_ROW)
                        .setRecord(ByteString.copyFrom(new byte[] {1, 2, 3})))
                .setNextToken("t").build();
        ReadResult r = RpcClientTunnelRpc.toReadResult(resp);  // kept on the wire: decoded when dispatched
        assertThat(r.pending().size()).isEqualTo(1);
        assertThatThrownBy(r::records).isInstanceOf(TunnelRpcException.class)
                .isInstanceOf(TunnelTransportException.class)
                .extracting(e -> ((TunnelRpcException) e).wireCode()).isEqualTo("OTSClientError");
    }

    @Test
    void channelStatusesMapBothWays() {
        for (ChannelStatus s : ChannelStatus.values()) {
            if (s != ChannelStatus.WAIT) { // a DescribeTunnel string only, never in a heartbeat
                assertThat(RpcClientTunnelRpc.fromWire(RpcClientTunnelRpc.toWire(s))).isEqualTo(s);
            }
        }
        assertThat(RpcClientTunnelRpc.toWire(ChannelStatus.TERMINATED).getNumber()).isEqualTo(4);
    }

    @Test
    void clientExceptionsKeepTheirWireCode() {
        TablestoreException e = new TablestoreException("OTSResourceGone", "gone", "req-1", 410, false, null);
        TunnelRpcException mapped = RpcClientTunnelRpc.toRpcException(new CompletionException(e));
        assertThat(mapped.errorCode()).contains(ErrorCode.RESOURCE_GONE);
        assertThat(mapped.wireCode()).isEqualTo("OTSResourceGone");
        TunnelRpcException unknown = RpcClientTunnelRpc.toRpcException(
                new TablestoreException("OTSNew", "?", null, 400, false, null));
        assertThat(unknown.errorCode()).isEmpty();
        assertThat(unknown.wireCode()).isEqualTo("OTSNew");
        TunnelRpcException transport = RpcClientTunnelRpc.toRpcException(new io.tunnelstore.client
                .ClientTransportException("reset", null, 0, true, false, null));
        assertThat(transport).isInstanceOf(TunnelTransportException.class);
    }
}
