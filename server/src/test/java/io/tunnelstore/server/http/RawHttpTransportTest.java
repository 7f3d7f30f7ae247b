package io.tunnelstore.server.http;

import static io.tunnelstore.server.TestServers.ADMIN_AK;
import static io.tunnelstore.server.TestServers.ADMIN_SK;
import static io.tunnelstore.server.TestServers.INSTANCE;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import io.tunnelstore.protocol.auth.ContentMd5;
import io.tunnelstore.protocol.auth.Signatures;
import io.tunnelstore.protocol.pb.TableProtos;
import io.tunnelstore.server.RawHttpClient;
import io.tunnelstore.server.RawHttpClient.Response;
import io.tunnelstore.server.SignedRequests;
import io.tunnelstore.server.TestServers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.DeflaterOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The HTTP framing of PROTOCOL.md §1-§3 over real sockets, byte by byte. */
class RawHttpTransportTest {

    @TempDir
    static Path dataDir;
    static TestServers.Running running;

    @BeforeAll
    static void startServer() {
        running = TestServers.start(dataDir, Duration.ofMillis(300));
    }

    @AfterAll
    static void stopServer() {
        running.close();
    }

    /** Whatever the test did, the server must still answer a normal request on a fresh connection. */
    @AfterEach
    void serverStillServes() throws IOException {
        try (RawHttpClient client = new RawHttpClient(running.port())) {
            Response response = listTable(client, "/ListTable");
            assertThat(response.status()).isEqualTo(200);
        }
    }

