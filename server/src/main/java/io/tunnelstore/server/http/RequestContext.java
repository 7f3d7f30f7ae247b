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
 */
public record RequestContext(String requestId, String instanceName, Action action, Principal principal,
                             Map<String, String> headers, long receivedAtMillis) {
    public RequestContext {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(instanceName, "instanceName");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(principal, "principal");
        headers = Map.copyOf(headers);
    }

    /** Whether the caller's key covers {@code table} (a key limited to named tables covers only those). */
    public boolean coversTable(String table) {
        return principal.policy().coversTable(table);
    }
}
