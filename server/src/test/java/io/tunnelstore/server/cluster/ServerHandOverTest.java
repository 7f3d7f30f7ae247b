package io.tunnelstore.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunnelstore.server.ServerConfig;
import io.tunnelstore.server.ServerModule;
import io.tunnelstore.server.TunnelstoreServer;
import io.tunnelstore.server.http.HttpRouteResponse;
import io.tunnelstore.server.http.OperationRegistry;
import io.tunnelstore.storage.StorageEngine;
import io.tunnelstore.testsupport.Await;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A clustered node's planned stop (docs/scale-out.md, "Removing a node"): {@code close()} hands over first (the
 * placement's {@code leave}, while the node still serves and answers {@code /health/ready} "not ready"), lets a
 * request already running finish and reach its client, and only then closes the modules and the placement.
 */
class ServerHandOverTest {
    @TempDir
    Path dir;

    private final List<String> events = new CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private volatile int port;

    /** A node that owns everything and records its hand-over and its close. */
    private final class RecordingPlacement extends ScriptedPlacement {
        RecordingPlacement(StorageEngine storage) {
            super("n1", storage);
        }

        @Override
        public void leave() {
            // the node still answers while it hands over, and tells load balancers it is not ready
            events.add("leave (ready: " + get("/health/ready").statusCode() + ")");
        }

        @Override
        public void close() {
            events.add("placement closed");
        }
    }

    private HttpResponse<String> get(String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError("GET " + path + " failed", e);
        }
    }

    @Test
    void closeHandsOverFirstThenLetsRunningRequestsFinishThenCloses() throws Exception {
        CountDownLatch slowStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        TunnelstoreServer server = TunnelstoreServer.builder(ServerConfig.builder().port(0)
                        .dataDir(dir.resolve("data")).build())
                .module(ctx -> new ServerModule() {
                    @Override
                    public void register(OperationRegistry registry) {
                        registry.registerHttpRoute("GET", "/slow", request -> {
                            slowStarted.countDown();
                            try {
                                release.await(20, TimeUnit.SECONDS);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            return HttpRouteResponse.text(200, "finished\n");
                        });
                    }

                    @Override
                    public void close() {
                        events.add("module closed");
                    }
                })
                .cluster(RecordingPlacement::new)
                .console(new PrintStream(OutputStream.nullOutputStream()))
                .build();
        server.start();
        port = server.port();
        assertThat(get("/health/ready").statusCode()).isEqualTo(200);

        CompletableFuture<HttpResponse<String>> running = CompletableFuture.supplyAsync(() -> get("/slow"));
        Await.latch("the slow request runs", Duration.ofSeconds(10), slowStarted);
        CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
        Await.until("the node handed over", Duration.ofSeconds(10), () -> !events.isEmpty());
        assertThat(events).containsExactly("leave (ready: 503)"); // nothing closed while the request runs
        release.countDown();

        HttpResponse<String> answer = running.get(10, TimeUnit.SECONDS);
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("finished\n");
        closing.get(20, TimeUnit.SECONDS);
        assertThat(events).containsExactly("leave (ready: 503)", "module closed", "placement closed");
    }
}
