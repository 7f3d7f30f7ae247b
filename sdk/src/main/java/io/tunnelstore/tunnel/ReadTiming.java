package io.tunnelstore.tunnel;

/**
 * Diagnostics: where the time of one ReadRecords went, when the worker traces read stages
 * ({@link TunnelWorkerConfig.Builder#traceReadStages(boolean)}) and the server answers the Tunnelstore stage
 * extension. All instants are {@link System#nanoTime()} values: the server's come from the server process, so they
 * are comparable with this process's only when both run on the same Linux host (CLOCK_MONOTONIC). 0 means the stage
 * did not happen or is unknown (another server, no long poll).
 *
 * @param serverReceivedNanos the request reached the server's tunnel service
 * @param durableNanos        long poll: the commit that woke the read was durable (the server's log listener ran)
 * @param walWriteNanos       long poll: how long that commit group's WAL write and fsync took (a duration)
 * @param wakeNanos           long poll: the server's re-read started
 * @param builtNanos          the server built the response
 * @param decodedNanos        this worker had received and parsed the response (its records' PlainBuffer is decoded
 *                            later, right before the callback, so that part falls between this and the callback)
 * @param sentNanos           this worker handed the request to its HTTP client
 * @param serverAdmittedNanos the server had read and authenticated the request's headers (network event loop)
 * @param serverQueuedNanos   the server had the request's body and handed it to a pool of its request threads
 * @param serverStartedNanos  a server request thread took the request up (then body check, parsing, the service)
 */
public record ReadTiming(long serverReceivedNanos, long durableNanos, long walWriteNanos, long wakeNanos,
        long builtNanos, long decodedNanos, long sentNanos, long serverAdmittedNanos, long serverQueuedNanos,
        long serverStartedNanos) {

    /** Without the server's request-path instants (a server that does not report them). */
    public ReadTiming(long serverReceivedNanos, long durableNanos, long walWriteNanos, long wakeNanos,
            long builtNanos, long decodedNanos, long sentNanos) {
        this(serverReceivedNanos, durableNanos, walWriteNanos, wakeNanos, builtNanos, decodedNanos, sentNanos, 0, 0,
                0);
    }
}