    @Test
    void listTableAnswersWithAllRequiredHeadersAndAValidResponseSignature() throws Exception {
        try (RawHttpClient client = new RawHttpClient(running.port())) {
            Response response = listTable(client, "/ListTable");

            assertThat(response.status()).isEqualTo(200);
            assertThat(TableProtos.ListTableResponse.parseFrom(response.body()).getTableNamesList())
                    .containsExactly("alpha", "beta");
            assertThat(response.headers().get("x-ots-contentmd5")).isEqualTo(ContentMd5.base64(response.body()));
            assertThat(response.headers().get("x-ots-contenttype")).isEqualTo("protocol buffer");
            assertThat(response.headers().get("x-ots-date")).isEqualTo("2026-01-02T03:04:05.678Z");
            assertThat(response.headers().get("x-ots-requestid")).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-"
                    + "[0-9a-f]{4}-[0-9a-f]{12}");
            Map<String, String> otsHeaders = new TreeMap<>();
            response.headers().forEach((name, value) -> {
                if (name.startsWith("x-ots-")) {
                    otsHeaders.put(name, value);
                }
            });
            assertThat(otsHeaders).containsOnlyKeys("x-ots-contentmd5", "x-ots-contenttype", "x-ots-date",
                    "x-ots-requestid");
            assertThat(response.headers().get("authorization"))
                    .isEqualTo(Signatures.responseAuthorization(ADMIN_AK, ADMIN_SK, "ListTable", otsHeaders))
                    .startsWith("OTS " + ADMIN_AK + ":");
        }
    }

    @Test
    void goStyleCapitalisedHeaderNamesAndDoubleSlashPathAreAccepted() throws Exception {
        byte[] body = new byte[0];
        Map<String, String> headers = SignedRequests.v2("ListTable", INSTANCE, ADMIN_AK, ADMIN_SK, body,
                SignedRequests::goCanonical);
        assertThat(headers).containsKey("X-Ots-Date").containsKey("X-Ots-Signature");
        try (RawHttpClient client = new RawHttpClient(running.port())) {
            Response response = client.exchange("POST", "//ListTable", headers, body);
            assertThat(response.status()).isEqualTo(200);
            assertThat(TableProtos.ListTableResponse.parseFrom(response.body()).getTableNamesList())
                    .containsExactly("alpha", "beta");
        }
    }

    @Test
    void twoRequestsShareOneKeepAliveConnection() throws Exception {
        try (RawHttpClient client = new RawHttpClient(running.port())) {
            Response first = listTable(client, "/ListTable");
            Response second = listTable(client, "/ListTable");
            assertThat(first.status()).isEqualTo(200);
            assertThat(second.status()).isEqualTo(200);
            assertThat(first.headers().get("connection")).isEqualToIgnoringCase("keep-alive");
            assertThat(second.headers().get("x-ots-requestid")).isNotEqualTo(first.headers().get("x-ots-requestid"));
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        byte[] listStream = TableProtos.ListStreamRequest.getDefaultInstance().toByteArray();
        try (RawHttpClient client = new RawHttpClient(running.port())) {
            // ListStream answers 20 ms later from another thread; ListTable immediately. Order must still hold.
            client.send("POST", "/ListStream", SignedRequests.v2("ListStream", INSTANCE, ADMIN_AK, ADMIN_SK,
                    listStream), listStream);
            client.send("POST", "/ListTable", SignedRequests.v2("ListTable", INSTANCE, ADMIN_AK, ADMIN_SK,
                    new byte[0]), new byte[0]);
            Response first = client.read();
            Response second = client.read();
            assertThat(first.status()).isEqualTo(200);
            assertThat(TableProtos.ListStreamResponse.parseFrom(first.body()).getStreamsCount()).isZero();
            assertThat(TableProtos.ListTableResponse.parseFrom(second.body()).getTableNamesList())
                    .containsExactly("alpha", "beta");
        }
    }

    @Test
    void oversizedBodyGets413WithProtobufErrorAndTheConnectionStaysUsable() throws Exception {
        byte[] body = new byte[5 * 1024 * 1024 + 1];
        try (RawHttpClient client = new RawHttpClient(running.port())) {
            Response response = client.exchange("POST", "/ListTable",
                    SignedRequests.v2("ListTable", INSTANCE, ADMIN_AK, ADMIN_SK, body), body);

            assertError(response, 413, "OTSRequestBodyTooLarge", "The request body is larger than 5242880 bytes.");
            assertThat(listTable(client, "/ListTable").status()).isEqualTo(200);
        }
    }

    @Test
    void bodyOfExactlyTheLimitIsAccepted() throws Exception {
        // 5 MiB of an unknown field (tag 15, length-delimited) in a ListTableRequest: parses, and is ignored.
        byte[] payload = new byte[5 * 1024 * 1024 - 5];
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        com.google.protobuf.CodedOutputStream out = com.google.protobuf.CodedOutputStream.newInstance(body);
        out.writeByteArray(15, payload);
        out.flush();
        assertThat(body.size()).isEqualTo(5 * 1024 * 1024);
        try (RawHttpClient client = new RawHttpClient(running.port())) {
            Response response = client.exchange("POST", "/ListTable",
                    SignedRequests.v2("ListTable", INSTANCE, ADMIN_AK, ADMIN_SK, body.toByteArray()),
                    body.toByteArray());
            assertThat(response.status()).isEqualTo(200);
        }
    }

    @Test
    void undecodableProtobufGets400ParameterInvalid() throws Exception {
        byte[] garbage = {0x0A, (byte) 0xFF, 0x01};
        Response response = post("DescribeTable", garbage);
        assertThat(response.status()).isEqualTo(400);
        TableProtos.Error error = TableProtos.Error.parseFrom(response.body());
        assertThat(error.getCode()).isEqualTo("OTSParameterInvalid");
        assertThat(error.getMessage()).isEqualTo("Parse PBMessage from RawString failed.");
    }

    @Test
    void missingRequiredFieldGets400ParameterInvalid() throws Exception {
        Response response = post("DescribeTable", new byte[0]);
        assertThat(response.status()).isEqualTo(400);
        TableProtos.Error error = TableProtos.Error.parseFrom(response.body());
        assertThat(error.getCode()).isEqualTo("OTSParameterInvalid");
        assertThat(error.getMessage()).isEqualTo("Parse PBMessage from RawString failed."); // the field is logged
    }

    @Test
    void getOnAnApiPathGets405MethodNotAllowed() throws Exception {
        try (RawHttpClient client = new RawHttpClient(running.port())) {
            Response response = client.exchange("GET", "/ListTable", Map.of(), new byte[0]);
            assertError(response, 405, "OTSMethodNotAllowed", "Only POST method for requests is supported.");
        }
    }

    @Test
    void unknownActionGets400UnsupportedOperation() throws Exception {
        assertError(post("NoSuchAction", new byte[0]), 400, "OTSParameterInvalid",
                "Unsupported operation: NoSuchAction.");
        assertError(post("tunnel/nosuch", new byte[0]), 400, "OTSParameterInvalid",
                "Unsupported operation: tunnel/nosuch.");
    }

    @Test
    void knownActionWithoutHandlerGets400UnsupportedOperation() throws Exception {
        assertError(post("BatchWriteRow", new byte[0]), 400, "OTSParameterInvalid",
                "Unsupported operation: BatchWriteRow.");
    }

    @Test
    void otsExceptionFromAHandlerKeepsItsCodeStatusAndMessage() throws Exception {
        byte[] body = TableProtos.DescribeTableRequest.newBuilder().setTableName("orders").build().toByteArray();
        assertError(post("DescribeTable", body), 404, "OTSObjectNotExist", "Requested table orders does not exist.");
    }

    @Test
    void unexpectedHandlerExceptionBecomes500WithoutInternalDetails() throws Exception {
        byte[] body = TableProtos.DeleteTableRequest.newBuilder().setTableName("orders").build().toByteArray();
        Response response = post("DeleteTable", body);
        assertThat(response.status()).isEqualTo(500);
        TableProtos.Error error = TableProtos.Error.parseFrom(response.body());
        assertThat(error.getCode()).isEqualTo("OTSInternalServerError");
        assertThat(error.getMessage())
                .isEqualTo("Internal server error.");
    }

    @Test
    void handlerThatNeverAnswersGets503TimeoutAfterTheHandlerTimeout() throws Exception {
        byte[] body = TableProtos.GetRowRequest.newBuilder().setTableName("orders")
                .setPrimaryKey(com.google.protobuf.ByteString.copyFrom(new byte[] {1})).build().toByteArray();
        assertError(post("GetRow", body), 503, "OTSTimeout", "Operation timeout.");
    }

    @Test
    void contentMd5MismatchGets403AuthFailed() throws Exception {
        byte[] body = TableProtos.DescribeTableRequest.newBuilder().setTableName("orders").build().toByteArray();
        Map<String, String> headers = SignedRequests.v2("DescribeTable", INSTANCE, ADMIN_AK, ADMIN_SK, body);
        byte[] tampered = TableProtos.DescribeTableRequest.newBuilder().setTableName("orderz").build().toByteArray();
        try (RawHttpClient client = new RawHttpClient(running.port())) {
            assertError(client.exchange("POST", "/DescribeTable", headers, tampered), 403, "OTSAuthFailed",
                    "Mismatch between MD5 value of request body and x-ots-contentmd5 in header.");
        }
    }

    @Test
    void alteredSignedHeaderGets403SignatureMismatch() throws Exception {
        Map<String, String> headers = new LinkedHashMap<>(
                SignedRequests.v2("ListTable", INSTANCE, ADMIN_AK, ADMIN_SK, new byte[0]));
        headers.put("x-ots-date", "2024-03-05T00:00:01.000Z");
        try (RawHttpClient client = new RawHttpClient(running.port())) {
            assertError(client.exchange("POST", "/ListTable", headers, new byte[0]), 403, "OTSAuthFailed",
                    "Signature mismatch.");
        }
    }

    /** The public service's answer to a request without a required header (its error-code reference). */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"x-ots-date", "x-ots-apiversion", "x-ots-accesskeyid", "x-ots-instancename",
            "x-ots-contentmd5", "x-ots-signature"})
    void aMissingRequiredHeaderGets400MissingHeader(String header) throws Exception {
        Map<String, String> headers = new LinkedHashMap<>(
                SignedRequests.v2("ListTable", INSTANCE, ADMIN_AK, ADMIN_SK, new byte[0]));
        headers.remove(header);
        try (RawHttpClient client = new RawHttpClient(running.port())) {
            assertError(client.exchange("POST", "/ListTable", headers, new byte[0]), 400, "OTSParameterInvalid",
                    "Missing header: " + header + ".");
            headers.put(header, " ");
            assertError(client.exchange("POST", "/ListTable", headers, new byte[0]), 400, "OTSParameterInvalid",
                    "Missing header: " + header + ".");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"x-ots-signdate", "x-ots-signregion"})
    void aV4RequestWithoutItsSignDateOrRegionGets400MissingHeader(String header) throws Exception {
        Map<String, String> headers = new LinkedHashMap<>(SignedRequests.v4At("ListTable", INSTANCE, ADMIN_AK,
                ADMIN_SK, new byte[0], "2024-03-05T00:00:00.000Z", "20240305", "cn-hangzhou"));
        headers.remove(header);
        try (RawHttpClient client = new RawHttpClient(running.port())) {
            assertError(client.exchange("POST", "/ListTable", headers, new byte[0]), 400, "OTSParameterInvalid",
                    "Missing header: " + header + ".");
        }
    }

    @Test
    void missingHeadersAreReportedInTheDocumentedOrderBeforeTheInstanceIsLookedUp() throws Exception {
        Map<String, String> headers = new LinkedHashMap<>(
                SignedRequests.v2("ListTable", "no-such-instance", ADMIN_AK, ADMIN_SK, new byte[0]));
        headers.remove("x-ots-apiversion");
        headers.remove("x-ots-signature");
        try (RawHttpClient client = new RawHttpClient(running.port())) {
            assertError(client.exchange("POST", "/ListTable", headers, new byte[0]), 400, "OTSParameterInvalid",
                    "Missing header: x-ots-apiversion.");
        }
    }

    @Test
    void deflateCompressedRequestBodyIsInflatedBeforeParsing() throws Exception {
        byte[] plain = TableProtos.DescribeTableRequest.newBuilder().setTableName("zipped").build().toByteArray();
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        try (DeflaterOutputStream out = new DeflaterOutputStream(compressed)) {
            out.write(plain);
        }
        byte[] body = compressed.toByteArray();
        Map<String, String> lower = new LinkedHashMap<>();
        lower.put("x-ots-date", "2024-01-01T08:00:00.123Z");
        lower.put("x-ots-apiversion", "2015-12-31");
        lower.put("x-ots-accesskeyid", ADMIN_AK);
        lower.put("x-ots-instancename", INSTANCE);
        lower.put("x-ots-contentmd5", ContentMd5.base64(body));
        lower.put("x-ots-request-compress-type", "deflate");
        lower.put("x-ots-request-compress-size", Integer.toString(plain.length));
        lower.put("x-ots-signature", Signatures.signV2(ADMIN_SK, Signatures.v2StringToSign("DescribeTable", lower)));
        try (RawHttpClient client = new RawHttpClient(running.port())) {
            assertError(client.exchange("POST", "/DescribeTable", lower, body), 404, "OTSObjectNotExist",
                    "Requested table zipped does not exist.");
        }
    }

    @Test
    void healthRoutesAnswerPlainText() throws Exception {
        try (RawHttpClient client = new RawHttpClient(running.port())) {
            Response live = client.exchange("GET", "/health/live", Map.of(), new byte[0]);
            Response ready = client.exchange("GET", "/health/ready", Map.of(), new byte[0]);
            Response wrongMethod = client.exchange("POST", "/health/live", Map.of(), new byte[0]);
            assertThat(live.status()).isEqualTo(200);
            assertThat(new String(live.body(), StandardCharsets.UTF_8)).isEqualTo("live\n");
            assertThat(ready.status()).isEqualTo(200);
            assertThat(new String(ready.body(), StandardCharsets.UTF_8)).isEqualTo("ready\n");
            assertThat(wrongMethod.status()).isEqualTo(405);
        }
    }

    @Test
    void malformedHttpGets400AndTheConnectionIsClosed() throws Exception {
        try (RawHttpClient client = new RawHttpClient(running.port())) {
            client.sendRaw("POST /ListTable HTTP/1.1\r\nContent-Length: abc\r\n\r\n".getBytes(StandardCharsets.UTF_8));
            Response response = client.read();
            assertThat(response.status()).isEqualTo(400);
            assertThat(TableProtos.Error.parseFrom(response.body()).getCode()).isEqualTo("OTSParameterInvalid");
            assertThat(client.serverClosed()).isTrue();
        }
    }

    @Test
    void handlersSeeTheInstanceActionPrincipalAndLowercasedHeaders() throws Exception {
        running.module().seen.clear();
        try (RawHttpClient client = new RawHttpClient(running.port())) {
            Response response = client.exchange("POST", "/ListTable", SignedRequests.v2("ListTable", INSTANCE,
                    ADMIN_AK, ADMIN_SK, new byte[0], SignedRequests::goCanonical), new byte[0]);
            assertThat(response.status()).isEqualTo(200);
        }
        RequestContext ctx = running.module().seen.get(0);
        assertThat(ctx.instanceName()).isEqualTo(INSTANCE);
        assertThat(ctx.action()).isEqualTo(io.tunnelstore.protocol.Action.LIST_TABLE);
        assertThat(ctx.principal()).isEqualTo(new Principal(ADMIN_AK, true));
        assertThat(ctx.headers()).containsEntry("x-ots-instancename", INSTANCE);
        assertThat(ctx.receivedAtMillis()).isEqualTo(TestServers.START.toEpochMilli());
    }

    // ---------------------------------------------------------------- helpers

    private static Response listTable(RawHttpClient client, String path) throws IOException {
        byte[] body = new byte[0];
        return client.exchange("POST", path, SignedRequests.v2("ListTable", INSTANCE, ADMIN_AK, ADMIN_SK, body),
                body);
    }

    private static Response post(String action, byte[] body) throws IOException {
        try (RawHttpClient client = new RawHttpClient(running.port())) {
            return client.exchange("POST", "/" + action,
                    SignedRequests.v2(action, INSTANCE, ADMIN_AK, ADMIN_SK, body), body);
        }
    }

    private static void assertError(Response response, int status, String code, String message)
            throws InvalidProtocolBufferException {
        assertThat(response.status()).isEqualTo(status);
        TableProtos.Error error = TableProtos.Error.parseFrom(response.body());
        assertThat(error.getCode()).isEqualTo(code);
        assertThat(error.getMessage()).isEqualTo(message);
        assertThat(error.getUnknownFields().asMap()).isEmpty(); // never field 3 (PROTOCOL.md §3.3)
        assertThat(response.headers()).containsKeys("x-ots-requestid", "x-ots-date");
        assertThat(response.headers().get("x-ots-contentmd5")).isEqualTo(ContentMd5.base64(response.body()));
        assertThat(response.headers().get("x-ots-contenttype")).isEqualTo("protocol buffer");
    }
}
