package io.tunnelstore.protocol.errors;

/** How the official SDKs treat an error code (PROTOCOL.md §3.4). */
public enum RetryPolicy {
    /** Never retried. */
    NEVER,
    /** Retried for every action. */
    ALWAYS,
    /** Retried only for idempotent actions (Java's "5xx on an idempotent action" rule). */
    IDEMPOTENT_ONLY
}
