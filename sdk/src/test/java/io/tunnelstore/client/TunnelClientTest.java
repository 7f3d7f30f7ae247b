package io.tunnelstore.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunnelstore.client.MockOtsServer.Reply;
import io.tunnelstore.client.internal.InternalAccess;
import io.tunnelstore.client.internal.TunnelRpcClient;
import io.tunnelstore.protocol.pb.TunnelProtos;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TunnelClientTest {

    private MockOtsServer server;
    private TunnelClient client;

    @BeforeEach
    void start() throws Exception {
        server = new MockOtsServer(Map.of("ak", "sk"));
        client = TunnelClient.builder().endpoint(server.endpoint()).instanceName("demo").credentials("ak", "sk")
                .build();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void createTunnelSendsTypeAndStreamRangeInNanoseconds() throws Exception {
        server.enqueue(Reply.ok(TunnelProtos.CreateTunnelResponse.newBuilder().setTunnelId("tid-1").build()));
        String id = client.createTunnel(new CreateTunnelRequest("orders", "sync", TunnelType.BASE_AND_STREAM,
                TunnelStreamConfig.between(Instant.ofEpochMilli(1_700_000_000_123L),
                        Instant.ofEpochMilli(1_700_000_100_000L))));

        assertThat(id).isEqualTo("tid-1");
        assertThat(server.requests().get(0).action()).isEqualTo("tunnel/create");
        TunnelProtos.Tunnel sent = TunnelProtos.CreateTunnelRequest.parseFrom(server.requests().get(0).body()).getTunnel();
        assertThat(sent.getTableName()).isEqualTo("orders");
        assertThat(sent.getTunnelName()).isEqualTo("sync");
        assertThat(sent.getTunnelType()).isEqualTo(TunnelProtos.TunnelType.BaseAndStream);
        assertThat(sent.getStreamTunnelConfig().getStartOffset()).isEqualTo(1_700_000_000_123_000_000L);
        assertThat(sent.getStreamTunnelConfig().getEndOffset()).isEqualTo(1_700_000_100_000_000_000L);
    }

    @Test
    void createTunnelWithAStartFlagOnly() throws Exception {
        server.enqueue(Reply.ok(TunnelProtos.CreateTunnelResponse.newBuilder().setTunnelId("tid-2").build()));
        client.createTunnel(new CreateTunnelRequest("orders", "s", TunnelType.STREAM, TunnelStreamConfig.earliest()));
        TunnelProtos.StreamTunnelConfig sent = TunnelProtos.CreateTunnelRequest
                .parseFrom(server.requests().get(0).body()).getTunnel().getStreamTunnelConfig();
        assertThat(sent.getFlag()).isEqualTo(TunnelProtos.StartOffsetFlag.EARLIEST);
        assertThat(sent.hasStartOffset()).isFalse();
        assertThatThrownBy(() -> new CreateTunnelRequest("t", "n", TunnelType.BASE_DATA, TunnelStreamConfig.latest()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("BASE_DATA");
    }

    @Test
    void describeTunnelConvertsStringEnumsAndNanoseconds() throws Exception {
        server.enqueue(Reply.ok(TunnelProtos.DescribeTunnelResponse.newBuilder()
                .setTunnel(TunnelProtos.TunnelInfo.newBuilder().setTunnelId("tid").setTunnelName("sync")
                        .setTableName("orders").setInstanceName("demo").setTunnelType("BaseAndStream")
                        .setStreamId("s-1").setStage("ProcessBaseData").setExpired(false)
                        .setCreateTime(1_700_000_000_123_456_789L))
                .addChannels(TunnelProtos.ChannelInfo.newBuilder().setChannelId("c1").setChannelType("BaseData")
                        .setChannelStatus("OPEN").setClientId("client-9").setChannelRpo(2_000_000_000L)
                        .setChannelCount(42))
                .addChannels(TunnelProtos.ChannelInfo.newBuilder().setChannelId("c2").setChannelType("Stream")
                        .setChannelStatus("WAIT").setClientId("").setChannelCount(0))
                .setTunnelRpo(1_500_000_000L)
                .build()));

        TunnelDescription d = client.describeTunnel("orders", "sync");

        TunnelProtos.DescribeTunnelRequest sent =
                TunnelProtos.DescribeTunnelRequest.parseFrom(server.requests().get(0).body());
        assertThat(sent.getTableName()).isEqualTo("orders");
        assertThat(sent.getTunnelName()).isEqualTo("sync");
        assertThat(d).isEqualTo(new TunnelDescription(
                new TunnelInfo("tid", "sync", "orders", "demo", TunnelType.BASE_AND_STREAM,
                        TunnelInfo.Stage.PROCESS_BASE_DATA, false, Instant.ofEpochSecond(1_700_000_000L, 123_456_789L),
                        "s-1"),
                List.of(new ChannelInfo("c1", ChannelInfo.Type.BASE_DATA, ChannelInfo.Status.OPEN, "client-9",
                                Instant.ofEpochSecond(2), 42),
                        new ChannelInfo("c2", ChannelInfo.Type.STREAM, ChannelInfo.Status.WAIT, null, null, 0)),
                Instant.ofEpochSecond(1, 500_000_000)));
    }

    @Test
    void anUnknownStageIsAMalformedResponse() {
        server.enqueue(Reply.ok(TunnelProtos.ListTunnelResponse.newBuilder()
                .addTunnels(TunnelProtos.TunnelInfo.newBuilder().setTunnelId("t").setTunnelType("Stream")
                        .setTableName("x").setInstanceName("demo").setStreamId("").setStage("Sleeping"))
                .build()));
        assertThatThrownBy(() -> client.listTunnels()).isInstanceOf(ClientTransportException.class)
                .hasMessageContaining("tunnel/list: malformed response: unknown tunnel stage 'Sleeping'");
        assertThat(server.requests().get(0).body()).isEmpty();
    }

    @Test
    void deleteTunnelAddressesTableAndName() throws Exception {
        server.enqueue(Reply.ok(TunnelProtos.DeleteTunnelResponse.getDefaultInstance()));
        client.deleteTunnel("orders", "sync");
        TunnelProtos.DeleteTunnelRequest sent =
                TunnelProtos.DeleteTunnelRequest.parseFrom(server.requests().get(0).body());
        assertThat(sent.getTableName()).isEqualTo("orders");
        assertThat(sent.getTunnelName()).isEqualTo("sync");
        assertThat(sent.hasTunnelId()).isFalse();
    }

    @Test
    void internalRpcClientSharesTheTransport() throws Exception {
        server.enqueue(Reply.ok(TunnelProtos.ConnectResponse.newBuilder().setClientId("client-1").build()),
                Reply.error(410, "OTSResourceGone", "client expired"));
        TunnelRpcClient rpc = InternalAccess.tunnelRpc(client);

        TunnelProtos.ConnectResponse connected = rpc.connect(TunnelProtos.ConnectRequest.newBuilder()
                .setTunnelId("tid").setClientConfig(TunnelProtos.ClientConfig.newBuilder().setTimeout(300)
                        .setClientTag("host")).build()).get();
        assertThat(connected.getClientId()).isEqualTo("client-1");
        assertThat(server.requests().get(0).action()).isEqualTo("tunnel/connect");
        assertThat(server.requests().get(0).signatureValid()).isTrue();

        assertThat(rpc.heartbeat(TunnelProtos.HeartbeatRequest.newBuilder().setTunnelId("tid")
                .setClientId("client-1").build()))
                .failsWithin(java.time.Duration.ofSeconds(10))
                .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .havingCause().isInstanceOfSatisfying(TablestoreException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo("OTSResourceGone");
                    assertThat(e.httpStatus()).isEqualTo(410);
                });
        assertThat(server.requests()).hasSize(2);
    }
}
