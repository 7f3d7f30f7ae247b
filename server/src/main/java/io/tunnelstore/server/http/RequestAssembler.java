package io.tunnelstore.server.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpExpectationFailedEvent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Turns the decoded HTTP parts of one connection into {@link ReceivedRequest}s, deciding from the headers alone
 * whether a body is worth keeping (replaces Netty's {@code HttpObjectAggregator}).
 *
 * <p>When the headers of a request are complete, before any body byte is kept:
 * <ol>
 *   <li>a declared {@code Content-Length} above the body limit: {@code 413 OTSRequestBodyTooLarge};</li>
 *   <li>{@link RequestDispatcher#admit}: routing, method, action and — for API requests — authentication
 *       (signature, key, clock skew); a failure is answered at once;</li>
 *   <li>the declared body is reserved in the server-wide {@link ConnectionBudget}; when it does not fit,
 *       {@code 503 OTSServerBusy}.</li>
 * </ol>
 * A refused request's body is read and dropped (so a keep-alive connection stays usable and the client, which sends
 * its body before reading, gets the answer rather than a reset); its bytes are never kept. A chunked body is
 * reserved chunk by chunk and refused the same way once it grows past the limit or the budget. An admitted body is
 * copied into one heap array (no pooled network buffers outlive the read), handed on with its reservation, and the
 * {@link HttpConnectionHandler} releases the reservation once the request is answered.
 *
 * <p>{@code Expect: 100-continue} is honoured: admitted requests get {@code 100 Continue}, refused ones only the
 * final answer (and the decoder is told not to expect the body). All state is touched only on the event loop.
 */
final class RequestAssembler extends ChannelInboundHandlerAdapter {

    private enum State { AWAITING_HEADERS, ASSEMBLING, DISCARDING }

    private final RequestDispatcher dispatcher;
    private final ConnectionBudget budget;
    private final ConnectionGuard guard;
    private final int maxBodyBytes;

    private State state = State.AWAITING_HEADERS;
    // the request being assembled
    private HttpRequest head;
    private Map<String, String> headers;
    private RequestDispatcher.Admission admission;
    private boolean keepAlive;
    private long reserved;
    private byte[] fixedBody;          // Content-Length known: filled in place
    private int filled;
    private ByteArrayOutputStream chunkedBody; // chunked: grows

    RequestAssembler(RequestDispatcher dispatcher, ConnectionBudget budget, ConnectionGuard guard, int maxBodyBytes) {
        this.dispatcher = dispatcher;
        this.budget = budget;
        this.guard = guard;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof HttpRequest request) {
                onHeaders(ctx, request);
            }
            if (msg instanceof HttpContent content) {
                onContent(ctx, content);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onHeaders(ChannelHandlerContext ctx, HttpRequest request) {
        guard.headersReceived();
        resetAssembly();
        if (request.decoderResult().isFailure()) {
            // The byte stream position is unknown after a decoding failure: answer and close.
            state = State.DISCARDING;
            emit(ctx, new ReceivedRequest.Rejected(
                    dispatcher.malformedHttp(String.valueOf(request.decoderResult().cause().getMessage())), false));
            return;
        }
        keepAlive = HttpUtil.isKeepAlive(request);
        boolean expectContinue = HttpUtil.is100ContinueExpected(request);
        boolean chunked = HttpUtil.isTransferEncodingChunked(request);
        long declared = chunked ? -1 : HttpUtil.getContentLength(request, 0L);

        if (declared > maxBodyBytes) {
            refuse(ctx, dispatcher.bodyTooLarge(maxBodyBytes), expectContinue);
            return;
        }
        Map<String, String> lowercased = new HashMap<>();
        for (Map.Entry<String, String> h : request.headers()) {
            lowercased.put(h.getKey().toLowerCase(Locale.ROOT), h.getValue()); // last value wins (as Java signs it)
        }
        RequestDispatcher.Admission admitted = dispatcher.admit(request.method().name(), request.uri(), lowercased);
        if (admitted.refusal() != null) {
            refuse(ctx, admitted.refusal(), expectContinue);
            return;
        }
        if (declared > 0 && !budget.tryReserveBody(declared)) {
            refuse(ctx, dispatcher.serverBusy(), expectContinue);
            return;
        }
        head = request;
        headers = lowercased;
        admission = admitted;
        reserved = Math.max(declared, 0);
        if (declared >= 0) {
            fixedBody = new byte[(int) declared];
        } else {
            chunkedBody = new ByteArrayOutputStream();
        }
        state = State.ASSEMBLING;
        if (expectContinue) {
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE,
                    Unpooled.EMPTY_BUFFER));
        }
    }

    private void onContent(ChannelHandlerContext ctx, HttpContent content) {
        boolean last = content instanceof LastHttpContent;
        switch (state) {
            case AWAITING_HEADERS -> { /* stray content after a decoder reset: nothing to do */ }
            case DISCARDING -> {
                if (last) {
                    state = State.AWAITING_HEADERS;
                    guard.requestComplete();
                }
            }
            case ASSEMBLING -> {
                append(ctx, content.content());
                if (state == State.ASSEMBLING && last) {
                    finish(ctx);
                } else if (state == State.DISCARDING && last) {
                    state = State.AWAITING_HEADERS;
                    guard.requestComplete();
                }
            }
        }
    }

    private void append(ChannelHandlerContext ctx, ByteBuf bytes) {
        int n = bytes.readableBytes();
        if (n == 0) {
            return;
        }
        if (fixedBody != null) {
            // The decoder never hands out more than Content-Length bytes.
            bytes.readBytes(fixedBody, filled, n);
            filled += n;
            return;
        }
        if (chunkedBody.size() + (long) n > maxBodyBytes) {
            refuseMidBody(ctx, dispatcher.bodyTooLarge(maxBodyBytes));
            return;
        }
        if (!budget.tryReserveBody(n)) {
            refuseMidBody(ctx, dispatcher.serverBusy());
            return;
        }
        reserved += n;
        chunkedBody.writeBytes(io.netty.buffer.ByteBufUtil.getBytes(bytes));
    }

    private void finish(ChannelHandlerContext ctx) {
        byte[] body = fixedBody != null ? fixedBody : chunkedBody.toByteArray();
        InboundRequest inbound = new InboundRequest(head.method().name(), head.uri(), headers, body);
        ReceivedRequest.Assembled assembled =
                new ReceivedRequest.Assembled(inbound, admission, keepAlive, reserved);
        reserved = 0; // handed on with the request
        resetAssembly();
        state = State.AWAITING_HEADERS;
        guard.requestComplete();
        emit(ctx, assembled);
    }

    /** Answers from the headers; the body (if any) is read and dropped. */
    private void refuse(ChannelHandlerContext ctx, OutboundResponse response, boolean expectContinue) {
        if (expectContinue) {
            // The client will not send the body: tell the decoder (as HttpObjectAggregator does).
            ctx.pipeline().fireUserEventTriggered(HttpExpectationFailedEvent.INSTANCE);
            state = State.AWAITING_HEADERS;
            guard.requestComplete();
        } else {
            state = State.DISCARDING;
        }
        emit(ctx, new ReceivedRequest.Rejected(response, keepAlive));
    }

    /** A chunked body outgrew the limit or the budget: drop what was kept, answer, discard the rest. */
    private void refuseMidBody(ChannelHandlerContext ctx, OutboundResponse response) {
        resetAssembly();
        state = State.DISCARDING;
        emit(ctx, new ReceivedRequest.Rejected(response, keepAlive));
    }

    private void emit(ChannelHandlerContext ctx, ReceivedRequest request) {
        guard.requestQueued();
        ctx.fireChannelRead(request);
    }

    private void resetAssembly() {
        budget.releaseBody(reserved);
        reserved = 0;
        head = null;
        headers = null;
        admission = null;
        fixedBody = null;
        filled = 0;
        chunkedBody = null;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        resetAssembly(); // a body that never completed gives its reservation back
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        resetAssembly();
    }
}
