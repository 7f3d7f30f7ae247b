package io.tunnelstore.server.http;

import com.google.protobuf.Message;
import java.util.concurrent.CompletionStage;

/**
 * Implements one API operation.
 *
 * <p>Threading: called on a server worker thread (never the network event loop), so it may block on storage; it
 * should not block for long waits (long polls): return an incomplete stage and complete it later from any thread.
 *
 * <p>Failure contract: throwing, or completing the stage exceptionally, with an
 * {@link io.tunnelstore.protocol.errors.OtsException} sends that error code, its HTTP status and the message to the
 * client; any other exception becomes {@code 500 OTSInternalServerError} with a generic message (the stack trace is
 * logged with the request id). Completing with {@code null} is a bug and is reported the same way.
 *
 * @param <Q> the request message type (parsed and checked for required fields before the call)
 */
@FunctionalInterface
public interface OperationHandler<Q extends Message> {
    CompletionStage<? extends Message> handle(RequestContext ctx, Q request);
}
