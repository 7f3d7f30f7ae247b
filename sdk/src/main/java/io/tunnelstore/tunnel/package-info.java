/**
 * Tunnel consumption: {@link io.tunnelstore.tunnel.TunnelWorker} (one consumer session),
 * {@link io.tunnelstore.tunnel.TunnelDaemon} (keeps a worker running), {@link io.tunnelstore.tunnel.TunnelWorkerConfig}
 * (immutable, shared), the processor SPI ({@link io.tunnelstore.tunnel.ChannelProcessor},
 * {@link io.tunnelstore.tunnel.ChannelProcessorFactory}, {@link io.tunnelstore.tunnel.SimpleProcessorFactory}),
 * records ({@link io.tunnelstore.tunnel.StreamRecord}) and observability
 * ({@link io.tunnelstore.tunnel.WorkerListener}). See {@code docs/sdk-worker.md}.
 */
package io.tunnelstore.tunnel;
