package io.tunnelstore.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.tunnelstore.client.ClientConfig;
import io.tunnelstore.client.ClientTransportException;
import io.tunnelstore.client.MockOtsServer;
import io.tunnelstore.client.MockOtsServer.Reply;
import io.tunnelstore.client.RetryPolicy;
import io.tunnelstore.client.TablestoreException;
import io.tunnelstore.protocol.Action;
import io.tunnelstore.protocol.pb.TableProtos;
import io.tunnelstore.protocol.pb.TunnelProtos;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The SDK's endpoint list (the nodes of a cluster): which failures move a call to the next node, which do not
 * (ClientConfig.AbstractBuilder#endpoints documents the rule). Failures are injected with scripted servers
 * ({@link Reply#disconnect()}: the request arrived, the connection closes without an answer) and with a port nothing
 * listens on (connection refused: nothing was sent).
 */
class EndpointFailoverTest {

    private static final TableProtos.GetRowRequest GET_ROW = TableProtos.GetRowRequest.newBuilder()
            .setTableName("t").setPrimaryKey(ByteString.copyFromUtf8("pk")).setMaxVersions(1).build();
    private static final TableProtos.GetRowResponse GET_ROW_OK = TableProtos.GetRowResponse.newBuilder()
            .setConsumed(TableProtos.ConsumedCapacity.newBuilder()
                    .setCapacityUnit(TableProtos.CapacityUnit.newBuilder().setRead(1).setWrite(0)))
            .setRow(ByteString.EMPTY).build();
    private static final TableProtos.PutRowRequest PUT_ROW = TableProtos.PutRowRequest.newBuilder()
            .setTableName("t").setRow(ByteString.copyFromUtf8("row"))
            .setCondition(TableProtos.Condition.newBuilder()
                    .setRowExistence(TableProtos.RowExistenceExpectation.IGNORE)).build();
    private static final TableProtos.PutRowResponse PUT_ROW_OK = TableProtos.PutRowResponse.newBuilder()
            .setConsumed(TableProtos.ConsumedCapacity.newBuilder()
                    .setCapacityUnit(TableProtos.CapacityUnit.newBuilder().setRead(0).setWrite(1))).build();
    private static final TunnelProtos.HeartbeatRequest HEARTBEAT = TunnelProtos.HeartbeatRequest.newBuilder()
            .setTunnelId("tid").setClientId("cid").build();
    private static final TunnelProtos.CheckpointRequest CHECKPOINT = TunnelProtos.CheckpointRequest.newBuilder()
            .setTunnelId("tid").setClientId("cid").setChannelId("ch").setCheckpoint("token").setSequenceNumber(3)
            .build();
    private static final TunnelProtos.ConnectRequest CONNECT = TunnelProtos.ConnectRequest.newBuilder()
            .setTunnelId("tid").build();

    private MockOtsServer a;
    private MockOtsServer b;

    @BeforeEach
    void start() throws IOException {
        a = new MockOtsServer(Map.of("ak", "sk"));
        b = new MockOtsServer(Map.of("ak", "sk"));
    }

    @AfterEach
    void stop() {
        a.close();
        b.close();
    }

    /** An endpoint on a port nothing listens on: every connection is refused. */
    private static String refusingEndpoint() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "http://127.0.0.1:" + s.getLocalPort();
        }
    }

    private static OtsHttpTransport transport(RetryPolicy policy, String... endpoints) {
        ClientConfig config = ClientConfig.builder().endpoints(endpoints).instanceName("inst")
                .credentials("ak", "sk").callTimeout(Duration.ofSeconds(20)).retryPolicy(policy).build();
        // no jitter: back-off waits are exactly the policy's
        return new OtsHttpTransport(config, Clock.systemUTC(), System::nanoTime, new ExponentialBackoff(
                policy.initialBackoff().toMillis(), policy.multiplier(), policy.maxBackoff().toMillis(), 0.0));
    }

    private static OtsHttpTransport transport(String... endpoints) {
        return transport(new RetryPolicy(Duration.ofSeconds(5), Duration.ofMillis(1), Duration.ofMillis(5), 2.0,
                0.0), endpoints);
    }

    private static <T extends Message> T call(OtsHttpTransport t, Action action, Message request, Parser<T> parser) {
        return Futures.await(t.call(action, request, parser, false), "test call");
    }

    private static Throwable failure(CompletableFuture<?> f) {
        try {
            Futures.await(f, "test call");
        } catch (RuntimeException e) {
            return e;
        }
        throw new AssertionError("the call succeeded");
    }

    @Test
    void aRefusedConnectionSendsEvenAWriteToTheNextNodeAndLaterCallsStayThere() throws IOException {
        String refused = refusingEndpoint();
        b.enqueue(Reply.ok(PUT_ROW_OK), Reply.ok(PUT_ROW_OK));
        try (OtsHttpTransport t = transport(refused, b.endpoint())) {
            assertThat(t.currentEndpoint()).isEqualTo(URI.create(refused));

            assertThat(call(t, Action.PUT_ROW, PUT_ROW, TableProtos.PutRowResponse.parser())).isEqualTo(PUT_ROW_OK);
            assertThat(t.currentEndpoint()).isEqualTo(URI.create(b.endpoint()));
            assertThat(call(t, Action.PUT_ROW, PUT_ROW, TableProtos.PutRowResponse.parser())).isEqualTo(PUT_ROW_OK);
        }
        assertThat(b.requests()).extracting(MockOtsServer.Recorded::action).containsExactly("PutRow", "PutRow");
        assertThat(b.requests()).allMatch(MockOtsServer.Recorded::signatureValid);
    }

    @Test
    void aWriteThatMayHaveReachedTheNodeIsNotSentAgainButTheNextCallGoesToTheNextNode() {
        a.enqueue(Reply.disconnect());
        b.enqueue(Reply.ok(PUT_ROW_OK));
        try (OtsHttpTransport t = transport(a.endpoint(), b.endpoint())) {
            Throwable e = failure(t.call(Action.PUT_ROW, PUT_ROW, TableProtos.PutRowResponse.parser(), false));
            assertThat(e).isInstanceOf(ClientTransportException.class)
                    .hasMessageContaining(": PutRow: ").hasMessageContaining("(" + a.endpoint() + ")");
            assertThat(((TablestoreException) e).isRetryable()).isFalse();
            assertThat(a.requests()).hasSize(1);
            assertThat(b.requests()).isEmpty();
            assertThat(t.currentEndpoint()).isEqualTo(URI.create(b.endpoint()));

            assertThat(call(t, Action.PUT_ROW, PUT_ROW, TableProtos.PutRowResponse.parser())).isEqualTo(PUT_ROW_OK);
        }
        assertThat(a.requests()).hasSize(1);
        assertThat(b.requests()).hasSize(1);
    }

    @Test
    void readsHeartbeatsAndCheckpointsThatMayHaveReachedTheNodeAreSentToTheNextOne() throws IOException {
        record Case(Action action, Message request, Message response, Parser<? extends Message> parser) {}
        List<Case> cases = List.of(
                new Case(Action.GET_ROW, GET_ROW, GET_ROW_OK, TableProtos.GetRowResponse.parser()),
                new Case(Action.TUNNEL_HEARTBEAT, HEARTBEAT, TunnelProtos.HeartbeatResponse.getDefaultInstance(),
                        TunnelProtos.HeartbeatResponse.parser()),
                new Case(Action.TUNNEL_CHECKPOINT, CHECKPOINT, TunnelProtos.CheckpointResponse.getDefaultInstance(),
                        TunnelProtos.CheckpointResponse.parser()));
        for (Case c : cases) {
            try (MockOtsServer first = new MockOtsServer(Map.of("ak", "sk"));
                 MockOtsServer second = new MockOtsServer(Map.of("ak", "sk"));
                 OtsHttpTransport t = transport(first.endpoint(), second.endpoint())) {
                first.enqueue(Reply.disconnect());
                second.enqueue(Reply.ok(c.response()));

                assertThat(call(t, c.action(), c.request(), c.parser())).as(c.action().path()).isEqualTo(c.response());
                assertThat(first.requests()).extracting(MockOtsServer.Recorded::action)
                        .containsExactly(c.action().path());
                assertThat(second.requests()).singleElement().satisfies(r -> {
                    assertThat(r.action()).isEqualTo(c.action().path());
                    assertThat(r.body()).isEqualTo(c.request().toByteArray());
                    assertThat(r.signatureValid()).isTrue();
                });
            }
        }
    }

    @Test
    void aConnectTunnelThatMayHaveReachedTheNodeIsNotSentAgain() {
        a.enqueue(Reply.disconnect());
        try (OtsHttpTransport t = transport(a.endpoint(), b.endpoint())) {
            assertThat(failure(t.call(Action.TUNNEL_CONNECT, CONNECT, TunnelProtos.ConnectResponse.parser(), false)))
                    .isInstanceOf(ClientTransportException.class).hasMessageContaining(": tunnel/connect: ");
        }
        assertThat(a.requests()).hasSize(1);
        assertThat(b.requests()).isEmpty();
    }

    @Test
    void aNodeThatAnswersWithAnErrorIsNotLeft() {
        a.enqueue(Reply.error(503, "OTSServerUnavailable", "busy"), Reply.ok(GET_ROW_OK),
                Reply.error(503, "OTSServerUnavailable", "busy"));
        try (OtsHttpTransport t = transport(a.endpoint(), b.endpoint())) {
            assertThat(call(t, Action.GET_ROW, GET_ROW, TableProtos.GetRowResponse.parser())).isEqualTo(GET_ROW_OK);
            // a write answered with an error is not retried (not idempotent) and not sent elsewhere
            assertThat(failure(t.call(Action.PUT_ROW, PUT_ROW, TableProtos.PutRowResponse.parser(), false)))
                    .isInstanceOfSatisfying(TablestoreException.class,
                            e -> assertThat(e.errorCode()).isEqualTo("OTSServerUnavailable"));
            assertThat(t.currentEndpoint()).isEqualTo(URI.create(a.endpoint()));
        }
        assertThat(a.requests()).extracting(MockOtsServer.Recorded::action)
                .containsExactly("GetRow", "GetRow", "PutRow");
        assertThat(b.requests()).isEmpty();
    }

    /**
     * No node answers: each round tries every node at once, then backs off (here 2 s) before the next round; the
     * policy's budget (3 s) ends the call after the second round, so exactly two attempts per node.
     */
    @Test
    void whenNoNodeAnswersEachRoundTriesEveryNodeThenBacksOffUntilTheBudgetIsSpent() {
        a.enqueue(Reply.disconnect(), Reply.disconnect());
        b.enqueue(Reply.disconnect(), Reply.disconnect());
        RetryPolicy policy = new RetryPolicy(Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofSeconds(2),
                1.0, 0.0);
        try (OtsHttpTransport t = transport(policy, a.endpoint(), b.endpoint())) {
            long start = System.nanoTime();
            Throwable e = failure(t.call(Action.GET_ROW, GET_ROW, TableProtos.GetRowResponse.parser(), false));
            long tookMs = (System.nanoTime() - start) / 1_000_000;

            assertThat(e).isInstanceOf(ClientTransportException.class)
                    .hasMessageContaining("(" + b.endpoint() + ")");
            assertThat(tookMs).isGreaterThanOrEqualTo(2000);
            assertThat(t.currentEndpoint()).isEqualTo(URI.create(a.endpoint()));
        }
        assertThat(a.requests()).hasSize(2);
        assertThat(b.requests()).hasSize(2);
    }

    @Test
    void retriesDisabledMeansNoFailoverEitherButTheNextCallGoesToTheNextNode() throws IOException {
        String refused = refusingEndpoint();
        b.enqueue(Reply.ok(GET_ROW_OK));
        try (OtsHttpTransport t = transport(RetryPolicy.none(), refused, b.endpoint())) {
            assertThat(failure(t.call(Action.GET_ROW, GET_ROW, TableProtos.GetRowResponse.parser(), false)))
                    .isInstanceOf(ClientTransportException.class).hasMessageContaining("(" + refused + ")");
            assertThat(b.requests()).isEmpty();
            assertThat(call(t, Action.GET_ROW, GET_ROW, TableProtos.GetRowResponse.parser())).isEqualTo(GET_ROW_OK);
        }
    }

    @Test
    void oneEndpointBehavesAsBefore() throws IOException {
        String refused = refusingEndpoint();
        try (OtsHttpTransport t = transport(refused)) {
            // a write on a refused connection is not retried, and the message names no endpoint
            Throwable e = failure(t.call(Action.PUT_ROW, PUT_ROW, TableProtos.PutRowResponse.parser(), false));
            assertThat(e).isInstanceOf(ClientTransportException.class).hasMessageContaining(": PutRow: ")
                    .hasMessageNotContaining(refused);
            assertThat(((TablestoreException) e).isRetryable()).isFalse();
            assertThat(t.currentEndpoint()).isEqualTo(URI.create(refused));
        }
        a.enqueue(Reply.disconnect(), Reply.ok(GET_ROW_OK));
        try (OtsHttpTransport t = transport(a.endpoint())) {
            // a read is retried on the one node
            assertThat(call(t, Action.GET_ROW, GET_ROW, TableProtos.GetRowResponse.parser())).isEqualTo(GET_ROW_OK);
        }
        assertThat(a.requests()).hasSize(2);
    }

    @Test
    void onlyFailuresBeforeSendingCountAsCertainlyNotSent() {
        assertThat(RetryDecider.certainlyNotSent(new ConnectException("Connection refused"))).isTrue();
        assertThat(RetryDecider.certainlyNotSent(new IOException("wrapped", new ConnectException()))).isTrue();
        assertThat(RetryDecider.certainlyNotSent(new HttpConnectTimeoutException("HTTP connect timed out")))
                .isTrue();
        assertThat(RetryDecider.certainlyNotSent(new javax.net.ssl.SSLHandshakeException("PKIX"))).isTrue();
        assertThat(RetryDecider.certainlyNotSent(new java.net.UnknownHostException("nohost"))).isTrue();
        assertThat(RetryDecider.certainlyNotSent(new IOException("Connection reset"))).isFalse();
        assertThat(RetryDecider.certainlyNotSent(new java.net.http.HttpTimeoutException("request timed out")))
                .isFalse();
        assertThat(RetryDecider.certainlyNotSent(new java.io.EOFException("EOF reached while reading"))).isFalse();
    }

    @Test
    void safeToResendIsTheIdempotentActionsPlusHeartbeatAndCheckpoint() {
        assertThat(java.util.Arrays.stream(Action.values()).filter(RetryDecider::safeToResend)
                .filter(action -> !action.idempotent()))
                .containsExactlyInAnyOrder(Action.TUNNEL_HEARTBEAT, Action.TUNNEL_CHECKPOINT);
        assertThat(RetryDecider.safeToResend(Action.PUT_ROW)).isFalse();
        assertThat(RetryDecider.safeToResend(Action.TUNNEL_CONNECT)).isFalse();
        assertThat(RetryDecider.safeToResend(Action.TUNNEL_SHUTDOWN)).isFalse();
        assertThat(RetryDecider.safeToResend(Action.TUNNEL_READ_RECORDS)).isTrue();
    }
}
