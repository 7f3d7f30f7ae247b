package io.tunnelstore.server.http;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.Map;

/** Converts {@link OutboundResponse}s to Netty messages. Stateless. */
final class NettyResponses {

    private NettyResponses() {}

    static FullHttpResponse toNetty(OutboundResponse response, boolean keepAlive) {
        FullHttpResponse netty = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(response.status()), Unpooled.wrappedBuffer(response.body()));
        for (Map.Entry<String, String> header : response.headers().entrySet()) {
            netty.headers().set(header.getKey(), header.getValue());
        }
        netty.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.body().length);
        netty.headers().set(HttpHeaderNames.CONNECTION,
                keepAlive ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
        return netty;
    }
}
