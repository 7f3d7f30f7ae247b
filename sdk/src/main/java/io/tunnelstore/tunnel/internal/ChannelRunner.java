package io.tunnelstore.tunnel.internal;

import io.tunnelstore.client.internal.ExponentialBackoff;
import io.tunnelstore.protocol.tunnel.TunnelTokens;
import io.tunnelstore.tunnel.CallbackFailurePolicy;
import io.tunnelstore.tunnel.ChannelContext;
import io.tunnelstore.tunnel.ChannelProcessor;
import io.tunnelstore.tunnel.Checkpointer;
import io.tunnelstore.tunnel.StreamRecord;
import io.tunnelstore.tunnel.TunnelWorkerException;
import io.tunnelstore.tunnel.WorkerListener.CloseReason;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * Implementation notes.
 *
 * Concurrency: every field is touched only on the worker loop. Reads run on the read executor and callbacks on
 * the process executor; their completions are posted back to the loop. At most one read and one callback are in
 * flight per channel, so callbacks of one channel never overlap and batches are processed in read order.
 *
 * Read-ahead: the queue holds read batches in order, its head possibly being processed; a new read is issued
 * while queue.size() < readAheadBatches. Each non-empty batch (and each read in flight) holds one permit of the
 * worker's ParallelismLimiter; empty polls give theirs back at once.
 *
 * Positions: every batch gets an ordinal; "processed" is the position after the last processed batch, and
 * "requested" the newest position ever sent to the checkpointer (automatic or manual). Commits only move forward.
 * Graceful ends (CLOSING, shutdown, callback failure) commit the processed position before reporting, so a
 * rebalance delivers nothing twice; abrupt ends (revoked, session expired) do not checkpoint at all.
 */
/**
 * Consumes one channel assigned to the worker: start checkpoint, processor lifecycle, reads with read-ahead,
 * callbacks, checkpoints, idle back-off, graceful and abrupt ends. State machine: {@link ChannelRunnerState}.
 * Not thread-safe: confined to the worker loop.
 */
final class ChannelRunner {
    private static final Logger log = LoggerFactory.getLogger(ChannelRunner.class);

    /** Local retries of a failed read before the channel is handed back (delays 100 ms, 400 ms, 1.6 s). */
    static final int READ_RETRIES = 3;
    private static final ExponentialBackoff READ_RETRY_BACKOFF = new ExponentialBackoff(100, 4, 1_600, 0);

    /** {@code bytes}: what the batch holds of the worker's byte budget (with its permit, if it holds one). */
    private record Batch(long ordinal, PendingRecords records, String nextToken, String traceId,
            boolean holdsPermit, int attempts, io.tunnelstore.tunnel.ResyncMarker resyncBegin,
            io.tunnelstore.tunnel.ResyncMarker resyncEnd, long bytes, io.tunnelstore.tunnel.ReadTiming timing) {

        /** Nothing for the processor: no records and no re-baseline marker. */
        boolean nothingToDeliver() {
            return records.isEmpty() && resyncBegin == null && resyncEnd == null;
        }

        boolean finished() {
            return nextToken == null;
        }

        String position() {
            return nextToken == null ? TunnelTokens.FINISHED : nextToken;
        }

        Batch retried() {
            return new Batch(ordinal, records, nextToken, traceId, holdsPermit, attempts + 1, resyncBegin,
                    resyncEnd, bytes, timing);
        }
    }

    private final String channelId;
    private final RunnerHost host;
    /** Session the runner belongs to (the worker's id changes after a reconnect; this one must not). */
    private final String clientId;
    private final IdleBackoff backoff;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private final Runnable permitGranted = this::onPermitGranted;

    private ChannelRunnerState state = ChannelRunnerState.STARTING;
    /** FAILED when a failure (not the server) started the hand-back; reported to the listener. */
    private CloseReason closeReason = CloseReason.RELEASED;

    private ChannelCheckpointer checkpointer;
    private ChannelProcessor processor;
    private ChannelContext context;
    private boolean started;
    private boolean endCallbackDispatched;

    private String readToken;
    private ReadPhase readPhase = ReadPhase.IDLE;
    /** Bytes the read in flight (or the permit just granted for it) reserved of the worker's budget. */
    private long readReserved;
    /** Loop time at which the read in flight was issued (idle back-off counts the time a long poll was held). */
    private long readIssuedMillis;
    private int readFailures;
    /** Set exactly while {@link ReadPhase#BACKING_OFF}. */
    private WorkerScheduler.Cancellable readTimer;
    private WorkerScheduler.Cancellable retryTimer;
    private final Deque<Batch> queue = new ArrayDeque<>();
    private boolean processInFlight;
    private long nextOrdinal = 1;

