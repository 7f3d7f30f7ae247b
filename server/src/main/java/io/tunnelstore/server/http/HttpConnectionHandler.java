package io.tunnelstore.server.http;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.tunnelstore.protocol.auth.OtsHeaders;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One per connection: hands {@link ReceivedRequest}s from the {@link RequestAssembler} to the
 * {@link RequestDispatcher} and writes the answers.
 *
 * <p>Requests of one connection are answered strictly in arrival order (HTTP/1.1 pipelining rule): while one is being
 * handled, later ones wait in a small queue and socket reads are paused once it holds a few. A request's body
 * reservation in the {@link ConnectionBudget} is released once it is answered (or dropped with the connection). All
 * fields are touched only on the channel's event loop; dispatcher completions are hopped back onto it.
 */
final class HttpConnectionHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(HttpConnectionHandler.class);
    private static final int MAX_QUEUED = 8;

    private final RequestDispatcher dispatcher;
    private final ConnectionBudget budget;
    private final ConnectionGuard guard;
    private final ArrayDeque<ReceivedRequest> queued = new ArrayDeque<>();
    private boolean busy;
    private boolean closed;

    HttpConnectionHandler(RequestDispatcher dispatcher, ConnectionBudget budget, ConnectionGuard guard) {
        this.dispatcher = dispatcher;
        this.budget = budget;
        this.guard = guard;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ReceivedRequest request)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (closed) {
            release(request);
            return;
        }
        queued.add(request);
        if (queued.size() >= MAX_QUEUED) {
            ctx.channel().config().setAutoRead(false);
            guard.readsPaused(true);
        }
        if (!busy) {
            processNext(ctx);
        }
    }

    private void processNext(ChannelHandlerContext ctx) {
        ReceivedRequest next = queued.poll();
        if (next == null) {
            if (!ctx.channel().config().isAutoRead()) {
                ctx.channel().config().setAutoRead(true);
                guard.readsPaused(false);
            }
            return;
        }
        busy = true;
        if (next instanceof ReceivedRequest.Rejected rejected) {
            write(ctx, rejected.response(), rejected.keepAlive());
            return;
        }
        ReceivedRequest.Assembled assembled = (ReceivedRequest.Assembled) next;
        InboundRequest inbound = assembled.request();
        long startNanos = System.nanoTime();
        dispatcher.dispatch(inbound, assembled.admission()).whenComplete((response, error) ->
                ctx.executor().execute(() -> answer(ctx, assembled, response, error, startNanos)));
    }

    private void answer(ChannelHandlerContext ctx, ReceivedRequest.Assembled assembled, OutboundResponse response,
                        Throwable error, long startNanos) {
        budget.releaseBody(assembled.reservedBodyBytes());
        // The dispatcher never fails its stage; guard anyway so a connection can never hang.
        OutboundResponse out = response != null ? response : dispatcher.malformedHttp("internal dispatch error");
        if (error != null) {
            log.error("Dispatcher failed unexpectedly", error);
        }
        if (log.isDebugEnabled()) {
            InboundRequest inbound = assembled.request();
            log.debug("{} {} -> {} in {} ms (request id {})", inbound.method(), inbound.uri(), out.status(),
                    (System.nanoTime() - startNanos) / 1_000_000, out.headers().get(OtsHeaders.REQUEST_ID));
        }
        write(ctx, out, assembled.keepAlive());
    }

    private void write(ChannelHandlerContext ctx, OutboundResponse response, boolean keepAlive) {
        if (closed) {
            return;
        }
        guard.requestAnswered();
        ctx.writeAndFlush(NettyResponses.toNetty(response, keepAlive)).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                log.debug("Writing a response failed; closing the connection", f.cause());
                f.channel().close();
            } else if (!keepAlive) {
                f.channel().close();
            }
        });
        busy = false;
        if (keepAlive) {
            processNext(ctx);
        } else {
            closed = true;
            releaseQueued();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        closed = true;
        releaseQueued();
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("Connection error from {}; closing it", ctx.channel().remoteAddress(), cause);
        closed = true;
        releaseQueued();
        ctx.close();
    }

    private void releaseQueued() {
        ReceivedRequest r;
        while ((r = queued.poll()) != null) {
            release(r);
        }
    }

    private void release(ReceivedRequest request) {
        if (request instanceof ReceivedRequest.Assembled assembled) {
            budget.releaseBody(assembled.reservedBodyBytes());
        }
    }
}
