package io.tunnelstore.client.internal;

import io.tunnelstore.client.BatchWriteResult;
import io.tunnelstore.client.RowChange;
import io.tunnelstore.client.TablestoreException;
import io.tunnelstore.protocol.Action;
import io.tunnelstore.protocol.pb.TableProtos;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code batchWriteRow} call with partial-failure retries: rows that failed with a code retryable for a
 * non-idempotent write (busy, conflict, table not ready, … — the official SDKs' rule) are re-sent alone, with
 * back-off, within the retry policy's budget. Rows that failed for other reasons keep their error. The whole
 * request failing is retried by the transport as usual.
 */
public final class BatchWriteCall {

    private static final Logger log = LoggerFactory.getLogger(BatchWriteCall.class);

    private final OtsHttpTransport transport;
    private final boolean verify;
    private final List<RowChange> changes;
    private final BatchWriteResult.RowResult[] results;
    private final CompletableFuture<BatchWriteResult> result = new CompletableFuture<>();
    private final long startNanos;
    private int rounds;

    private BatchWriteCall(OtsHttpTransport transport, boolean verify, List<RowChange> changes) {
        this.transport = transport;
        this.verify = verify;
        this.changes = changes;
        this.results = new BatchWriteResult.RowResult[changes.size()];
        this.startNanos = transport.nanoTime();
    }

    /** Sends {@code changes} (already validated: 1-200 rows) and completes with one result per change. */
    public static CompletableFuture<BatchWriteResult> start(OtsHttpTransport transport, boolean verify,
                                                            List<RowChange> changes) {
        BatchWriteCall call = new BatchWriteCall(transport, verify, changes);
        List<Integer> all = new ArrayList<>(changes.size());
        for (int i = 0; i < changes.size(); i++) {
            all.add(i);
        }
        call.send(all);
        return call.result;
    }

    /** Sends the changes at {@code indexes} (positions in the caller's list). */
    private void send(List<Integer> indexes) {
        List<RowChange> subset = new ArrayList<>(indexes.size());
        for (int i : indexes) {
            subset.add(changes.get(i));
        }
        TableMessages.BatchPlan plan = TableMessages.batchWrite(subset);
        CompletableFuture<BatchWriteResult> round = ResponseMapping.map(
                transport.call(Action.BATCH_WRITE_ROW, plan.request(), TableProtos.BatchWriteRowResponse.parser(),
                        verify),
                Action.BATCH_WRITE_ROW, r -> TableMessages.batchWriteResult(plan, subset, r));
        round.whenComplete((roundResult, error) -> {
            if (error != null) {
                result.completeExceptionally(Futures.rethrowable(error, Action.BATCH_WRITE_ROW.path()));
                return;
            }
            onRound(indexes, roundResult);
        });
    }

    private void onRound(List<Integer> indexes, BatchWriteResult roundResult) {
        List<Integer> retry = new ArrayList<>();
        TablestoreException sample = null;
        for (BatchWriteResult.RowResult r : roundResult.results()) {
            int original = indexes.get(r.index());
            results[original] = new BatchWriteResult.RowResult(original, r.change(), r.succeeded(), r.errorCode(),
                    r.errorMessage(), r.consumed());
            if (!r.succeeded() && RetryDecider.isRetryableServerError(r.errorCode(), r.errorMessage(), 0,
                    Action.BATCH_WRITE_ROW.idempotent())) {
                retry.add(original);
                if (sample == null) {
                    sample = new TablestoreException(r.errorCode(), r.errorMessage(), null, 0, true, null);
                }
            }
        }
        if (retry.isEmpty()) {
            result.complete(new BatchWriteResult(List.of(results)));
            return;
        }
        long elapsed = transport.nanoTime() - startNanos;
        long remaining = transport.config().callTimeout().toNanos() - elapsed;
        RetryDecider.Decision d = transport.retryDecider().decide(sample, rounds, elapsed, remaining);
        if (!d.retry()) {
            log.debug("BatchWriteRow: {} row(s) still failing with retryable codes, not retrying ({})",
                    retry.size(), d.reason());
            result.complete(new BatchWriteResult(List.of(results)));
            return;
        }
        rounds++;
        log.debug("BatchWriteRow: re-sending {} row(s) that failed with {} in {} ms", retry.size(),
                sample.errorCode(), d.delayMs());
        transport.delay(d.delayMs()).whenComplete((v, e) -> {
            if (e != null) {
                result.completeExceptionally(e);
            } else {
                send(retry);
            }
        });
    }
}
