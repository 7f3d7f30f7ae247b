package io.tunnelstore.server.http;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import java.util.function.Supplier;

/**
 * {@link HttpObjectAggregator} that answers an oversized request with the OTS error
 * {@code 413 OTSRequestBodyTooLarge} (protobuf body, OTS headers) instead of Netty's bare 413.
 *
 * <p>Connection handling follows Netty's: when the size is known from {@code Content-Length} and the request is
 * keep-alive, the connection stays open and the aggregator discards the rest of the body, so the next request on the
 * connection is served normally; when the body was already partly aggregated (chunked) or the client asked to close,
 * the connection is closed after the answer (there is no safe way to find the next request's start).
 */
final class OversizeRejectingAggregator extends HttpObjectAggregator {

    private final Supplier<OutboundResponse> tooLarge;

    OversizeRejectingAggregator(int maxContentLength, Supplier<OutboundResponse> tooLarge) {
        super(maxContentLength);
        this.tooLarge = tooLarge;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) throws Exception {
        if (!(oversized instanceof HttpRequest)) {
            super.handleOversizedMessage(ctx, oversized);
            return;
        }
        boolean close = oversized instanceof FullHttpMessage
                || (!HttpUtil.is100ContinueExpected(oversized) && !HttpUtil.isKeepAlive(oversized));
        ctx.writeAndFlush(NettyResponses.toNetty(tooLarge.get(), !close))
                .addListener(close ? ChannelFutureListener.CLOSE : ChannelFutureListener.CLOSE_ON_FAILURE);
    }
}
