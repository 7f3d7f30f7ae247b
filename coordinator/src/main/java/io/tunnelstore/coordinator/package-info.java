/**
 * The tunnel coordinator: deterministic, single-threaded, I/O-free logic deciding which client consumes which channel
 * of one tunnel, storing checkpoints and advancing the tunnel's stage (Kafka group-coordinator style).
 *
 * <p>Entry point: {@link io.tunnelstore.coordinator.TunnelCoordinator}, one instance per tunnel, driven
 * by a per-tunnel serial executor in the wiring layer, which stores each call's
 * {@link io.tunnelstore.coordinator.TunnelRecord}s before it commits them (commit, then apply).
 * Design notes: {@code docs/tunnel-coordinator.md}.
 * This package must not depend on the HTTP transport.
 */
package io.tunnelstore.coordinator;
