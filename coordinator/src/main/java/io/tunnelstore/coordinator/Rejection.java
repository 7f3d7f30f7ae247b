package io.tunnelstore.coordinator;

import java.util.Objects;

/**
 * A refused coordinator operation. Shared by every result type so the transport maps failures in one place:
 * {@code Error{code = error.wireCode(), message}} with HTTP {@code error.httpStatus()}.
 */
public record Rejection(CoordinatorError error, String message)
        implements ConnectResult, HeartbeatResult, ShutdownResult, GetCheckpointResult, CheckpointResult,
        ScheduleResult {

    public Rejection {
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(message, "message");
    }
}
