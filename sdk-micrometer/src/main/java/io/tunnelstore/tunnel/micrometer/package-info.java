/**
 * Optional Micrometer binding of the tunnel worker's {@link io.tunnelstore.tunnel.WorkerListener}: pass a
 * {@link io.tunnelstore.tunnel.micrometer.MicrometerWorkerListener} to
 * {@code TunnelWorkerConfig.Builder.listener(...)}. See docs/sdk-micrometer.md.
 */
package io.tunnelstore.tunnel.micrometer;
