/**
 * The project's one test-support kit below the server: {@link io.tunnelstore.testsupport.ManualClock} (time a test
 * moves) and {@link io.tunnelstore.testsupport.Await} (waiting on a condition with a deadline). It depends on nothing
 * of ours, so storage, server, SDK, CLI, bench and the published test kit share it. The in-process server builder
 * needs the server and lives there ({@code io.tunnelstore.server.InProcessServer}); see docs/architecture.md,
 * "Test support".
 */
package io.tunnelstore.testsupport;
