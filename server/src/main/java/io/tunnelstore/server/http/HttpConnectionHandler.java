package io.tunnelstore.server.http;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.ReferenceCountUtil;
import io.tunnelstore.protocol.auth.OtsHeaders;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One per connection: hands aggregated requests to the {@link RequestDispatcher} and writes the answers.
 *
 * <p>Requests of one connection are answered strictly in arrival order (HTTP/1.1 pipelining rule): while one is being
 * handled, later ones wait in a small queue and socket reads are paused once it holds a few. All fields are touched
 * only on the channel's event loop; dispatcher completions are hopped back onto it.
 */
final class HttpConnectionHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(HttpConnectionHandler.class);
    private static final int MAX_QUEUED = 8;

    private final RequestDispatcher dispatcher;
    private final ArrayDeque<FullHttpRequest> queued = new ArrayDeque<>();
    private boolean busy;
    private boolean closed;

    HttpConnectionHandler(RequestDispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (closed) {
            request.release();
            return;
        }
        queued.add(request);
        if (queued.size() >= MAX_QUEUED) {
            ctx.channel().config().setAutoRead(false);
        }
        if (!busy) {
            processNext(ctx);
        }
    }

    private void processNext(ChannelHandlerContext ctx) {
        FullHttpRequest request = queued.poll();
        if (request == null) {
            ctx.channel().config().setAutoRead(true);
            return;
        }
        busy = true;
        boolean keepAlive;
        InboundRequest inbound = null;
        OutboundResponse immediate = null;
        try {
            keepAlive = HttpUtil.isKeepAlive(request);
            if (request.decoderResult().isFailure()) {
                immediate = dispatcher.malformedHttp(String.valueOf(request.decoderResult().cause().getMessage()));
                keepAlive = false; // the byte stream position is unknown after a decoding failure
            } else {
                inbound = toInbound(request, ctx.channel().remoteAddress());
            }
        } finally {
            request.release();
        }
        boolean keep = keepAlive;
        if (immediate != null) {
            write(ctx, immediate, keep);
            return;
        }
        long startNanos = System.nanoTime();
        String method = inbound.method();
        String uri = inbound.uri();
        dispatcher.dispatch(inbound).whenComplete((response, error) -> ctx.executor().execute(() -> {
            // The dispatcher never fails its stage; guard anyway so a connection can never hang.
            OutboundResponse out = response != null ? response : dispatcher.malformedHttp("internal dispatch error");
            if (error != null) {
                log.error("Dispatcher failed unexpectedly", error);
            }
            if (log.isDebugEnabled()) {
                log.debug("{} {} -> {} in {} ms (request id {})", method, uri, out.status(),
                        (System.nanoTime() - startNanos) / 1_000_000, out.headers().get(OtsHeaders.REQUEST_ID));
            }
            write(ctx, out, keep);
        }));
    }

    private void write(ChannelHandlerContext ctx, OutboundResponse response, boolean keepAlive) {
        if (closed) {
            return;
        }
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

    private static InboundRequest toInbound(FullHttpRequest request, java.net.SocketAddress remote) {
        Map<String, String> headers = new HashMap<>();
        for (Map.Entry<String, String> h : request.headers()) {
            headers.put(h.getKey().toLowerCase(Locale.ROOT), h.getValue()); // last value wins (as Java signs it)
        }
        byte[] body = ByteBufUtil.getBytes(request.content());
        String address = remote instanceof java.net.InetSocketAddress inet && inet.getAddress() != null
                ? inet.getAddress().getHostAddress() : "";
        return new InboundRequest(request.method().name(), request.uri(), headers, body, address);
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
        FullHttpRequest r;
        while ((r = queued.poll()) != null) {
            r.release();
        }
    }
}