    private long processedOrdinal;
    private String processedPosition;
    private long deliveredOrdinal;
    private String deliveredPosition;
    private long requestedOrdinal;
    private String requestedPosition;

    /**
     * Where the read side is (one value instead of the three booleans it used to be: "waiting for a permit", "read in
     * flight" and "end of data" could not all be set together, and now cannot be represented so).
     */
    enum ReadPhase {
        /** Ready to read when the runner is RUNNING and the read-ahead queue has room. */
        IDLE,
        /** Asked the parallelism limiter for a permit; it calls back when one is free. */
        AWAITING_PERMIT,
        /** A ReadRecords call is in flight. */
        IN_FLIGHT,
        /** Waiting (retry back-off or idle poll back-off) before the next read; {@code readTimer} is set. */
        BACKING_OFF,
        /** The server said the channel has no more data: no further reads. */
        END_OF_DATA
    }

    ChannelRunner(String channelId, RunnerHost host) {
        this.channelId = channelId;
        this.host = host;
        this.clientId = host.clientId();
        this.backoff = new IdleBackoff(host.config().maxIdleBackoff().toMillis());
    }

    String channelId() {
        return channelId;
    }

    ChannelRunnerState state() {
        return state;
    }

    /** The read side's phase (tests). */
    ReadPhase readPhase() {
        return readPhase;
    }

    /** Completes once the runner is terminal and its ending callback (if any) has returned. */
    CompletableFuture<Void> closed() {
        return closed;
    }

    // ---------------------------------------------------------------- lifecycle entry points (worker loop)

    /** Fetches the start checkpoint; then creates the processor and calls onStart. */
    void start() {
        host.rpc().getCheckpoint(host.tunnelId(), clientId, channelId)
                .whenComplete((cp, err) -> host.loop().execute(() -> onStartCheckpoint(cp, err)));
    }

    /** The server asked for the channel back (CLOSING): finish the in-flight batch, checkpoint, release. */
    void requestRelease() {
        beginDrain(/* shutdown= */ false);
    }

    /** The worker is closing gracefully: finish the in-flight batch, checkpoint, call onShutdown. */
    void shutdown() {
        beginDrain(/* shutdown= */ true);
    }

    /** Ends the channel now without checkpointing (revoked, session expired, forced close). */
    void abandon(ChannelRunnerState terminal, CloseReason reason) {
        if (!state.isTerminal()) {
            terminate(terminal, reason);
        }
    }

    /**
     * Hung CLOSING: the in-flight callback does not return. Commit what was processed (best effort, not awaited)
     * and report CLOSE now; the stuck callback's outcome is ignored.
     */
    void forceRelease() {
        if (!state.isTerminal()) {
            log.warn("Channel {} stayed CLOSING too long (callback in flight: {}); releasing it", channelId,
                    processInFlight);
            commitLatest();
            terminate(ChannelRunnerState.RELEASED, CloseReason.LOST);
        }
    }

    /** Periodic checkpoint: commit the processed position if it moved, or retry one that failed. */
    void flushCheckpoint() {
        if (state != ChannelRunnerState.RUNNING) {
            return;
        }
        boolean unconfirmed = !checkpointer.busy() && !requestedPosition.equals(checkpointer.committed());
        if (processedOrdinal > requestedOrdinal || unconfirmed) {
            commitLatest();
        }
    }

    // ---------------------------------------------------------------- state machine

    private void transitionTo(ChannelRunnerState target) {
        ChannelRunnerState from = state;
        try {
            state = from.requireTransitionTo(target);
        } catch (IllegalStateException e) {
            throw new IllegalStateException(e.getMessage() + " for channel " + channelId, e);
        }
        log.debug("Channel {} {} -> {}", channelId, from, target);
    }

    private void terminate(ChannelRunnerState terminal, CloseReason reason) {
        transitionTo(terminal);
        closeReason = reason;
        cancelTimers();
        host.limiter().cancel(permitGranted);
        for (Batch b : queue) {
            if (b.holdsPermit()) {
                host.limiter().release(b.bytes());
            }
        }
        queue.clear();
        log.info("Channel {} closed: {} ({})", channelId, terminal, reason);
        host.listener().channelClosed(channelId, reason);
        host.runnerEnded(this);
        runEndCallbackIfDue();
    }

