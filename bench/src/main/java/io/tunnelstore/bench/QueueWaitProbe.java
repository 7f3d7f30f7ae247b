package io.tunnelstore.bench;

import io.tunnelstore.protocol.Action;
import io.tunnelstore.server.ServerModule;
import io.tunnelstore.server.http.HttpRouteResponse;
import io.tunnelstore.server.http.OperationRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Server-side probe of the bench server child: how long each API request waited for a worker thread (the dispatcher's
 * {@code RequestObserver.dequeued} hook), per action. {@code GET /bench/queue-wait} answers one line per action
 * ({@code action count p50 p99 p99.9 max}, nanoseconds) and starts a new sample, so the harness reads one window per
 * rate. Bench only: the product's permanent meter is {@code tunnelstore_request_queue_seconds} of the metrics module.
 */
final class QueueWaitProbe implements ServerModule {
    static final String PATH = "/bench/queue-wait";

    private final Map<String, List<Long>> waits = new TreeMap<>();

    @Override
    public void register(OperationRegistry registry) {
        registry.addObserver(new io.tunnelstore.server.http.RequestDispatcher.RequestObserver() {
            @Override
            public void completed(Action action, String outcome, long latencyNanos) {
            }

            @Override
            public void dequeued(Action action, long queueWaitNanos) {
                synchronized (waits) {
                    waits.computeIfAbsent(action.path(), a -> new ArrayList<>()).add(queueWaitNanos);
                }
            }
        });
        registry.registerHttpRoute("GET", PATH, request -> HttpRouteResponse.text(200, drain()));
    }

    private String drain() {
        Map<String, List<Long>> window;
        synchronized (waits) {
            window = new TreeMap<>(waits);
            waits.clear();
        }
        StringBuilder out = new StringBuilder();
        window.forEach((action, values) -> {
            Percentiles p = new Percentiles(values.stream().mapToLong(Long::longValue).toArray());
            out.append(action).append(' ').append(p.count()).append(' ').append(p.at(50)).append(' ')
                    .append(p.at(99)).append(' ').append(p.at(99.9)).append(' ').append(p.at(100)).append('\n');
        });
        return out.toString();
    }

    /** Reads and resets the server's window: action to {count, p50, p99, p99.9, max} in ns. */
    static Map<String, long[]> read(String endpoint) throws Exception {
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        java.net.http.HttpResponse<String> response = client.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(endpoint + PATH)).GET().build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        Map<String, long[]> out = new TreeMap<>();
        for (String line : response.body().split("\n")) {
            String[] f = line.trim().split(" ");
            if (f.length == 6) {
                out.put(f[0], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]),
                        Long.parseLong(f[4]), Long.parseLong(f[5])});
            }
        }
        return out;
    }
}
