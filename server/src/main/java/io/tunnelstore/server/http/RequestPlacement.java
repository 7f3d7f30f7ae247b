package io.tunnelstore.server.http;

import com.google.protobuf.Message;
import java.util.Optional;

/**
 * Decides where a parsed request of one action runs in a cluster (docs/scale-out.md, "Request forwarding"): the
 * resource whose owner must run it ({@code io.tunnelstore.server.cluster.ClusterResources}: a partition, a tunnel,
 * the catalog), or empty to run it on whichever node received it (reads). Registered per action with
 * {@link OperationRegistry#registerPlacement}; the dispatcher forwards the request unchanged to a remote owner.
 *
 * <p>Runs on a worker thread after authentication, parsing and the access check, before the handler. Must be fast
 * (it may read the in-memory catalog) and must not block on storage. Throwing an
 * {@link io.tunnelstore.protocol.errors.OtsException} answers the client with it (e.g. the table does not exist).
 *
 * @param <Q> the request message type of the action
 */
@FunctionalInterface
public interface RequestPlacement<Q extends Message> {
    Optional<String> resourceOf(RequestContext ctx, Q request);
}
