package io.tunnelstore.server.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drives a real server with the official Tablestore Node.js SDK: runs {@code compat/node/compat.js} (the SDK pinned
 * by that directory's package.json and package-lock.json) against an in-process server and requires every check in
 * it to pass.
 *
 * <p>Needs {@code node} on the PATH and {@code npm ci} run in {@code compat/node} ({@code .ci/run} does both). Under
 * CI ({@code CI=true}) a missing Node.js or SDK fails the test; elsewhere it is skipped with the reason.
 */
class NodeSdkCompatibilityIT {

    private static final String SDK_VERSION = "5.6.5";
    private static final int CHECKS = 13;
    private static final long TIMEOUT_SECONDS = 180;

    @TempDir
    Path dataDir;

    @Test
    void officialNodeSdkPassesEveryCheck() throws Exception {
        Path dir = compatDirectory();
        Optional<Path> node = executableOnPath("node").or(() -> executableOnPath("nodejs"));
        requireInCi(node.isPresent(), "Node.js (node) is not on the PATH; install Debian's nodejs and npm packages");
        Path sdkPackage = dir.resolve("node_modules/tablestore/package.json");
        requireInCi(Files.isRegularFile(sdkPackage),
                "the Tablestore Node.js SDK is not installed; run `npm ci` in " + dir);
        assertThat(Files.readString(sdkPackage)).as("installed tablestore version")
                .containsPattern("\"version\"\\s*:\\s*\"" + Pattern.quote(SDK_VERSION) + "\"");

        try (CompatServer server = new CompatServer(dataDir)) {
            ProcessBuilder pb = new ProcessBuilder(node.get().toString(), "compat.js")
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(dataDir.resolve("node-output.txt").toFile());
            pb.environment().put("TS_ENDPOINT", server.server.endpoint());
            pb.environment().put("TS_INSTANCE", CompatServer.INSTANCE);
            pb.environment().put("TS_AK", CompatServer.ACCESS_KEY_ID);
            pb.environment().put("TS_SK", CompatServer.ACCESS_KEY_SECRET);
            Process process = pb.start();
            try {
                if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    fail("compat.js did not finish within " + TIMEOUT_SECONDS + " s; output so far:\n" + output());
                }
            } finally {
                process.destroyForcibly();
            }
            String out = output();
            List<String> failed = out.lines().filter(l -> l.startsWith("not ok")).toList();
            assertThat(failed).as("failed checks; full output:\n%s", out).isEmpty();
            assertThat(process.exitValue()).as("exit code; output:\n%s", out).isZero();
            assertThat(out.lines().filter(l -> l.startsWith("ok - ")).count()).as(out).isEqualTo(CHECKS);
            assertThat(out).contains("node sdk compat: " + CHECKS + " of " + CHECKS + " checks passed");
        }
    }

    private String output() throws IOException {
        return Files.readString(dataDir.resolve("node-output.txt"), StandardCharsets.UTF_8);
    }

    /** Fails under CI, skips elsewhere: CI must really run this test. */
    private static void requireInCi(boolean condition, String reason) {
        if (condition) {
            return;
        }
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail("Node.js SDK compatibility test cannot run under CI: " + reason);
        }
        assumeTrue(false, "Node.js SDK compatibility test skipped: " + reason);
    }

    /** {@code compat/node} of this checkout, found upwards from the module directory Maven runs tests in. */
    private static Path compatDirectory() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("compat/node");
            if (Files.isRegularFile(candidate.resolve("compat.js"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("compat/node/compat.js not found above " + Path.of("").toAbsolutePath());
    }

    private static Optional<Path> executableOnPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String entry : path.split(Pattern.quote(File.pathSeparator))) {
            Path candidate = Path.of(entry, name);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
