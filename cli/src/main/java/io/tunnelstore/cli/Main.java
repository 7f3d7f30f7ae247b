package io.tunnelstore.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code tunnelstore} command line. Exit codes: 0 success, 1 an error from the service or another runtime
 * failure, 2 bad usage (unknown command or flag, invalid value), 3 server unreachable.
 */
@Command(name = "tunnelstore",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Tunnelstore: a self-hostable Tablestore-compatible table store with the Tunnel Service.",
        subcommands = {ServerCommand.class, ClusterCommand.class, DemoCommand.class, TableCommand.class, TunnelCommand.class,
                CredentialsCommand.class, KeysCommand.class,
                CommandLine.HelpCommand.class})
public final class Main {

    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code (used by tests; never calls {@code System.exit}). */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler(new CliErrors());
        return cli.execute(args);
    }
}
