package io.tunnelstore.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tunnelstore.client.RetryPolicy;
import io.tunnelstore.client.TunnelClient;
import io.tunnelstore.protocol.model.Cell;
import io.tunnelstore.protocol.model.ColumnValue;
import io.tunnelstore.protocol.model.PlainRow;
import io.tunnelstore.protocol.model.PrimaryKey;
import io.tunnelstore.protocol.model.PrimaryKeyColumn;
import io.tunnelstore.protocol.pb.TunnelProtos;
import io.tunnelstore.protocol.plainbuffer.PlainBufferCodec;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The public constructors over the real SDK transport against a minimal scripted HTTP tunnel endpoint: protobuf
 * requests/responses, PlainBuffer records and error bodies go through {@code RpcClientTunnelRpc}.
 */
class TunnelWorkerOverHttpTest {
    private final HttpServer http;
    private final Map<String, Integer> calls = new ConcurrentHashMap<>();
    private final List<String> checkpoints = new CopyOnWriteArrayList<>();
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final CountDownLatch batch = new CountDownLatch(1);
    private final CountDownLatch finishedCommitted = new CountDownLatch(1);
    private volatile boolean denyConnect;

    TunnelWorkerOverHttpTest() throws IOException {
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/", this::handle);
        http.start();
    }

    @AfterEach
    void stop() {
        http.stop(0);
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        byte[] body = ex.getRequestBody().readAllBytes();
        calls.merge(path, 1, Integer::sum);
        Message reply;
        int status = 200;
        switch (path) {
            case "/tunnel/connect" -> {
                if (denyConnect) {
                    status = 403;
                    reply = TunnelProtos.Error.newBuilder().setCode("OTSPermissionDenied").setMessage("no access")
                            .build();
                } else {
                    reply = TunnelProtos.ConnectResponse.newBuilder().setClientId("c-1").build();
                }
            }
            case "/tunnel/heartbeat" -> reply = TunnelProtos.HeartbeatResponse.newBuilder()
                    .addChannels(TunnelProtos.Channel.newBuilder().setChannelId("BaseData_p1").setVersion(1)
                            .setStatus(TunnelProtos.ChannelStatus.OPEN))
                    .build();
            case "/tunnel/getcheckpoint" -> reply = TunnelProtos.GetCheckpointResponse.newBuilder()
                    .setCheckpoint("start").setSequenceNumber(0).build();
            case "/tunnel/readrecords" -> {
                PlainRow row = PlainRow.of(PrimaryKey.of(PrimaryKeyColumn.of("id", ColumnValue.ofLong(42))),
                        List.of(Cell.put("name", ColumnValue.ofString("alice"), 1_000L)));
                reply = TunnelProtos.ReadRecordsResponse.newBuilder()
                        .addRecords(TunnelProtos.Record.newBuilder().setActionType(TunnelProtos.ActionType.PUT_ROW)
                                .setRecord(ByteString.copyFrom(PlainBufferCodec.encodeRow(row))))
                        .setNextToken("finished").build();
            }
            case "/tunnel/checkpoint" -> {
                TunnelProtos.CheckpointRequest req = TunnelProtos.CheckpointRequest.parseFrom(body);
                checkpoints.add(req.getChannelId() + "=" + req.getCheckpoint() + "#" + req.getSequenceNumber());
                if ("finished".equals(req.getCheckpoint())) {
                    finishedCommitted.countDown();
                }
                reply = TunnelProtos.CheckpointResponse.getDefaultInstance();
            }
            case "/tunnel/shutdown" -> reply = TunnelProtos.ShutdownResponse.getDefaultInstance();
            default -> {
                status = 400;
                reply = TunnelProtos.Error.newBuilder().setCode("OTSParameterInvalid").setMessage(path).build();
            }
        }
        byte[] out = reply.toByteArray();
        ex.sendResponseHeaders(status, out.length);
        ex.getResponseBody().write(out);
        ex.close();
    }

    private TunnelClient client() {
        return TunnelClient.builder().endpoint("http://127.0.0.1:" + http.getAddress().getPort())
                .instanceName("inst").credentials("ak", "sk").retryPolicy(RetryPolicy.none())
                .verifyResponseSignature(false).build();
    }

    private TunnelWorkerConfig config() {
        return TunnelWorkerConfig.builder().heartbeatInterval(Duration.ofSeconds(5))
                .heartbeatTimeout(Duration.ofSeconds(30)).closeOnJvmExit(false).processThreads(1).readThreads(1)
                .processorFactory(SimpleProcessorFactory.of("v", (ctx, records) -> {
                    records.forEach(r -> received.add(ctx.channelId() + ":" + ctx.partitionId() + ":" + r.type()
                            + ":" + r.primaryKey().get(0).value().asLong() + ":"
                            + r.columns().get(0).value().asString()));
                    batch.countDown();
                }))
                .build();
    }

    @Test
    void workerConsumesABaseChannelOverHttpAndShutsDown() throws Exception {
        try (TunnelClient client = client(); TunnelWorker worker = new TunnelWorker(client, "tid", config())) {
            worker.start();
            assertThat(batch.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(finishedCommitted.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(received).containsExactly("BaseData_p1:BaseData:PUT:42:alice");
            assertThat(checkpoints).containsExactly("BaseData_p1=finished#1");
            assertThat(worker.clientId()).isEqualTo("c-1");
            worker.close(Duration.ofSeconds(10));
            assertThat(worker.termination()).isCompleted();
        }
        assertThat(calls.get("/tunnel/shutdown")).isEqualTo(1);
    }

    @Test
    void daemonEndsWithTheFatalWireErrorOverHttp() {
        denyConnect = true;
        try (TunnelClient client = client()) {
            TunnelDaemon daemon = new TunnelDaemon(client, "tid", config());
            Throwable t = catchThrowable(daemon::run);
            assertThat(t).isInstanceOf(TunnelWorkerException.class);
            assertThat(((TunnelWorkerException) t).errorCode()).isEqualTo("OTSPermissionDenied");
            assertThat(((TunnelWorkerException) t).isFatal()).isTrue();
        }
        assertThat(calls.get("/tunnel/connect")).isEqualTo(1);
    }
}
