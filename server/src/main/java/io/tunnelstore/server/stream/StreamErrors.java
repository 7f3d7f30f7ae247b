package io.tunnelstore.server.stream;

import io.tunnelstore.protocol.errors.ErrorCode;
import io.tunnelstore.protocol.errors.OtsException;

/** The protocol errors of the stream API, with the messages clients see. Stateless. */
final class StreamErrors {

    /** The code for an iterator that points at records already removed by retention. */
    static final ErrorCode TRIMMED = ErrorCode.TRIMMED_DATA_ACCESS;

    private StreamErrors() {}

    static OtsException streamNotFound(String streamId) {
        return OtsException.of(ErrorCode.OBJECT_NOT_EXIST, "Requested stream does not exist: %s.", streamId);
    }

    static OtsException shardNotFound(String streamId, String shardId) {
        return OtsException.of(ErrorCode.OBJECT_NOT_EXIST, "Requested shard %s does not exist in stream %s.",
                shardId, streamId);
    }

    static OtsException trimmed(String shardId, long wantedSequence, long firstRetained) {
        return OtsException.of(ErrorCode.TRIMMED_DATA_ACCESS,
                        "Requested stream data is already trimmed or does not exist.")
                .withLogDetail(String.format("shard %s: the iterator is at record %d, the oldest retained record is %d",
                        shardId, wantedSequence, firstRetained));
    }

    static OtsException invalid(String fmt, Object... args) {
        return OtsException.of(ErrorCode.PARAMETER_INVALID, fmt, args);
    }
}
