package io.tunnelstore.cli;

import io.tunnelstore.server.InProcessServer;
import io.tunnelstore.server.admin.AdminModule;
import io.tunnelstore.server.table.TableModule;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The fixture of the command-line tests that manage access keys and credentials: a real in-process server with the
 * table and admin modules and an admin key, and a runner of the command line against it under any key.
 */
final class AdminCliServer implements AutoCloseable {
    private final InProcessServer server;

    /** Starts the server in {@code dataDir} with the admin key {@code adminKeyId} / {@code adminKeySecret}. */
    AdminCliServer(Path dataDir, String adminKeyId, String adminKeySecret) {
        // Built here rather than with StandardModules so the tests do not depend on whether they include AdminModule.
        server = InProcessServer.builder(dataDir).adminKey(adminKeyId, adminKeySecret).workerThreads(32)
                .module(TableModule::new)
                .module(AdminModule::new)
                .start();
    }

    InProcessServer inProcess() {
        return server;
    }

    String endpoint() {
        return server.endpoint();
    }

    /** Runs {@code tunnelstore <args>} against the server, signed with the given access key. */
    CliRun.Result run(String accessKeyId, String accessKeySecret, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--endpoint", server.endpoint(), "--access-key-id", accessKeyId, "--access-key-secret",
                accessKeySecret));
        return CliRun.run(all.toArray(String[]::new));
    }

    @Override
    public void close() {
        server.close();
    }
}