    private void cancelTimers() {
        if (readTimer != null) {
            readTimer.cancel();
            readTimer = null;
            readPhase = ReadPhase.IDLE;
        }
        if (retryTimer != null) {
            retryTimer.cancel();
            retryTimer = null;
        }
    }

    // ---------------------------------------------------------------- start

    private void onStartCheckpoint(CheckpointState cp, Throwable err) {
        if (state != ChannelRunnerState.STARTING) {
            return;  // released or lost while GetCheckpoint was in flight
        }
        if (err != null) {
            log.warn("GetCheckpoint of channel {} failed; handing the channel back", channelId,
                    TunnelRpcException.from(err));
            terminate(ChannelRunnerState.RELEASED, CloseReason.FAILED);
            return;
        }
        if (cp.finished()) {
            terminate(ChannelRunnerState.FINISHED, CloseReason.FINISHED);
            return;
        }
        checkpointer = new ChannelCheckpointer(host.rpc(), host.loop(), host.listener(), host.tunnelId(),
                clientId, channelId, cp);
        readToken = cp.token();
        processedPosition = cp.token();
        requestedPosition = cp.token();
        deliveredPosition = cp.token();
        context = new ChannelContext(host.tunnelId(), clientId, channelId, null, null,
                host.config().processorFactory().customValue(), StreamTokens.isStream(cp.token()),
                manualCheckpointer());
        ChannelContext ctx = context;
        processInFlight = true;
        dispatch(() -> {
            ChannelProcessor p = null;
            Throwable failure = null;
            try {
                p = host.config().processorFactory().create(ctx);
                if (p == null) {
                    throw new IllegalStateException("processor factory returned null");
                }
                p.onStart(ctx);
            } catch (Throwable t) {
                failure = t;
            }
            ChannelProcessor created = p;
            Throwable f = failure;
            host.loop().execute(() -> onStarted(created, f));
        }, t -> onStarted(null, t));
    }

    private void onStarted(ChannelProcessor p, Throwable err) {
        processInFlight = false;
        if (err != null) {
            log.error("Creating or starting the processor of channel {} failed; handing the channel back",
                    channelId, err);
            if (state == ChannelRunnerState.STARTING) {
                terminate(ChannelRunnerState.RELEASED, CloseReason.FAILED);
            } else if (state.isDraining()) {
                terminate(state == ChannelRunnerState.DRAINING_TO_SHUTDOWN ? ChannelRunnerState.SHUT_DOWN
                        : ChannelRunnerState.RELEASED, CloseReason.FAILED);
            } else {
                closed.complete(null);
            }
            return;
        }
        processor = p;
        started = true;
        if (state.isTerminal()) {
            runEndCallbackIfDue();
            return;
        }
        if (state.isDraining()) {
            maybeCompleteDrain();
            return;
        }
        transitionTo(ChannelRunnerState.RUNNING);
        log.info("Channel {} opened ({}), starting at {}", channelId, context.isStream() ? "stream" : "base",
                readToken);
        host.listener().channelOpened(channelId);
        pump();
    }

    // ---------------------------------------------------------------- reading

    private void pump() {
        maybeProcess();
        maybeRead();
    }

    private boolean wantsRead() {
        return state == ChannelRunnerState.RUNNING && readPhase == ReadPhase.IDLE
                && queue.size() < host.config().readAheadBatches();
    }

    private void maybeRead() {
        if (!wantsRead()) {
            return;
        }
        if (!host.limiter().tryAcquire(permitGranted)) {
            readPhase = ReadPhase.AWAITING_PERMIT;
            return;
        }
        readReserved = host.limiter().lastGrantBytes();
        issueRead();
    }

    /** The limiter handed us a permit; use it on the loop (never re-entrantly) or give it back. */
    private void onPermitGranted() {
        long reserved = host.limiter().lastGrantBytes();  // read now: the limiter runs us inside the grant
        host.loop().execute(() -> {
            if (readPhase == ReadPhase.AWAITING_PERMIT) {
                readPhase = ReadPhase.IDLE;
            }
            if (wantsRead()) {
                readReserved = reserved;
                issueRead();
            } else {
                host.limiter().release(reserved);
            }
        });
    }

