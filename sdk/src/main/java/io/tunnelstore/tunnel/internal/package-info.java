/**
 * <b>Internal</b> runtime of the tunnel worker; not an API, may change without notice. {@code WorkerEngine} owns a
 * session on a single loop ({@code WorkerScheduler}); {@code ChannelRunner} consumes one channel
 * ({@code ChannelRunnerState} is its state machine); {@code TunnelRpc} is the seam to the server
 * ({@code RpcClientTunnelRpc} in production, a fake in tests).
 */
package io.tunnelstore.tunnel.internal;
