package io.tunnelstore.server.compat;

import static io.tunnelstore.server.compat.CompatServer.assertOtsError;
import static io.tunnelstore.server.compat.CompatServer.meta;
import static io.tunnelstore.server.compat.CompatServer.pk;
import static org.assertj.core.api.Assertions.assertThat;

import com.alicloud.openservices.tablestore.model.BatchWriteRowRequest;
import com.alicloud.openservices.tablestore.model.ColumnValue;
import com.alicloud.openservices.tablestore.model.CreateTableRequest;
import com.alicloud.openservices.tablestore.model.GetRowRequest;
import com.alicloud.openservices.tablestore.model.PrimaryKeyType;
import com.alicloud.openservices.tablestore.model.PutRowRequest;
import com.alicloud.openservices.tablestore.model.RowPutChange;
import com.alicloud.openservices.tablestore.model.SingleRowQueryCriteria;
import com.alicloud.openservices.tablestore.model.TableOptions;
import io.tunnelstore.protocol.auth.ContentMd5;
import io.tunnelstore.protocol.auth.OtsDates;
import io.tunnelstore.protocol.auth.Signatures;
import io.tunnelstore.protocol.pb.TableProtos;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Error cases through the official Java SDK (and one hand-made malformed request): each gets the documented code
 * and HTTP status, and the server keeps answering normal requests afterwards.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ErrorHandlingCompatTest {

    private CompatServer ots;

    @BeforeAll
    void start(@TempDir Path dir) {
        ots = new CompatServer(dir);
        ots.createTable("t", new TableOptions(-1, 1), "pk", PrimaryKeyType.INTEGER);
    }

    @AfterAll
    void stop() {
        ots.close();
    }

    /** After every error the server still serves a normal write and read. */
    @AfterEach
    void serverStillAnswers() {
        RowPutChange put = new RowPutChange("t", pk("pk", 42));
        put.addColumn("c", ColumnValue.fromString("alive"));
        ots.client.putRow(new PutRowRequest(put));
        SingleRowQueryCriteria c = new SingleRowQueryCriteria("t", pk("pk", 42));
        c.setMaxVersions(1);
        assertThat(ots.client.getRow(new GetRowRequest(c)).getRow().getLatestColumn("c").getValue().asString())
                .isEqualTo("alive");
    }

    @Test
    void missingTable() {
        SingleRowQueryCriteria c = new SingleRowQueryCriteria("nope", pk("pk", 1));
        c.setMaxVersions(1);
        assertOtsError(() -> ots.client.getRow(new GetRowRequest(c)), "OTSObjectNotExist", 404);
        RowPutChange put = new RowPutChange("nope", pk("pk", 1));
        put.addColumn("c", ColumnValue.fromLong(1));
        assertOtsError(() -> ots.client.putRow(new PutRowRequest(put)), "OTSObjectNotExist", 404);
    }

    @Test
    void existingTable() {
        assertOtsError(() -> ots.client.createTable(new CreateTableRequest(meta("t", "pk", PrimaryKeyType.STRING),
                new TableOptions(-1, 1))), "OTSObjectAlreadyExist", 409);
    }

    @Test
    void wrongPrimaryKeyTypeNameOrCount() {
        RowPutChange type = new RowPutChange("t", pk("pk", "one"));
        type.addColumn("c", ColumnValue.fromLong(1));
        assertOtsError(() -> ots.client.putRow(new PutRowRequest(type)), "OTSInvalidPK", 400);
        RowPutChange name = new RowPutChange("t", pk("other", 1));
        name.addColumn("c", ColumnValue.fromLong(1));
        assertOtsError(() -> ots.client.putRow(new PutRowRequest(name)), "OTSInvalidPK", 400);
        SingleRowQueryCriteria count = new SingleRowQueryCriteria("t", pk("pk", 1, "extra", 2));
        count.setMaxVersions(1);
        assertOtsError(() -> ots.client.getRow(new GetRowRequest(count)), "OTSInvalidPK", 400);
    }

    @Test
    void failedCondition() {
        RowPutChange put = new RowPutChange("t", pk("pk", 7));
        put.addColumn("c", ColumnValue.fromLong(1));
        put.setCondition(new com.alicloud.openservices.tablestore.model.Condition(
                com.alicloud.openservices.tablestore.model.RowExistenceExpectation.EXPECT_EXIST));
        assertOtsError(() -> ots.client.putRow(new PutRowRequest(put)), "OTSConditionCheckFail", 403);
    }

    @Test
    void oversizedBatch() {
        BatchWriteRowRequest batch = new BatchWriteRowRequest();
        for (int i = 0; i < 201; i++) {
            RowPutChange put = new RowPutChange("t", pk("pk", 1000 + i));
            put.addColumn("c", ColumnValue.fromLong(i));
            batch.addRowChange(put);
        }
        assertOtsError(() -> ots.client.batchWriteRow(batch), "OTSParameterInvalid", 400);
        SingleRowQueryCriteria c = new SingleRowQueryCriteria("t", pk("pk", 1000));
        c.setMaxVersions(1);
        assertThat(ots.client.getRow(new GetRowRequest(c)).getRow()).isNull();
    }

    @Test
    void readWithoutMaxVersionsOrTimeRange() {
        // the Java SDK sends whatever the caller set; the public service rejects such a read
        SingleRowQueryCriteria c = new SingleRowQueryCriteria("t", pk("pk", 1));
        assertOtsError(() -> ots.client.getRow(new GetRowRequest(c)), "OTSParameterInvalid", 400);
    }

    @Test
    void malformedBodies() throws Exception {
        HttpResponse<byte[]> garbage = send("PutRow", new byte[] {0x0A, 0x7F, 0x01});
        assertThat(garbage.statusCode()).isEqualTo(400);
        assertThat(TableProtos.Error.parseFrom(garbage.body()).getCode()).isEqualTo("OTSParameterInvalid");

        // well-formed protobuf, but the row is not PlainBuffer
        byte[] badRow = TableProtos.PutRowRequest.newBuilder().setTableName("t")
                .setRow(com.google.protobuf.ByteString.copyFromUtf8("not a row"))
                .setCondition(TableProtos.Condition.newBuilder()
                        .setRowExistence(TableProtos.RowExistenceExpectation.IGNORE))
                .build().toByteArray();
        HttpResponse<byte[]> plain = send("PutRow", badRow);
        assertThat(plain.statusCode()).isEqualTo(400);
        TableProtos.Error error = TableProtos.Error.parseFrom(plain.body());
        assertThat(error.getCode()).isEqualTo("OTSParameterInvalid");
        assertThat(error.getMessage()).startsWith("Invalid row:");
    }

    /** A correctly signed request with an arbitrary body. */
    private HttpResponse<byte[]> send(String action, byte[] body) throws Exception {
        Map<String, String> headers = new TreeMap<>();
        headers.put("x-ots-date", OtsDates.format(Instant.now()));
        headers.put("x-ots-apiversion", "2015-12-31");
        headers.put("x-ots-accesskeyid", CompatServer.ACCESS_KEY_ID);
        headers.put("x-ots-instancename", CompatServer.INSTANCE);
        headers.put("x-ots-contentmd5", ContentMd5.base64(body));
        String signature = Signatures.signV2(CompatServer.ACCESS_KEY_SECRET,
                Signatures.v2StringToSign(action, headers));
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(ots.server.endpoint() + "/" + action))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(req::header);
        req.header("x-ots-signature", signature);
        return HttpClient.newHttpClient().send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
    }
}