    private void issueRead() {
        readPhase = ReadPhase.IN_FLIGHT;
        readIssuedMillis = host.loop().nowMillis();
        String token = readToken;
        String traceId = UUID.randomUUID().toString();
        try {
            host.readExecutor().execute(() -> {
                CompletableFuture<ReadResult> f;
                try {
                    f = host.rpc().readRecords(host.tunnelId(), clientId, channelId, token);
                } catch (RuntimeException e) {
                    f = CompletableFuture.failedFuture(e);
                }
                f.whenComplete((r, err) -> host.loop().execute(() -> onRead(r, err, traceId)));
            });
        } catch (RuntimeException rejected) {
            host.loop().execute(() -> onRead(null, rejected, traceId));
        }
    }

    /** No read for {@code delayMs}, then read again if still wanted. */
    private void backOff(long delayMs) {
        readPhase = ReadPhase.BACKING_OFF;
        readTimer = host.loop().schedule(() -> {
            readTimer = null;
            readPhase = ReadPhase.IDLE;
            pump();
        }, delayMs);
    }

    private void onRead(ReadResult result, Throwable err, String traceId) {
        readPhase = ReadPhase.IDLE;
        long reserved = readReserved;
        readReserved = 0;
        if (state != ChannelRunnerState.RUNNING) {
            host.limiter().release(reserved);  // the read's permit; its result is dropped (not processed/committed)
            maybeCompleteDrain();
            return;
        }
        if (err != null) {
            host.limiter().release(reserved);
            TunnelRpcException e = TunnelRpcException.from(err);
            if (!e.isFatal() && readFailures < READ_RETRIES) {
                // Transient (server busy, network): retry here; handing the channel back costs heartbeats.
                long delay = READ_RETRY_BACKOFF.backoffMs(readFailures++);
                log.warn("ReadRecords of channel {} failed ({}); retry {} of {} in {} ms", channelId,
                        e.wireCode(), readFailures, READ_RETRIES, delay, e);
                backOff(delay);
                return;
            }
            log.warn("ReadRecords of channel {} failed ({}); releasing the channel", channelId, e.wireCode(), e);
            closeReason = CloseReason.FAILED;
            beginDrain(/* shutdown= */ false);
            return;
        }
        readFailures = 0;
        readToken = result.nextToken();
        if (result.finished()) {
            readPhase = ReadPhase.END_OF_DATA;
        }
        boolean empty = result.pending().isEmpty();
        long bytes = result.wireBytes();
        host.limiter().settle(reserved, bytes);
        if (empty) {
            host.limiter().release(bytes);
        }
        queue.addLast(new Batch(nextOrdinal++, result.pending(), result.nextToken(), traceId, !empty, 0,
                result.resyncBegin(), result.resyncEnd(), empty ? 0 : bytes, result.timing()));
        if (empty && !result.finished() && !result.mayMore()) {
            // Idle: poll again after the back-off (advanced exactly once per idle poll), less the time the server
            // already held this read. A long-polling server (ours holds an idle read up to 1 s) is then re-polled
            // at once, so a change never waits out a back-off gap between two long polls; a server answering
            // idle reads at once (the public service) still gets the full back-off.
            long delay = backoff.nextDelayMillis() - (host.loop().nowMillis() - readIssuedMillis);
            if (delay > 0) {
                backOff(delay);
            }
        } else {
            backoff.reset();
        }
        pump();
    }

    // ---------------------------------------------------------------- processing

    private void maybeProcess() {
        while (state == ChannelRunnerState.RUNNING && !processInFlight && retryTimer == null && !queue.isEmpty()) {
            Batch b = queue.peekFirst();
            if (b.nothingToDeliver()) {
                queue.pollFirst();
                markProcessed(b);
                if (b.finished()) {
                    beginFinishing();
                    return;
                }
                continue;
            }
            dispatchBatch(b);
        }
    }

    private void dispatchBatch(Batch b) {
        processInFlight = true;
        deliveredOrdinal = b.ordinal();
        deliveredPosition = b.position();
        ChannelContext ctx = context.forBatch(b.traceId(), b.nextToken(), b.timing());
        ChannelProcessor p = processor;
        WorkerScheduler loop = host.loop();
        dispatch(() -> {
            long t0 = System.nanoTime();
            Throwable failure = null;
            Thread thread = Thread.currentThread();
            String name = thread.getName();
            List<StreamRecord> records;
            try {
                // decoded here, not when the read arrived: see PendingRecords
                records = b.records().decode();
            } catch (RuntimeException e) {
                loop.execute(() -> onUndecodable(b, e));
                return;
            }
            thread.setName(name + " [" + channelId + "]");
            try {
                if (b.resyncBegin() != null) {
                    p.onResyncBegin(ctx, b.resyncBegin());
                }
                if (!records.isEmpty()) {
                    p.process(ctx, records);
                }
                if (b.resyncEnd() != null) {
                    p.onResyncEnd(ctx, b.resyncEnd());
                }
            } catch (Throwable t) {
                failure = t;
            } finally {
                thread.setName(name);
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - t0);
            Throwable f = failure;
            loop.execute(() -> onProcessed(b, f, elapsed));
        }, t -> onProcessed(b, t, Duration.ZERO));
    }

