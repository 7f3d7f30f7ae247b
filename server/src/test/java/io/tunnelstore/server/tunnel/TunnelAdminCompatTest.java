package io.tunnelstore.server.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.alicloud.openservices.tablestore.TableStoreException;
import com.alicloud.openservices.tablestore.model.DescribeTableRequest;
import com.alicloud.openservices.tablestore.model.tunnel.ChannelInfo;
import com.alicloud.openservices.tablestore.model.tunnel.ChannelStatus;
import com.alicloud.openservices.tablestore.model.tunnel.ChannelType;
import com.alicloud.openservices.tablestore.model.tunnel.CreateTunnelRequest;
import com.alicloud.openservices.tablestore.model.tunnel.DeleteTunnelRequest;
import com.alicloud.openservices.tablestore.model.tunnel.DescribeTunnelResponse;
import com.alicloud.openservices.tablestore.model.tunnel.ListTunnelRequest;
import com.alicloud.openservices.tablestore.model.tunnel.StartOffsetFlag;
import com.alicloud.openservices.tablestore.model.tunnel.StreamTunnelConfig;
import com.alicloud.openservices.tablestore.model.tunnel.TunnelInfo;
import com.alicloud.openservices.tablestore.model.tunnel.TunnelStage;
import com.alicloud.openservices.tablestore.model.tunnel.TunnelType;
import com.alicloud.openservices.tablestore.model.tunnel.internal.CheckpointRequest;
import com.alicloud.openservices.tablestore.model.tunnel.internal.ConnectTunnelRequest;
import com.alicloud.openservices.tablestore.model.tunnel.internal.GetCheckpointRequest;
import com.alicloud.openservices.tablestore.model.tunnel.internal.GetCheckpointResponse;
import com.alicloud.openservices.tablestore.model.tunnel.internal.HeartbeatRequest;
import com.alicloud.openservices.tablestore.model.tunnel.internal.ReadRecordsRequest;
import com.alicloud.openservices.tablestore.model.tunnel.internal.ReadRecordsResponse;
import com.alicloud.openservices.tablestore.tunnel.worker.TunnelClientConfig;
import java.nio.file.Path;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Tunnel administration and the raw worker calls through the official Java {@code TunnelClient}. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TunnelAdminCompatTest {

    @TempDir
    static Path dataDir;

    private TunnelTestServer ots;

    @BeforeAll
    void start() {
        ots = new TunnelTestServer(dataDir);
        ots.createTable("admin");
        ots.createTable("other");
        ots.createTable("raw");
    }

    @AfterAll
    void stop() {
        ots.close();
    }

    static void assertOtsError(ThrowingCallable call, String code, int status) {
        assertThatThrownBy(call).isInstanceOfSatisfying(TableStoreException.class, e -> {
            assertThat(e.getErrorCode()).isEqualTo(code);
            assertThat(e.getHttpStatus()).isEqualTo(status);
        });
    }

    @Test
    void duplicateNameOnTheSameTableIsOtsTunnelExistButOtherTablesMayReuseIt() {
        ots.tunnels.createTunnel(new CreateTunnelRequest("admin", "dup", TunnelType.BaseData));
        assertOtsError(() -> ots.tunnels.createTunnel(new CreateTunnelRequest("admin", "dup", TunnelType.Stream)),
                "OTSTunnelExist", 409);
        String other = ots.tunnels.createTunnel(new CreateTunnelRequest("other", "dup", TunnelType.Stream))
                .getTunnelId();
        assertThat(ots.describe("other", "dup").getTunnelInfo().getTunnelId()).isEqualTo(other);
    }

    @Test
    void badCreateRequestsAreParameterInvalid() {
        assertOtsError(() -> ots.tunnels.createTunnel(new CreateTunnelRequest("missing", "t", TunnelType.Stream)),
                "OTSParameterInvalid", 400);
        long now = System.currentTimeMillis();
        CreateTunnelRequest endBeforeStart = new CreateTunnelRequest("admin", "backwards", TunnelType.Stream);
        endBeforeStart.setStreamTunnelConfig(new StreamTunnelConfig(now - 60_000, now - 120_000));
        assertOtsError(() -> ots.tunnels.createTunnel(endBeforeStart), "OTSParameterInvalid", 400);
        CreateTunnelRequest future = new CreateTunnelRequest("admin", "future", TunnelType.Stream);
        future.setStreamTunnelConfig(new StreamTunnelConfig(now + 3_600_000, now + 7_200_000));
        assertOtsError(() -> ots.tunnels.createTunnel(future), "OTSParameterInvalid", 400);
        CreateTunnelRequest tooOld = new CreateTunnelRequest("admin", "ancient", TunnelType.Stream);
        tooOld.setStreamTunnelConfig(new StreamTunnelConfig(now - 8L * 24 * 3_600_000, now));
        assertOtsError(() -> ots.tunnels.createTunnel(tooOld), "OTSParameterInvalid", 400);
        assertThat(ots.tunnels.listTunnel(new ListTunnelRequest("admin")).getTunnelInfos())
                .extracting(TunnelInfo::getTunnelName).doesNotContain("backwards", "future", "ancient");
    }

    @Test
    void streamConfigIsEchoedExactlyAsTheTestsOfTheOfficialSdkExpect() {
        ots.tunnels.createTunnel(new CreateTunnelRequest("admin", "plain-stream", TunnelType.Stream));
        StreamTunnelConfig plain = ots.describe("admin", "plain-stream").getTunnelInfo().getStreamTunnelConfig();
        assertThat(plain.getFlag()).isEqualTo(StartOffsetFlag.LATEST);
        assertThat(plain.getStartOffset()).isZero();
        assertThat(plain.getEndOffset()).isZero();

        CreateTunnelRequest earliest = new CreateTunnelRequest("admin", "earliest", TunnelType.Stream);
        earliest.setStreamTunnelConfig(new StreamTunnelConfig(StartOffsetFlag.EARLIEST));
        ots.tunnels.createTunnel(earliest);
        StreamTunnelConfig e = ots.describe("admin", "earliest").getTunnelInfo().getStreamTunnelConfig();
        assertThat(e.getFlag()).isEqualTo(StartOffsetFlag.EARLIEST);
        assertThat(e.getStartOffset()).isZero();
        assertThat(e.getEndOffset()).isZero();

        long now = System.currentTimeMillis();
        CreateTunnelRequest range = new CreateTunnelRequest("admin", "last-hour", TunnelType.Stream);
        range.setStreamTunnelConfig(new StreamTunnelConfig(now - 3_600_000, now));
        ots.tunnels.createTunnel(range);
        StreamTunnelConfig r = ots.describe("admin", "last-hour").getTunnelInfo().getStreamTunnelConfig();
        assertThat(r.getFlag()).isEqualTo(StartOffsetFlag.LATEST);
        assertThat(r.getStartOffset()).isEqualTo(now - 3_600_000);
        assertThat(r.getEndOffset()).isEqualTo(now);
    }

    @Test
    void describeReportsEveryFieldTheSdkParses() {
        long before = System.currentTimeMillis();
        String id = ots.tunnels.createTunnel(new CreateTunnelRequest("admin", "described", TunnelType.Stream))
                .getTunnelId();
        DescribeTunnelResponse d = ots.describe("admin", "described");
        TunnelInfo info = d.getTunnelInfo();
        assertThat(info.getTunnelId()).isEqualTo(id);
        assertThat(info.getTunnelName()).isEqualTo("described");
        assertThat(info.getTableName()).isEqualTo("admin");
        assertThat(info.getInstanceName()).isEqualTo(TunnelTestServer.INSTANCE);
        assertThat(info.getTunnelType()).isEqualTo(TunnelType.Stream);
        assertThat(info.getStage()).isEqualTo(TunnelStage.ProcessStream);
        assertThat(info.isExpired()).isFalse();
        assertThat(info.getCreateTime()).isBetween(before, System.currentTimeMillis());
        assertThat(d.getChannelInfos()).singleElement().satisfies(c -> {
            assertThat(c.getChannelId()).isEqualTo("Stream_1");
            assertThat(c.getChannelType()).isEqualTo(ChannelType.Stream);
            assertThat(c.getChannelStatus()).isEqualTo(ChannelStatus.WAIT);
            assertThat(c.getClientId()).isEmpty();
            assertThat(c.getChannelCount()).isZero();
        });
        // creating a Stream tunnel enabled the table's stream
        assertThat(ots.client.describeTable(new DescribeTableRequest("admin")).getStreamDetails().isEnableStream())
                .isTrue();
    }

    @Test
    void listIsPerTableAndDeleteRemovesTheTunnel() {
        ots.tunnels.createTunnel(new CreateTunnelRequest("other", "listed-1", TunnelType.BaseData));
        ots.tunnels.createTunnel(new CreateTunnelRequest("other", "listed-2", TunnelType.BaseAndStream));
        List<TunnelInfo> infos = ots.tunnels.listTunnel(new ListTunnelRequest("other")).getTunnelInfos();
        assertThat(infos).extracting(TunnelInfo::getTunnelName).contains("listed-1", "listed-2")
                .allSatisfy(n -> assertThat(n).isNotEqualTo("dup-admin-only"));
        assertThat(infos).allSatisfy(i -> assertThat(i.getTableName()).isEqualTo("other"));
        TunnelInfo listed2 = infos.stream().filter(i -> i.getTunnelName().equals("listed-2")).findFirst().orElseThrow();
        assertThat(listed2.getTunnelType()).isEqualTo(TunnelType.BaseAndStream);
        assertThat(listed2.getStage()).isEqualTo(TunnelStage.ProcessBaseData);

        ots.tunnels.deleteTunnel(new DeleteTunnelRequest("other", "listed-1"));
        assertThat(ots.tunnels.listTunnel(new ListTunnelRequest("other")).getTunnelInfos())
                .extracting(TunnelInfo::getTunnelName).doesNotContain("listed-1").contains("listed-2");
        assertOtsError(() -> ots.describe("other", "listed-1"), "OTSParameterInvalid", 400);
        assertOtsError(() -> ots.tunnels.deleteTunnel(new DeleteTunnelRequest("other", "listed-1")),
                "OTSParameterInvalid", 400);
        assertOtsError(() -> ots.tunnels.listTunnel(new ListTunnelRequest("no-such-table")),
                "OTSParameterInvalid", 400);
    }

    /** A raw signed call with a protobuf body, Go-SDK style (canonical header names). */
    private io.tunnelstore.server.RawHttpClient.Response raw(String action, com.google.protobuf.Message body)
            throws Exception {
        byte[] bytes = body.toByteArray();
        try (io.tunnelstore.server.RawHttpClient http = new io.tunnelstore.server.RawHttpClient(
                java.net.URI.create(ots.endpoint()).getPort())) {
            return http.exchange("POST", "/" + action, io.tunnelstore.server.SignedRequests.v2(action,
                    TunnelTestServer.INSTANCE, TunnelTestServer.AK, TunnelTestServer.SK, bytes,
                    io.tunnelstore.server.SignedRequests::goCanonical), bytes);
        }
    }

    @Test
    void goOnlyCallsListEveryTableWhenTheNameIsEmptyAndAnswerTheRpoOfEveryChannel() throws Exception {
        String id = ots.tunnels.createTunnel(new CreateTunnelRequest("admin", "go-visible", TunnelType.Stream))
                .getTunnelId();
        ots.tunnels.createTunnel(new CreateTunnelRequest("other", "go-visible-too", TunnelType.Stream));
        io.tunnelstore.server.RawHttpClient.Response list = raw("tunnel/list",
                io.tunnelstore.protocol.pb.TunnelProtos.ListTunnelRequest.newBuilder().setTableName("").build());
        assertThat(list.status()).isEqualTo(200);
        assertThat(io.tunnelstore.protocol.pb.TunnelProtos.ListTunnelResponse.parseFrom(list.body()).getTunnelsList())
                .extracting(io.tunnelstore.protocol.pb.TunnelProtos.TunnelInfo::getTunnelName)
                .contains("go-visible", "go-visible-too");

        io.tunnelstore.server.RawHttpClient.Response rpo = raw("tunnel/getrpo",
                io.tunnelstore.protocol.pb.TunnelProtos.GetRpoRequest.newBuilder().setTunnelId(id).build());
        assertThat(rpo.status()).isEqualTo(200);
        io.tunnelstore.protocol.pb.TunnelProtos.GetRpoResponse r =
                io.tunnelstore.protocol.pb.TunnelProtos.GetRpoResponse.parseFrom(rpo.body());
        // never consumed: every channel WAIT with zero counts and times (GoSdkTunnelWireTest covers a consumed one)
        assertThat(r.getRpoInfos().toStringUtf8()).isEqualTo("{\"" + id + "\":{\"Stream_1\":{\"ChannelTyp\":\"Stream\","
                + "\"Status\":\"WAIT\",\"TotalCount\":0,\"AccessTime\":0,\"RpoTime\":0}}}");
        assertThat(r.getTunnelRpoInfos().toStringUtf8()).isEqualTo("{\"" + id + "\":{\"Status\":\"ProcessStream\","
                + "\"TotalCount\":0,\"AccessTime\":0,\"RpoTime\":0}}");
        assertThat(r.getTunnelId()).isEqualTo(id);
        assertThat(raw("tunnel/getrpobyoffset", io.tunnelstore.protocol.pb.TunnelProtos.GetRpoRequest.newBuilder()
                .setTunnelId("nope").build()).status()).isEqualTo(400);
    }

    @Test
    void rawWorkerCallsReadTheChangeLogWithTokensAndSequences() {
        String id = ots.tunnels.createTunnel(new CreateTunnelRequest("raw", "tail", TunnelType.Stream)).getTunnelId();
        for (long i = 0; i < 5; i++) {
            BaseAndStreamWorkerTest.put(ots, "raw", i, "n" + i, i);
        }
        String clientId = ots.tunnels.connectTunnel(new ConnectTunnelRequest(id, new TunnelClientConfig(30, "tag")))
                .getClientId();
        assertThat(clientId).startsWith("tag-");
        List<com.alicloud.openservices.tablestore.model.tunnel.internal.Channel> assigned =
                ots.tunnels.heartbeat(new HeartbeatRequest(id, clientId, List.of())).getChannels();
        assertThat(assigned).singleElement().satisfies(c -> {
            assertThat(c.getChannelId()).isEqualTo("Stream_1");
            assertThat(c.getStatus()).isEqualTo(ChannelStatus.OPEN);
        });
        GetCheckpointResponse cp = ots.tunnels.getCheckpoint(new GetCheckpointRequest(id, clientId, "Stream_1"));
        assertThat(cp.getSequenceNumber()).isZero();
        assertThat(io.tunnelstore.protocol.tunnel.TunnelTokens.isStreamToken(cp.getCheckpoint())).isTrue();

        ReadRecordsResponse first = ots.tunnels.readRecords(
                new ReadRecordsRequest(id, clientId, "Stream_1", cp.getCheckpoint()));
        assertThat(first.getRecords()).extracting(r -> r.getPrimaryKey().getPrimaryKeyColumn("id").getValue().asLong())
                .containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(first.getMayMoreRecord()).isFalse();

        // caught up: the long poll returns the same position with no records
        long t0 = System.nanoTime();
        ReadRecordsResponse idle = ots.tunnels.readRecords(
                new ReadRecordsRequest(id, clientId, "Stream_1", first.getNextToken()));
        assertThat(idle.getRecords()).isEmpty();
        assertThat(idle.getNextToken()).isEqualTo(first.getNextToken());
        assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(250_000_000L);

        ots.tunnels.checkpoint(new CheckpointRequest(id, clientId, "Stream_1", first.getNextToken(), 1));
        assertOtsError(() -> ots.tunnels.checkpoint(
                new CheckpointRequest(id, clientId, "Stream_1", first.getNextToken(), 5)),
                "OTSSequenceNumberNotMatch", 400);
        GetCheckpointResponse after = ots.tunnels.getCheckpoint(new GetCheckpointRequest(id, clientId, "Stream_1"));
        assertThat(after.getCheckpoint()).isEqualTo(first.getNextToken());
        assertThat(after.getSequenceNumber()).isEqualTo(1);
        assertOtsError(() -> ots.tunnels.checkpoint(new CheckpointRequest(id, clientId, "Stream_1", "garbage", 2)),
                "OTSParameterInvalid", 400);
        assertOtsError(() -> ots.tunnels.readRecords(new ReadRecordsRequest(id, clientId, "Stream_1", "garbage")),
                "OTSParameterInvalid", 400);
        assertOtsError(() -> ots.tunnels.readRecords(new ReadRecordsRequest(id, clientId, "Stream_9",
                first.getNextToken())), "OTSParameterInvalid", 400);

        ChannelInfo described = ots.describe("raw", "tail").getChannelInfos().get(0);
        assertThat(described.getChannelStatus()).isEqualTo(ChannelStatus.OPEN);
        assertThat(described.getClientId()).isEqualTo(clientId);
        assertThat(described.getChannelCount()).isEqualTo(5);
        assertThat(described.getChannelRpo()).isPositive();

        ots.tunnels.deleteTunnel(new DeleteTunnelRequest("raw", "tail"));
        assertOtsError(() -> ots.tunnels.heartbeat(new HeartbeatRequest(id, clientId, List.of())),
                "OTSParameterInvalid", 400);
        assertOtsError(() -> ots.tunnels.connectTunnel(new ConnectTunnelRequest(id, new TunnelClientConfig(30, "t"))),
                "OTSParameterInvalid", 400);
    }
}
