package io.tunnelstore.coordinator;

/**
 * Protocol-level failures of coordinator operations, with the wire error the transport must send. The mapping is
 * chosen so that no failure makes an official worker halt unless the tunnel really is unusable (TUNNEL_EXPIRED).
 */
public enum CoordinatorError {
    /**
     * Unknown or expired client id (Heartbeat, Checkpoint, Shutdown). Java logs it and reconnects after its local
     * timeout; Go restarts its worker with a new client id.
     */
    RESOURCE_GONE("OTSResourceGone", 410),
    /** Checkpoint sequence is not stored+1. Both SDKs re-read the sequence with GetCheckpoint and carry on. */
    SEQUENCE_NUMBER_NOT_MATCH("OTSSequenceNumberNotMatch", 400),
    /**
     * Checkpoint from a live client that does not own the channel (a stale owner after a hand-over). Sent as
     * OTSSequenceNumberNotMatch: the documented meaning of that code is "two consumers compete for the channel",
     * both SDKs treat it as non-fatal (re-read, drop that checkpoint), and the stale owner loses the channel on its
     * next heartbeat anyway.
     */
    NOT_OWNER("OTSSequenceNumberNotMatch", 400),
    /** Tunnel expired or disabled: terminal for both SDKs on Connect and Heartbeat, which is the intent. */
    TUNNEL_EXPIRED("OTSTunnelExpired", 400),
    /** Bad argument from the client (unknown channel, empty token, non-positive timeout). */
    PARAMETER_INVALID("OTSParameterInvalid", 400);

    private final String wireCode;
    private final int httpStatus;

    CoordinatorError(String wireCode, int httpStatus) {
        this.wireCode = wireCode;
        this.httpStatus = httpStatus;
    }

    /** Value for {@code Error.code}. */
    public String wireCode() {
        return wireCode;
    }

    /** HTTP status to answer with. */
    public int httpStatus() {
        return httpStatus;
    }
}