    private void onProcessed(Batch b, Throwable err, Duration elapsed) {
        processInFlight = false;
        if (state.isTerminal()) {
            runEndCallbackIfDue();
            return;
        }
        CallbackFailurePolicy policy = host.config().callbackFailurePolicy();
        if (err != null) {
            log.error("Processing a batch of {} records of channel {} failed (attempt {}, policy {})",
                    b.records().size(), channelId, b.attempts() + 1, policy.kind(), err);
            host.listener().batchFailed(channelId, err);
        }
        if (err == null || policy.kind() == CallbackFailurePolicy.Kind.SKIP) {
            queue.pollFirst();
            if (b.holdsPermit()) {
                host.limiter().release(b.bytes());
            }
            markProcessed(b);
            if (err == null) {
                host.listener().batchProcessed(channelId, b.records().size(), elapsed);
            }
            if (b.finished()) {
                beginFinishing();
            } else if (state.isDraining()) {
                maybeCompleteDrain();
            } else {
                pump();
            }
            return;
        }
        if (policy.kind() == CallbackFailurePolicy.Kind.RETRY && b.attempts() < policy.maxRetries()
                && state == ChannelRunnerState.RUNNING) {
            queue.pollFirst();
            queue.addFirst(b.retried());
            retryTimer = host.loop().schedule(() -> {
                retryTimer = null;
                pump();
            }, policy.backoff().toMillis());
            return;
        }
        closeReason = CloseReason.FAILED;
        beginDrain(/* shutdown= */ false);
    }

    /**
     * The batch handed to the processor held a malformed record: nothing of it was delivered. As for a read that
     * keeps failing, the channel is handed back (its processed position committed first), so the next owner reads
     * again from there; re-reading here would only get the same bytes.
     */
    private void onUndecodable(Batch b, RuntimeException e) {
        processInFlight = false;
        if (state.isTerminal()) {
            runEndCallbackIfDue();
            return;
        }
        log.warn("ReadRecords of channel {} returned an undecodable record; releasing the channel", channelId, e);
        if (queue.peekFirst() == b) {
            queue.pollFirst();
            if (b.holdsPermit()) {
                host.limiter().release(b.bytes());
            }
        }
        closeReason = CloseReason.FAILED;
        if (state.isDraining()) {
            maybeCompleteDrain();
        } else {
            beginDrain(/* shutdown= */ false);
        }
    }

    private void markProcessed(Batch b) {
        processedOrdinal = b.ordinal();
        processedPosition = b.position();
    }

    // ---------------------------------------------------------------- ends

    private void beginFinishing() {
        transitionTo(ChannelRunnerState.FINISHING);
        cancelTimers();
        requestedOrdinal = processedOrdinal;
        requestedPosition = TunnelTokens.FINISHED;
        checkpointer.commit(TunnelTokens.FINISHED).whenComplete((v, err) -> {
            if (state != ChannelRunnerState.FINISHING) {
                return;
            }
            if (err == null) {
                terminate(ChannelRunnerState.FINISHED, CloseReason.FINISHED);
            } else {
                // Not TERMINATED: the server would never hand the channel out again although its end is not
                // recorded. CLOSE lets the next owner re-read from the last checkpoint (replay, no loss).
                terminate(ChannelRunnerState.RELEASED, CloseReason.FAILED);
            }
        });
    }

