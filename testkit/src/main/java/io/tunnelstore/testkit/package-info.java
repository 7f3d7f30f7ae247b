/**
 * Test support for applications that consume Tunnelstore tunnels: an in-process service per test
 * ({@link io.tunnelstore.testkit.TunnelstoreTest}, {@link io.tunnelstore.testkit.TunnelstoreExtension},
 * {@link io.tunnelstore.testkit.TunnelstoreHandle}), a movable server clock
 * ({@link io.tunnelstore.testkit.ManualClock}), fault injection ({@link io.tunnelstore.testkit.Faults},
 * {@link io.tunnelstore.testkit.FaultProxy}) and recording processors
 * ({@link io.tunnelstore.testkit.RecordingProcessorFactory}). See {@code docs/testkit.md}.
 */
package io.tunnelstore.testkit;
