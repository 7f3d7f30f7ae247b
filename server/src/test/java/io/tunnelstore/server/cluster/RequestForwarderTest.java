package io.tunnelstore.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.tunnelstore.server.cluster.RequestForwarder.Failure;
import io.tunnelstore.server.cluster.RequestForwarder.ForwardingException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The relay to a resource's owner, against small HTTP servers playing the owner nodes. */
class RequestForwarderTest {
    private static final String RESOURCE = ClusterResources.partition(1, 7);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<HttpServer> servers = new ArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);

    /** What an owner received. */
    private record Received(String method, String path, Map<String, List<String>> headers, String body) {}

    @AfterEach
    void stop() {
        release.countDown();
        servers.forEach(s -> s.stop(0));
    }

    private String owner(List<Received> log, HttpHandler answer) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", exchange -> {
            log.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                    exchange.getRequestHeaders(), new String(exchange.getRequestBody().readAllBytes(),
                    StandardCharsets.UTF_8)));
            answer.handle(exchange);
        });
        server.start();
        servers.add(server);
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    private static HttpHandler answering(int status, String body) {
        return exchange -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("x-ots-contentmd5", "md5-of-" + body);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        };
    }

    private static final HttpHandler NOT_OWNER = exchange -> {
        exchange.getResponseHeaders().add(RequestForwarder.NOT_OWNER, RESOURCE);
        exchange.sendResponseHeaders(RequestForwarder.NOT_OWNER_STATUS, -1);
        exchange.close();
    };

    private RequestForwarder forwarder(Duration attempt, Duration budget) {
        return new RequestForwarder(http, "node-b", attempt, budget, System::nanoTime);
    }

    private static RequestForwarder.Request putRow() {
        return new RequestForwarder.Request("POST", "/PutRow?x=1", Map.of(
                "x-ots-signature", List.of("sig"), "x-ots-instancename", List.of("inst"),
                "Host", List.of("public.example:80"), "Connection", List.of("keep-alive")),
                "row bytes".getBytes(StandardCharsets.UTF_8));
    }

    /** Addresses handed out in turn (the view moving between lookups); the last one repeats. */
    private static RequestForwarder.OwnerAddresses inTurn(String... addresses) {
        Iterator<String> it = List.of(addresses).iterator();
        String[] last = {null};
        return resource -> {
            if (it.hasNext()) {
                last[0] = it.next();
            }
            return Optional.ofNullable(last[0]);
        };
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void theOwnerGetsTheSignedRequestAsSentAndItsAnswerComesBackUnchanged() throws Exception {
        List<Received> got = new CopyOnWriteArrayList<>();
        String a = owner(got, answering(200, "response bytes"));
        RequestForwarder.Response response = forwarder(Duration.ofSeconds(5), Duration.ofSeconds(10))
                .forward(RESOURCE, putRow(), inTurn(a));
        assertThat(response.status()).isEqualTo(200);
        assertThat(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo("response bytes");
        assertThat(response.headers().get("x-ots-contentmd5")).containsExactly("md5-of-response bytes");

        assertThat(got).hasSize(1);
        Received r = got.get(0);
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.path()).isEqualTo("/PutRow?x=1");
        assertThat(r.body()).isEqualTo("row bytes");
        assertThat(r.headers().get("X-ots-signature")).containsExactly("sig");
        assertThat(r.headers().get("X-ots-instancename")).containsExactly("inst");
        assertThat(r.headers().get("X-tunnelstore-forwarded-by")).containsExactly("node-b");
        assertThat(r.headers().get("Host")).containsExactly(a); // the hop's own host, not the client's
        assertThat(RequestForwarder.wasForwarded(r.headers())).isTrue();
        assertThat(RequestForwarder.wasForwarded(putRow().headers())).isFalse();
    }

    @Test
    void aNotOwnerAnswerIsRetriedAtTheOwnerOfTheNewView() throws Exception {
        List<Received> atA = new CopyOnWriteArrayList<>();
        List<Received> atC = new CopyOnWriteArrayList<>();
        String a = owner(atA, NOT_OWNER);
        String c = owner(atC, answering(200, "from c"));
        RequestForwarder.Response response = forwarder(Duration.ofSeconds(5), Duration.ofSeconds(10))
                .forward(RESOURCE, putRow(), inTurn(a, c));
        assertThat(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo("from c");
        assertThat(atA).hasSize(1);
        assertThat(atC).hasSize(1);
    }

    @Test
    void aRefusedConnectionIsRetriedAtTheNextOwner() throws Exception {
        List<Received> atC = new CopyOnWriteArrayList<>();
        String c = owner(atC, answering(200, "from c"));
        RequestForwarder.Response response = forwarder(Duration.ofSeconds(5), Duration.ofSeconds(10))
                .forward(RESOURCE, putRow(), inTurn("127.0.0.1:" + closedPort(), c));
        assertThat(response.status()).isEqualTo(200);
        assertThat(atC).hasSize(1);
    }

    @Test
    void aTimeoutAfterSendingIsNotRetriedBecauseTheWriteMayHaveBeenApplied() throws Exception {
        List<Received> atA = new CopyOnWriteArrayList<>();
        List<Received> atC = new CopyOnWriteArrayList<>();
        String a = owner(atA, exchange -> {
            try {
                release.await(30, TimeUnit.SECONDS); // the owner hangs
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        String c = owner(atC, answering(200, "from c"));
        assertThatThrownBy(() -> forwarder(Duration.ofMillis(300), Duration.ofSeconds(10))
                .forward(RESOURCE, putRow(), inTurn(a, c)))
                .isInstanceOfSatisfying(ForwardingException.class,
                        e -> assertThat(e.failure()).isEqualTo(Failure.TIMED_OUT))
                .hasMessageContaining("did not answer within 300 ms; the request may have been applied");
        assertThat(atA).hasSize(1);
        assertThat(atC).isEmpty();
    }

    @Test
    void withNoReachableOwnerItGivesUpWhenTheBudgetIsSpent() throws Exception {
        List<Received> atA = new CopyOnWriteArrayList<>();
        String a = owner(atA, NOT_OWNER);
        // a manual clock that advances 150 ms per owner lookup: attempts start at 0, 150 and 300 ms of a 400 ms budget
        AtomicLong nanos = new AtomicLong();
        RequestForwarder forwarder = new RequestForwarder(http, "node-b", Duration.ofSeconds(5),
                Duration.ofMillis(400), nanos::get);
        assertThatThrownBy(() -> forwarder.forward(RESOURCE, putRow(), resource -> {
            nanos.addAndGet(150_000_000L);
            return Optional.of(a);
        })).isInstanceOfSatisfying(ForwardingException.class,
                        e -> assertThat(e.failure()).isEqualTo(Failure.UNAVAILABLE))
                .hasMessage("no owner of partition/1/7 could be reached within 400 ms (" + a + " does not own "
                        + "partition/1/7)");
        assertThat(atA).hasSize(3);
        assertThatThrownBy(() -> forwarder(Duration.ofSeconds(1), Duration.ofMillis(200))
                .forward(RESOURCE, putRow(), r -> Optional.empty()))
                .isInstanceOfSatisfying(ForwardingException.class,
                        e -> assertThat(e.failure()).isEqualTo(Failure.UNAVAILABLE))
                .hasMessageContaining("no live owner of partition/1/7");
    }
}
