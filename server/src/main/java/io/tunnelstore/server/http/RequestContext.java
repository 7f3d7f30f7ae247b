package io.tunnelstore.server.http;

import io.tunnelstore.protocol.Action;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a handler may need about the request besides its body. Immutable.
 *
 * @param requestId        the id sent back in {@code x-ots-requestid} (log it with failures)
 * @param instanceName     the instance from {@code x-ots-instancename} (known to the server)
 * @param action           the operation
 * @param principal        the authenticated caller
 * @param headers          all request headers, names lowercased (last value wins for duplicates)
 * @param receivedAtMillis when the server received the request, from the server clock
 * @param timing           where the request spent its time before the handler ({@link Timing#UNKNOWN} for calls
 *                         that did not come over HTTP)
 */
public record RequestContext(String requestId, String instanceName, Action action, Principal principal,
                             Map<String, String> headers, long receivedAtMillis, Timing timing) {
    public RequestContext {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(instanceName, "instanceName");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(principal, "principal");
        headers = Map.copyOf(headers);
        Objects.requireNonNull(timing, "timing");
    }

    /** A request that did not come over HTTP (in-process callers): no timing. */
    public RequestContext(String requestId, String instanceName, Action action, Principal principal,
                          Map<String, String> headers, long receivedAtMillis) {
        this(requestId, instanceName, action, principal, headers, receivedAtMillis, Timing.UNKNOWN);
    }

    /**
     * {@link System#nanoTime()} instants of a request on its way to its handler (diagnostics: the tunnel service
     * reports them to a worker that traces its reads); 0 = unknown.
     *
     * @param admittedNanos its headers were read and authenticated on the network event loop
     * @param queuedNanos   its body was complete and it was handed to its lane's pool
     * @param startedNanos  a thread of the pool took it up
     */
    public record Timing(long admittedNanos, long queuedNanos, long startedNanos) {
        public static final Timing UNKNOWN = new Timing(0, 0, 0);
    }

    /** Whether the caller's key covers {@code table} (a key limited to named tables covers only those). */
    public boolean coversTable(String table) {
        return principal.policy().coversTable(table);
    }
}
