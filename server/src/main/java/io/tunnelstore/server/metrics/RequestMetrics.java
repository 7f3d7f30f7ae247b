package io.tunnelstore.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tunnelstore.protocol.Action;
import io.tunnelstore.server.http.RequestDispatcher;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Request meters, fed by the dispatcher's {@link RequestDispatcher.RequestObserver} hook:
 * <ul>
 *   <li>{@code tunnelstore_requests_seconds{action,code}} — timer (count, sum, max) per API action and outcome
 *       ({@code OK} or the error code);</li>
 *   <li>{@code tunnelstore_request_queue_seconds{action}} — timer of the time a request waited for a worker thread of
 *       its lane, per API action (docs/server-transport.md, "Request lanes");</li>
 *   <li>{@code tunnelstore_request_errors_total{code}} — failed requests per error code;</li>
 *   <li>{@code tunnelstore_row_writes_total{action}} — successful row writes (PutRow, UpdateRow, DeleteRow,
 *       BatchWriteRow requests);</li>
 *   <li>{@code tunnelstore_tunnel_checkpoints_total{code}} — tunnel checkpoint calls by outcome.</li>
 * </ul>
 * Cardinality: actions and error codes are closed enums, so the series count is bounded.
 *
 * <p>Thread-safe; {@link #completed} and {@link #dequeued} are called on server threads and only touches meters.
 */
final class RequestMetrics implements RequestDispatcher.RequestObserver {

    private static final Set<Action> ROW_WRITES =
            Set.of(Action.PUT_ROW, Action.UPDATE_ROW, Action.DELETE_ROW, Action.BATCH_WRITE_ROW);

    private final MeterRegistry registry;
    private final boolean histograms;
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();
    private final Map<Action, Timer> queueTimers = new ConcurrentHashMap<>();

    RequestMetrics(MeterRegistry registry, boolean histograms) {
        this.registry = registry;
        this.histograms = histograms;
    }

    @Override
    public void dequeued(Action action, long queueWaitNanos) {
        queueTimers.computeIfAbsent(action, a -> Timer.builder("tunnelstore.request.queue")
                        .description("Time API requests waited for a worker thread of their lane, by action")
                        .tags("action", a.path())
                        .publishPercentileHistogram(histograms)
                        .register(registry))
                .record(queueWaitNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void completed(Action action, String outcome, long latencyNanos) {
        timers.computeIfAbsent(action.path() + ' ' + outcome, k -> Timer.builder("tunnelstore.requests")
                        .description("API requests by action and outcome (OK or the error code)")
                        .tags("action", action.path(), "code", outcome)
                        .publishPercentileHistogram(histograms)
                        .register(registry))
                .record(latencyNanos, TimeUnit.NANOSECONDS);
        boolean ok = RequestDispatcher.OUTCOME_OK.equals(outcome);
        if (!ok) {
            Counter.builder("tunnelstore.request.errors").description("Failed API requests by error code")
                    .tag("code", outcome).register(registry).increment();
        }
        if (ok && ROW_WRITES.contains(action)) {
            Counter.builder("tunnelstore.row.writes").description("Successful row write requests")
                    .tag("action", action.path()).register(registry).increment();
        }
        if (action == Action.TUNNEL_CHECKPOINT) {
            Counter.builder("tunnelstore.tunnel.checkpoints").description("Tunnel checkpoint calls by outcome")
                    .tag("code", outcome).register(registry).increment();
        }
    }
}
