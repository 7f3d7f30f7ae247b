package io.tunnelstore.server.http;

import static io.tunnelstore.server.TestServers.ADMIN_AK;
import static io.tunnelstore.server.TestServers.ADMIN_SK;
import static io.tunnelstore.server.TestServers.INSTANCE;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.tunnelstore.protocol.Action;
import io.tunnelstore.protocol.pb.TableProtos;
import io.tunnelstore.server.RawHttpClient;
import io.tunnelstore.server.ServerModule;
import io.tunnelstore.server.SignedRequests;
import io.tunnelstore.server.TestServers;
import io.tunnelstore.server.TunnelstoreServer;
import io.tunnelstore.testsupport.Await;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Row writes run on a lane of their own (docs/server-transport.md, "Request lanes"): while every write thread waits
 * (as a PutRow waits for its group commit's fsync) and the write queue is full, other requests are still answered at
 * once, an extra write gets {@code 503 OTSServerBusy}, and every request's wait for a thread is reported per action.
 */
class RequestLanesTest {

    @TempDir
    Path dataDir;

    private record Dequeued(Action action, long waitNanos) {}

    /** A request's timing as its handler saw it, and when the handler ran. */
    private record Seen(RequestContext.Timing timing, long handlerNanos) {}

    @Test
    void blockedRowWritesNeitherDelayOtherRequestsNorHangAndQueueWaitIsReported() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Semaphore entered = new Semaphore(0);
        List<Dequeued> dequeued = new CopyOnWriteArrayList<>();
        List<Seen> writesSeen = new CopyOnWriteArrayList<>();
        List<Seen> readsSeen = new CopyOnWriteArrayList<>();
        ServerModule module = registry -> {
            registry.register(Action.PUT_ROW, OperationRegistry.Lane.ROW_WRITE, TableProtos.PutRowRequest.parser(),
                    (ctx, req) -> {
                        writesSeen.add(new Seen(ctx.timing(), System.nanoTime()));
                        entered.release();
                        try {
                            // stands for a write waiting for its fsync: holds its write thread
                            assertThat(release.await(10, TimeUnit.SECONDS)).isTrue();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return CompletableFuture.completedFuture(TableProtos.PutRowResponse.newBuilder()
                                .setConsumed(TableProtos.ConsumedCapacity.newBuilder()
                                        .setCapacityUnit(TableProtos.CapacityUnit.newBuilder().setWrite(1)))
                                .build());
                    });
            registry.register(Action.LIST_TABLE, TableProtos.ListTableRequest.parser(),
                    (ctx, req) -> {
                        readsSeen.add(new Seen(ctx.timing(), System.nanoTime()));
                        return CompletableFuture.completedFuture(TableProtos.ListTableResponse.newBuilder()
                                .addTableNames("t").build());
                    });
            registry.addObserver(new RequestDispatcher.RequestObserver() {
                @Override
                public void completed(Action action, String outcome, long latencyNanos) {
                }

                @Override
                public void dequeued(Action action, long queueWaitNanos) {
                    dequeued.add(new Dequeued(action, queueWaitNanos));
                }
            });
        };
        TunnelstoreServer server = TunnelstoreServer.builder(TestServers.config(dataDir)
                        .workerThreads(1).workerQueueCapacity(1).writeThreads(1).writeQueueCapacity(1).build())
                .module(ctx -> module)
                .console(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
                .build();
        server.start();
        try (server;
             RawHttpClient writing = new RawHttpClient(server.port());
             RawHttpClient queuedWrite = new RawHttpClient(server.port());
             RawHttpClient rejectedWrite = new RawHttpClient(server.port());
             RawHttpClient reader = new RawHttpClient(server.port())) {
            putRow(writing);
            assertThat(entered.tryAcquire(10, TimeUnit.SECONDS)).isTrue(); // the only write thread is now held
            putRow(queuedWrite);                                           // fills the write queue of 1
            Await.until("a queued row write", Duration.ofSeconds(10), () -> server.queuedRowWrites() == 1);
            long queuedSeenAt = System.nanoTime();

            RawHttpClient.Response busy = exchange(rejectedWrite);
            assertThat(busy.status()).isEqualTo(503);
            assertThat(TableProtos.Error.parseFrom(busy.body()).getCode()).isEqualTo("OTSServerBusy");

            // the general lane is free: a read is answered while both writes wait
            long listSentAt = System.nanoTime();
            RawHttpClient.Response list = listTable(reader);
            long listAnsweredAt = System.nanoTime();
            assertThat(list.status()).isEqualTo(200);
            // its handler saw when its headers were admitted, it was queued and a thread took it up, in that order
            assertThat(readsSeen).hasSize(1);
            RequestContext.Timing read = readsSeen.get(0).timing();
            assertThat(read.admittedNanos()).isBetween(listSentAt, read.queuedNanos());
            assertThat(read.queuedNanos()).isLessThanOrEqualTo(read.startedNanos());
            assertThat(read.startedNanos()).isBetween(read.queuedNanos(), readsSeen.get(0).handlerNanos());
            assertThat(readsSeen.get(0).handlerNanos()).isLessThan(listAnsweredAt);
            assertThat(TableProtos.ListTableResponse.parseFrom(list.body()).getTableNamesList()).containsExactly("t");
            assertThat(server.queuedRequests()).isZero();

            long releasedAt = System.nanoTime();
            release.countDown();
            assertThat(writing.read().status()).isEqualTo(200);
            assertThat(queuedWrite.read().status()).isEqualTo(200);

            // reported once per request a thread took up (not the rejected one): PutRow, ListTable, PutRow
            Await.until("three dequeued reports", Duration.ofSeconds(10), () -> dequeued.size() == 3);
            assertThat(dequeued).extracting(Dequeued::action)
                    .containsExactly(Action.PUT_ROW, Action.LIST_TABLE, Action.PUT_ROW);
            // the queued write waited at least from when it was seen queued until the write thread was released
            assertThat(dequeued.get(2).waitNanos()).isGreaterThanOrEqualTo(releasedAt - queuedSeenAt);
            // and its handler's timing shows the same wait between queued and started
            assertThat(writesSeen).hasSize(2);
            RequestContext.Timing queued = writesSeen.get(1).timing();
            assertThat(queued.queuedNanos()).isLessThanOrEqualTo(queuedSeenAt);
            assertThat(queued.startedNanos()).isGreaterThanOrEqualTo(releasedAt);
            assertThat(queued.startedNanos() - queued.queuedNanos()).isEqualTo(dequeued.get(2).waitNanos());
        }
    }

    private static void putRow(RawHttpClient client) throws Exception {
        byte[] body = TableProtos.PutRowRequest.newBuilder().setTableName("t").setRow(ByteString.copyFromUtf8("r"))
                .setCondition(TableProtos.Condition.newBuilder()
                        .setRowExistence(TableProtos.RowExistenceExpectation.IGNORE))
                .build().toByteArray();
        client.send("POST", "/PutRow", SignedRequests.v2("PutRow", INSTANCE, ADMIN_AK, ADMIN_SK, body), body);
    }

    private static RawHttpClient.Response exchange(RawHttpClient client) throws Exception {
        putRow(client);
        return client.read();
    }

    private static RawHttpClient.Response listTable(RawHttpClient client) throws Exception {
        return client.exchange("POST", "/ListTable",
                SignedRequests.v2("ListTable", INSTANCE, ADMIN_AK, ADMIN_SK, new byte[0]), new byte[0]);
    }
}
