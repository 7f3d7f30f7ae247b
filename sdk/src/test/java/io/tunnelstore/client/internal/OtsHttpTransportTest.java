package io.tunnelstore.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.tunnelstore.client.ClientConfig;
import io.tunnelstore.client.ClientTransportException;
import io.tunnelstore.client.Credentials;
import io.tunnelstore.client.MockOtsServer;
import io.tunnelstore.client.MockOtsServer.Reply;
import io.tunnelstore.client.RetryPolicy;
import io.tunnelstore.client.TablestoreException;
import io.tunnelstore.protocol.Action;
import io.tunnelstore.protocol.auth.OtsDates;
import io.tunnelstore.protocol.errors.ErrorCode;
import io.tunnelstore.protocol.pb.TableProtos;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OtsHttpTransportTest {

    private static final TableProtos.GetRowResponse GET_ROW_OK = TableProtos.GetRowResponse.newBuilder()
            .setConsumed(TableProtos.ConsumedCapacity.newBuilder()
                    .setCapacityUnit(TableProtos.CapacityUnit.newBuilder().setRead(1).setWrite(0)))
            .setRow(ByteString.EMPTY).build();
    private static final TableProtos.PutRowResponse PUT_ROW_OK = TableProtos.PutRowResponse.newBuilder()
            .setConsumed(TableProtos.ConsumedCapacity.newBuilder()
                    .setCapacityUnit(TableProtos.CapacityUnit.newBuilder().setRead(0).setWrite(1))).build();
    private static final TableProtos.GetRowRequest GET_ROW = TableProtos.GetRowRequest.newBuilder()
            .setTableName("t").setPrimaryKey(ByteString.copyFromUtf8("pk")).setMaxVersions(1).build();
    private static final TableProtos.PutRowRequest PUT_ROW = TableProtos.PutRowRequest.newBuilder()
            .setTableName("t").setRow(ByteString.copyFromUtf8("row"))
            .setCondition(TableProtos.Condition.newBuilder()
                    .setRowExistence(TableProtos.RowExistenceExpectation.IGNORE)).build();

    private MockOtsServer server;
    private final AtomicReference<Credentials> credentials = new AtomicReference<>(Credentials.of("ak1", "sk1"));

    @BeforeEach
    void start() throws Exception {
        server = new MockOtsServer(Map.of("ak1", "sk1", "ak2", "sk2", "STS.k", "stsSecret"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private OtsHttpTransport transport(Duration callTimeout) {
        ClientConfig config = ClientConfig.builder().endpoint(server.endpoint()).instanceName("inst1")
                .credentialsProvider(credentials::get).callTimeout(callTimeout)
                .retryPolicy(new RetryPolicy(Duration.ofSeconds(5), Duration.ofMillis(1), Duration.ofMillis(5),
                        2.0, 0.0))
                .build();
        return new OtsHttpTransport(config);
    }

    private OtsHttpTransport transport() {
        return transport(Duration.ofSeconds(10));
    }

    private static <T> T join(java.util.concurrent.CompletableFuture<T> f) {
        return Futures.await(f, "test call");
    }

    @Test
    void signsTheRequestAndVerifiesTheSignedResponse() {
        server.enqueue(Reply.ok(GET_ROW_OK));
        TableProtos.GetRowResponse response =
                join(transport().call(Action.GET_ROW, GET_ROW, TableProtos.GetRowResponse.parser(), true));

        assertThat(response).isEqualTo(GET_ROW_OK);
        MockOtsServer.Recorded r = server.requests().get(0);
        assertThat(r.action()).isEqualTo("GetRow");
        assertThat(r.signatureValid()).isTrue();
        assertThat(r.body()).isEqualTo(GET_ROW.toByteArray());
        assertThat(r.headers()).containsEntry("x-ots-apiversion", "2015-12-31")
                .containsEntry("x-ots-instancename", "inst1")
                .containsEntry("x-ots-accesskeyid", "ak1")
                .containsEntry("user-agent", "tunnelstore-java-sdk/0.1.0")
                .doesNotContainKey("x-ots-ststoken");
        assertThat(r.headers().get("x-ots-sdk-traceid")).hasSize(36);
        assertThat(OtsDates.parseLenient(r.headers().get("x-ots-date"))).isNotNull();
    }

    /**
     * Responses are handled on the transport's own pool, reused from call to call: not on a new thread per response
     * (what {@code ForkJoinPool.commonPool()} turns into on a JDK 17 machine with fewer than 3 CPUs, which cost
     * hundreds of milliseconds per response on a loaded machine).
     */
    @Test
    void handlesResponsesOnTheTransportsReusedPool() {
        java.util.Set<String> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
        com.google.protobuf.Parser<TableProtos.GetRowResponse> recording =
                new com.google.protobuf.AbstractParser<>() {
                    @Override
                    public TableProtos.GetRowResponse parsePartialFrom(com.google.protobuf.CodedInputStream in,
                            com.google.protobuf.ExtensionRegistryLite registry)
                            throws com.google.protobuf.InvalidProtocolBufferException {
                        threads.add(Thread.currentThread().getName());
                        return TableProtos.GetRowResponse.parser().parsePartialFrom(in, registry);
                    }
                };
        OtsHttpTransport transport = transport();
        for (int i = 0; i < 20; i++) {
            server.enqueue(Reply.ok(GET_ROW_OK));
            assertThat(join(transport.call(Action.GET_ROW, GET_ROW, recording, true))).isEqualTo(GET_ROW_OK);
        }
        assertThat(threads).isNotEmpty().allMatch(name -> name.startsWith("tunnelstore-http-"));
        // sequential calls: a reused pool needs a few threads at most, a thread per task would show 20 names
        assertThat(threads.size()).isLessThanOrEqualTo(4);
    }

    @Test
    void sendsTheStsToken() {
        credentials.set(Credentials.of("STS.k", "stsSecret", "tok"));
        server.enqueue(Reply.ok(GET_ROW_OK));
        join(transport().call(Action.GET_ROW, GET_ROW, TableProtos.GetRowResponse.parser(), true));
        assertThat(server.requests().get(0).headers()).containsEntry("x-ots-ststoken", "tok");
        assertThat(server.requests().get(0).signatureValid()).isTrue();
    }

    @Test
    void retries503ForIdempotentActionsWithTheSameTraceId() {
        server.enqueue(Reply.error(503, "OTSServerUnavailable", "try later"),
                Reply.error(503, "OTSServerUnavailable", "try later"), Reply.ok(GET_ROW_OK));

        TableProtos.GetRowResponse response =
                join(transport().call(Action.GET_ROW, GET_ROW, TableProtos.GetRowResponse.parser(), true));

        assertThat(response.getConsumed().getCapacityUnit().getRead()).isEqualTo(1);
        List<MockOtsServer.Recorded> requests = server.requests();
        assertThat(requests).hasSize(3);
        assertThat(requests).extracting(q -> q.headers().get("x-ots-sdk-traceid")).containsOnly(
                requests.get(0).headers().get("x-ots-sdk-traceid"));
    }

    @Test
    void doesNotRetry503ForNonIdempotentActions() {
        server.enqueue(Reply.error(503, "OTSServerUnavailable", "try later"), Reply.ok(PUT_ROW_OK));

        assertThatThrownBy(() -> join(transport().call(Action.PUT_ROW, PUT_ROW,
                TableProtos.PutRowResponse.parser(), true)))
                .isInstanceOfSatisfying(TablestoreException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo("OTSServerUnavailable");
                    assertThat(e.httpStatus()).isEqualTo(503);
                    assertThat(e.isRetryable()).isFalse();
                    assertThat(e.requestId()).isEqualTo("req-1");
                });
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void retriesAlwaysRetryableCodesEvenForWrites() {
        server.enqueue(Reply.error(503, "OTSServerBusy", "busy"), Reply.ok(PUT_ROW_OK));
        TableProtos.PutRowResponse r =
                join(transport().call(Action.PUT_ROW, PUT_ROW, TableProtos.PutRowResponse.parser(), true));
        assertThat(r.getConsumed().getCapacityUnit().getWrite()).isEqualTo(1);
        assertThat(server.requests()).hasSize(2);
    }

    @Test
    void doesNotRetry403AndParsesTheErrorWithRemedy() {
        server.enqueue(Reply.error(403, "OTSAuthFailed", "Mismatch between system time and x-ots-date."));

        assertThatThrownBy(() -> join(transport().call(Action.GET_ROW, GET_ROW,
                TableProtos.GetRowResponse.parser(), true)))
                .isExactlyInstanceOf(TablestoreException.class)
                .hasMessage("OTSAuthFailed: Mismatch between system time and x-ots-date. (HTTP 403, request id "
                        + "req-1). Remedy: check the access key id/secret (and STS token) and the server clock")
                .satisfies(t -> {
                    TablestoreException e = (TablestoreException) t;
                    assertThat(e.errorCode()).isEqualTo("OTSAuthFailed");
                    assertThat(e.knownErrorCode()).contains(ErrorCode.AUTH_FAILED);
                    assertThat(e.serverMessage()).isEqualTo("Mismatch between system time and x-ots-date.");
                    assertThat(e.requestId()).isEqualTo("req-1");
                    assertThat(e.httpStatus()).isEqualTo(403);
                    assertThat(e.isRetryable()).isFalse();
                    assertThat(e.remedy()).isEqualTo("check the access key id/secret (and STS token) and the server clock");
                });
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void wrongSecretIsRejectedByTheServerAndNotRetried() {
        credentials.set(Credentials.of("ak1", "not-the-secret"));
        assertThatThrownBy(() -> join(transport().call(Action.GET_ROW, GET_ROW,
                TableProtos.GetRowResponse.parser(), true)))
                .isInstanceOfSatisfying(TablestoreException.class,
                        e -> assertThat(e.errorCode()).isEqualTo("OTSAuthFailed"));
        assertThat(server.requests()).hasSize(1);
        assertThat(server.requests().get(0).signatureValid()).isFalse();
    }

    @Test
    void objectNotExistCarriesItsRemedy() {
        server.enqueue(Reply.error(404, "OTSObjectNotExist", "Requested table does not exist."));
        assertThatThrownBy(() -> join(transport().call(Action.GET_ROW, GET_ROW,
                TableProtos.GetRowResponse.parser(), true)))
                .isInstanceOfSatisfying(TablestoreException.class,
                        e -> assertThat(e.remedy()).isEqualTo("create the table/tunnel first, or check its name"));
    }

    @Test
    void rejectsAResponseWithABadSignatureUnlessVerificationIsOff() {
        server.enqueue(Reply.okBadSignature(GET_ROW_OK), Reply.okBadSignature(GET_ROW_OK));
        OtsHttpTransport t = transport();

        assertThatThrownBy(() -> join(t.call(Action.GET_ROW, GET_ROW, TableProtos.GetRowResponse.parser(), true)))
                .isInstanceOfSatisfying(ClientTransportException.class, e -> {
                    assertThat(e.getMessage()).contains("response signature mismatch");
                    assertThat(e.isRetryable()).isFalse();
                    assertThat(e.requestId()).isEqualTo("req-1");
                });
        assertThat(server.requests()).hasSize(1);

        TableProtos.GetRowResponse unchecked =
                join(t.call(Action.GET_ROW, GET_ROW, TableProtos.GetRowResponse.parser(), false));
        assertThat(unchecked.getConsumed().getCapacityUnit().getRead()).isEqualTo(1);
    }

    @Test
    void perCallTimeoutFailsAHangingCall() {
        CountDownLatch never = new CountDownLatch(1);
        server.enqueue(Reply.holdThen(never, GET_ROW_OK));
        long start = System.nanoTime();

        assertThatThrownBy(() -> join(transport(Duration.ofMillis(300)).call(Action.GET_ROW, GET_ROW,
                TableProtos.GetRowResponse.parser(), true)))
                .isInstanceOfSatisfying(ClientTransportException.class, e -> {
                    assertThat(e.isTimeout()).isTrue();
                    assertThat(e.getMessage()).startsWith("OTSClientError: GetRow timed out after PT0.3S");
                });
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void rotatedCredentialsAreUsedByTheNextRequest() {
        server.enqueue(Reply.ok(GET_ROW_OK), Reply.ok(GET_ROW_OK));
        OtsHttpTransport t = transport();

        join(t.call(Action.GET_ROW, GET_ROW, TableProtos.GetRowResponse.parser(), true));
        credentials.set(Credentials.of("ak2", "sk2"));
        join(t.call(Action.GET_ROW, GET_ROW, TableProtos.GetRowResponse.parser(), true));

        assertThat(server.requests()).extracting(MockOtsServer.Recorded::accessKeyId).containsExactly("ak1", "ak2");
        assertThat(server.requests()).allMatch(MockOtsServer.Recorded::signatureValid);
    }

    @Test
    void networkErrorsAreRetriedForIdempotentActionsOnly() {
        server.enqueue(Reply.disconnect(), Reply.ok(GET_ROW_OK));
        OtsHttpTransport t = transport();
        join(t.call(Action.GET_ROW, GET_ROW, TableProtos.GetRowResponse.parser(), true));
        assertThat(server.requests()).hasSize(2);

        server.enqueue(Reply.disconnect(), Reply.ok(PUT_ROW_OK));
        assertThatThrownBy(() -> join(t.call(Action.PUT_ROW, PUT_ROW, TableProtos.PutRowResponse.parser(), true)))
                .isInstanceOfSatisfying(ClientTransportException.class, e -> {
                    assertThat(e.isRetryable()).isFalse();
                    assertThat(e.isTimeout()).isFalse();
                    assertThat(e.httpStatus()).isZero();
                });
        assertThat(server.requests()).hasSize(3);
    }

    @Test
    void aClosedTransportFailsNewCallsAndPendingRetries() {
        OtsHttpTransport t = transport();
        t.close();
        assertThatThrownBy(() -> join(t.call(Action.GET_ROW, GET_ROW, TableProtos.GetRowResponse.parser(), true)))
                .isInstanceOf(ClientTransportException.class).hasMessageContaining("GetRow: the client is closed");
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void connectionRefusedIsATransportFailure() {
        server.close();
        ClientConfig config = ClientConfig.builder().endpoint(server.endpoint()).instanceName("inst1")
                .credentials("ak1", "sk1").retryPolicy(RetryPolicy.none()).build();
        assertThatThrownBy(() -> join(new OtsHttpTransport(config).call(Action.GET_ROW, GET_ROW,
                TableProtos.GetRowResponse.parser(), true)))
                .isInstanceOfSatisfying(ClientTransportException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo("OTSClientError");
                    assertThat(e.isRetryable()).isTrue();
                    assertThat(e.remedy()).isEqualTo("check the endpoint, the network and the call timeout");
                });
    }
}
