package io.tunnelstore.server.http;

import static io.tunnelstore.server.TestServers.ADMIN_AK;
import static io.tunnelstore.server.TestServers.ADMIN_SK;
import static io.tunnelstore.server.TestServers.INSTANCE;
import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Handlers run on a bounded pool: when every worker is busy and the queue is full, new requests get 503. */
class WorkerPoolSaturationTest {

    @TempDir
    Path dataDir;

    @Test
    void fullWorkerQueueAnswers503ServerBusyAndRecoversWhenWorkersFree() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Semaphore entered = new Semaphore(0);
        ServerModule blocking = registry -> registry.register(Action.LIST_TABLE,
                TableProtos.ListTableRequest.parser(), (ctx, req) -> {
                    entered.release();
                    try {
                        // Deliberately blocks its worker thread (handlers may block on storage).
                        assertThat(release.await(10, TimeUnit.SECONDS)).isTrue();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return CompletableFuture.completedFuture(TableProtos.ListTableResponse.getDefaultInstance());
                });
        TunnelstoreServer server = TunnelstoreServer.builder(TestServers.config(dataDir)
                        .workerThreads(1).workerQueueCapacity(1).build())
                .module(ctx -> blocking)
                .console(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
                .build();
        server.start();
        try (server;
             RawHttpClient running = new RawHttpClient(server.port());
             RawHttpClient queued = new RawHttpClient(server.port());
             RawHttpClient rejected = new RawHttpClient(server.port())) {
            send(running);
            assertThat(entered.tryAcquire(10, TimeUnit.SECONDS)).isTrue(); // the only worker is now blocked
            send(queued);                                                  // fills the queue of 1
            awaitQueued(server, 1);

            RawHttpClient.Response busy = exchange(rejected);
            assertThat(busy.status()).isEqualTo(503);
            TableProtos.Error error = TableProtos.Error.parseFrom(busy.body());
            assertThat(error.getCode()).isEqualTo("OTSServerBusy");
            assertThat(error.getMessage()).isEqualTo("Server is busy.");

            release.countDown();
            assertThat(running.read().status()).isEqualTo(200);
            assertThat(queued.read().status()).isEqualTo(200);
            assertThat(exchange(rejected).status()).isEqualTo(200);
        }
    }

    private static void awaitQueued(TunnelstoreServer server, int expected) {
        Await.until("the queue at " + expected, Duration.ofSeconds(10), () -> server.queuedRequests() == expected);
    }

    private static void send(RawHttpClient client) throws Exception {
        client.send("POST", "/ListTable", SignedRequests.v2("ListTable", INSTANCE, ADMIN_AK, ADMIN_SK, new byte[0]),
                new byte[0]);
    }

    private static RawHttpClient.Response exchange(RawHttpClient client) throws Exception {
        send(client);
        return client.read();
    }
}
