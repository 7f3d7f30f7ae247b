package io.tunnelstore.server.stream;

import io.tunnelstore.protocol.errors.ErrorCode;
import io.tunnelstore.protocol.errors.OtsException;

/** The protocol errors of the stream API, with the messages clients see. Stateless. */
final class StreamErrors {

    /**
     * The public service's code for an iterator that points at records already removed by retention. It is not in
     * {@link ErrorCode} (owned by the protocol module), so the error travels as {@link #TRIMMED_CARRIER} with this
     * code at the start of the message, the way the public tunnel service reports the same condition.
     */
    static final String TRIMMED_DATA_ACCESS = "OTSTrimmedDataAccess";

    /** The existing code that carries a trimmed-data error: 404, like the official stream client's mock. */
    static final ErrorCode TRIMMED_CARRIER = ErrorCode.OBJECT_NOT_EXIST;

    private StreamErrors() {}

    static OtsException streamNotFound(String streamId) {
        return OtsException.of(ErrorCode.OBJECT_NOT_EXIST, "Requested stream does not exist: %s.", streamId);
    }

    static OtsException shardNotFound(String streamId, String shardId) {
        return OtsException.of(ErrorCode.OBJECT_NOT_EXIST, "Requested shard %s does not exist in stream %s.",
                shardId, streamId);
    }

    static OtsException trimmed(String shardId, long wantedSequence, long firstRetained) {
        return OtsException.of(TRIMMED_CARRIER, "%s Requested stream data is already trimmed or does not exist "
                        + "(shard %s: the iterator is at record %d, the oldest retained record is %d).",
                TRIMMED_DATA_ACCESS, shardId, wantedSequence, firstRetained);
    }

    static OtsException invalid(String fmt, Object... args) {
        return OtsException.of(ErrorCode.PARAMETER_INVALID, fmt, args);
    }
}