    private void beginDrain(boolean shutdown) {
        switch (state) {
            case STARTING -> {
                if (processInFlight) {  // onStart is running: let it return first
                    transitionTo(ChannelRunnerState.drainingTo(shutdown));
                } else {
                    terminate(shutdown ? ChannelRunnerState.SHUT_DOWN : ChannelRunnerState.RELEASED,
                            shutdown ? CloseReason.SHUTDOWN : CloseReason.RELEASED);
                }
            }
            case RUNNING -> {
                transitionTo(ChannelRunnerState.drainingTo(shutdown));
                cancelTimers();
                host.limiter().cancel(permitGranted);
                // Drop read-ahead batches that were not handed to the callback; keep the in-flight one.
                while (queue.size() > (processInFlight ? 1 : 0)) {
                    Batch dropped = queue.pollLast();
                    if (dropped.holdsPermit()) {
                        host.limiter().release(dropped.bytes());
                    }
                }
                maybeCompleteDrain();
            }
            case DRAINING_TO_RELEASE, DRAINING_TO_SHUTDOWN -> {
                // Already draining (shutdown or CLOSING), and now the in-flight callback failed or a read gave up:
                // the drain was waiting for exactly that callback, so it must move on from here. Returning
                // without this left the runner draining for ever and the worker's graceful stop hanging.
                maybeCompleteDrain();
            }
            default -> {
                // RELEASING / SHUTTING_DOWN / FINISHING are already on their way out; terminal states are done.
            }
        }
    }

    /** Draining and the in-flight callback returned: commit the processed position, then end. */
    private void maybeCompleteDrain() {
        if (!state.isDraining() || processInFlight) {
            return;
        }
        boolean shutdown = state == ChannelRunnerState.DRAINING_TO_SHUTDOWN;
        ChannelRunnerState end = shutdown ? ChannelRunnerState.SHUT_DOWN : ChannelRunnerState.RELEASED;
        CloseReason reason = shutdown ? CloseReason.SHUTDOWN
                : closeReason == CloseReason.FAILED ? CloseReason.FAILED : CloseReason.RELEASED;
        if (checkpointer == null || !started) {
            terminate(end, reason);
            return;
        }
        ChannelRunnerState committing = shutdown ? ChannelRunnerState.SHUTTING_DOWN : ChannelRunnerState.RELEASING;
        transitionTo(committing);
        commitLatest().whenComplete((v, err) -> {
            if (state == committing) {
                terminate(end, reason);
            }
        });
    }

    private CompletableFuture<Void> commitLatest() {
        if (checkpointer == null) {
            return CompletableFuture.completedFuture(null);
        }
        if (processedOrdinal > requestedOrdinal) {
            requestedOrdinal = processedOrdinal;
            requestedPosition = processedPosition;
        }
        return checkpointer.commit(requestedPosition);
    }

    private void runEndCallbackIfDue() {
        if (!state.isTerminal() || processInFlight) {
            return;
        }
        if (!started || endCallbackDispatched || processor == null) {
            closed.complete(null);
            return;
        }
        endCallbackDispatched = true;
        ChannelProcessor p = processor;
        ChannelContext ctx = context;
        ChannelRunnerState end = state;
        dispatch(() -> {
            try {
                switch (end) {
                    case FINISHED -> p.onChannelEnd(ctx);
                    case SHUT_DOWN -> p.onShutdown(ctx);
                    default -> p.onLost(ctx);
                }
            } catch (Throwable t) {
                log.error("Ending callback of channel {} ({}) threw", channelId, end, t);
            } finally {
                closed.complete(null);
            }
        }, t -> closed.complete(null));
    }

    // ---------------------------------------------------------------- helpers

    private Checkpointer manualCheckpointer() {
        return () -> {
            CompletableFuture<Void> result = new CompletableFuture<>();
            host.loop().execute(() -> {
                if (state != ChannelRunnerState.RUNNING && !state.isDraining()
                        && state != ChannelRunnerState.RELEASING && state != ChannelRunnerState.SHUTTING_DOWN) {
                    result.completeExceptionally(TunnelWorkerException.local(
                            "channel " + channelId + " is " + state + "; checkpoint refused", null));
                    return;
                }
                if (deliveredOrdinal > requestedOrdinal && !TunnelTokens.FINISHED.equals(deliveredPosition)) {
                    requestedOrdinal = deliveredOrdinal;
                    requestedPosition = deliveredPosition;
                }
                checkpointer.commit(requestedPosition).whenComplete((v, err) -> {
                    if (err == null) {
                        result.complete(null);
                    } else {
                        result.completeExceptionally(err);
                    }
                });
            });
            return result;
        };
    }

    /** Runs user-facing work on the process executor; a rejection is reported on the loop. */
    private void dispatch(Runnable work, java.util.function.Consumer<Throwable> onRejected) {
        Executor ex = host.processExecutor();
        try {
            ex.execute(work);
        } catch (RuntimeException rejected) {
            host.loop().execute(() -> onRejected.accept(rejected));
        }
    }

}
