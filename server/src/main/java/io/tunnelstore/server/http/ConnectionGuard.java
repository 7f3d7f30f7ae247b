package io.tunnelstore.server.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First handler of every connection (after TLS): enforces the connection cap and the header, body and idle timeouts
 * of {@link ConnectionLimits}, so that silent or trickling connections (slowloris) cannot pile up.
 *
 * <p>The connection is in one read phase at a time, each with its own deadline measured from the phase start:
 * <ul>
 *   <li>{@code BETWEEN} requests: when no request is being handled, the idle timeout (also for a fresh connection
 *       that has not sent a byte); while requests are being handled, no deadline (the handler time-out governs);</li>
 *   <li>{@code HEADERS}: from the first byte of a request to the end of its headers, the header timeout;</li>
 *   <li>{@code BODY}: from the end of the headers to the last body byte, the body timeout.</li>
 * </ul>
 * While the {@link HttpConnectionHandler} has paused reading (too many pipelined requests waiting), no read deadline
 * runs: the server, not the client, is the slow one; the phase restarts when reading resumes.
 *
 * <p>One check is scheduled per connection at a time (at the current deadline, at most the shortest timeout ahead),
 * so phase changes cost no scheduling; a connection is closed between its deadline and the shortest timeout after.
 * All state is touched only on the channel's event loop.
 */
final class ConnectionGuard extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(ConnectionGuard.class);

    enum Phase { BETWEEN, HEADERS, BODY }

    private final ConnectionBudget budget;
    private final LongSupplier nanoTime;
    private final long headerTimeoutNanos;
    private final long bodyTimeoutNanos;
    private final long idleTimeoutNanos;
    private final long recheckNanos;

    private ChannelHandlerContext ctx;
    private boolean counted;
    private Phase phase = Phase.BETWEEN;
    private long phaseStartNanos;
    private int requestsInFlight;
    private boolean readsPaused;
    private ScheduledFuture<?> check;

    ConnectionGuard(ConnectionBudget budget, LongSupplier nanoTime) {
        this.budget = budget;
        this.nanoTime = nanoTime;
        ConnectionLimits limits = budget.limits();
        this.headerTimeoutNanos = limits.headerTimeout().toNanos();
        this.bodyTimeoutNanos = limits.bodyTimeout().toNanos();
        this.idleTimeoutNanos = limits.idleTimeout().toNanos();
        this.recheckNanos = Math.min(headerTimeoutNanos, Math.min(bodyTimeoutNanos, idleTimeoutNanos));
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        this.ctx = ctx;
        if (!budget.tryOpenConnection()) {
            log.warn("Refusing a connection from {}: {} connections are open (the maximum)",
                    ctx.channel().remoteAddress(), budget.limits().maxConnections());
            ctx.close();
            return;
        }
        counted = true;
        phaseStartNanos = nanoTime.getAsLong();
        scheduleCheck(recheckNanos);
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (counted) {
            counted = false;
            budget.connectionClosed();
        }
        if (check != null) {
            check.cancel(false);
        }
        super.channelInactive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!counted) { // refused connection: drop whatever it sent
            io.netty.util.ReferenceCountUtil.release(msg);
            return;
        }
        if (phase == Phase.BETWEEN && msg instanceof ByteBuf buf && buf.isReadable()) {
            enter(Phase.HEADERS);
        }
        ctx.fireChannelRead(msg);
    }

    // ------------------------------------------------------------ told by the handlers behind (same event loop)

    /** The headers of a request are complete. */
    void headersReceived() {
        enter(Phase.BODY);
    }

    /** The last byte of a request arrived (or was dropped). */
    void requestComplete() {
        enter(Phase.BETWEEN);
    }

    /** A request (or an answer decided from its headers) was handed on; it is pending until answered. */
    void requestQueued() {
        requestsInFlight++;
    }

    /** A request's answer was handed to the socket. */
    void requestAnswered() {
        if (requestsInFlight > 0) {
            requestsInFlight--;
        }
        if (requestsInFlight == 0 && phase == Phase.BETWEEN) {
            phaseStartNanos = nanoTime.getAsLong(); // the idle time starts now
        }
    }

    /** Reading was paused ({@code true}) or resumed by the connection handler. */
    void readsPaused(boolean paused) {
        if (readsPaused && !paused) {
            phaseStartNanos = nanoTime.getAsLong();
        }
        readsPaused = paused;
    }

    private void enter(Phase next) {
        phase = next;
        phaseStartNanos = nanoTime.getAsLong();
    }

    // ------------------------------------------------------------ deadline check

    private void scheduleCheck(long delayNanos) {
        check = ctx.executor().schedule(this::checkDeadline, Math.max(delayNanos, 1), TimeUnit.NANOSECONDS);
    }

    /** Nanoseconds left in the current phase, or {@code Long.MAX_VALUE} when no deadline runs. */
    private long remainingNanos(long now) {
        if (readsPaused) {
            return Long.MAX_VALUE;
        }
        long timeout = switch (phase) {
            case HEADERS -> headerTimeoutNanos;
            case BODY -> bodyTimeoutNanos;
            case BETWEEN -> requestsInFlight > 0 ? Long.MAX_VALUE : idleTimeoutNanos;
        };
        return timeout == Long.MAX_VALUE ? Long.MAX_VALUE : phaseStartNanos + timeout - now;
    }

    private void checkDeadline() {
        if (!ctx.channel().isActive()) {
            return;
        }
        long remaining = remainingNanos(nanoTime.getAsLong());
        if (remaining <= 0) {
            log.debug("Closing the connection from {}: {} timed out", ctx.channel().remoteAddress(),
                    phase == Phase.BETWEEN ? "idle" : phase.name().toLowerCase() + " read");
            ctx.close();
            return;
        }
        // A phase change never reschedules, so look again at least every shortest timeout: a deadline is enforced
        // at most that much late.
        scheduleCheck(Math.min(remaining, recheckNanos));
    }

    /** The current phase (tests). */
    Phase phase() {
        return phase;
    }
}
