package io.tunnelstore.server.http;

/**
 * What the {@link RequestAssembler} hands to the {@link HttpConnectionHandler}, in arrival order: a request to
 * dispatch, or an answer already decided from the headers alone (its body, if any, is being discarded).
 */
sealed interface ReceivedRequest {

    /** Whether the connection stays open after the answer. */
    boolean keepAlive();

    /**
     * A complete request admitted from its headers.
     *
     * @param reservedBodyBytes body bytes reserved in the {@link ConnectionBudget}; released once answered
     */
    record Assembled(InboundRequest request, RequestDispatcher.Admission admission, boolean keepAlive,
                     long reservedBodyBytes) implements ReceivedRequest {}

    /** A request answered without its body (authentication failure, unknown action, too large, busy, bad HTTP). */
    record Rejected(OutboundResponse response, boolean keepAlive) implements ReceivedRequest {}
}
