package io.tunnelstore.server.http;

import com.google.protobuf.Message;
import io.tunnelstore.protocol.errors.OtsException;
import java.util.List;
import java.util.Optional;

/**
 * Splits a request whose parts belong to different owners in a cluster (BatchWriteRow over partitions owned by
 * several nodes; docs/scale-out.md, "Request forwarding"), and merges the parts' answers back into one response.
 * Registered per action with {@link OperationRegistry#registerSplitter}. The dispatcher runs a part whose resource
 * this node owns (or that names none) with the action's own handler, sends every other part to its owner in
 * parallel, and answers the client with {@link Split#merge}. A request of one part is not split: it runs here or is
 * forwarded whole, with its original signed bytes. A forwarded request is never split again.
 *
 * <p>A part sent to another node is a new body: the dispatcher signs it with the caller's own credential, exactly as
 * the caller's SDK would have (the same access key, STS token and signature version; every node reads the same keys
 * from the shared storage), so the owner authenticates and authorizes it like any client request.
 *
 * @param <Q> the request message type of the action
 */
@FunctionalInterface
public interface RequestSplitter<Q extends Message> {

    /** The parts of {@code request}; one part (or none) means "do not split". Fast; must not block on storage. */
    Split<Q> split(RequestContext ctx, Q request);

    /** One part: the resource whose owner runs it (empty: run here), and its request (same action). */
    record Part<Q extends Message>(Optional<String> resource, Q request) {}

    /** What one part answered: its response, or the error that failed it as a whole (nothing else is known). */
    record PartOutcome(Message response, OtsException error) {}

    /** A split request: its parts, and how to merge their outcomes (in the order of {@link #parts()}). */
    interface Split<Q extends Message> {
        List<Part<Q>> parts();

        Message merge(List<PartOutcome> outcomes);
    }
}
