package io.tunnelstore.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code tunnelstore tunnel}: the tunnel commands (a client of the server through the SDK). */
@Command(name = "tunnel", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Manage, consume and watch tunnels on a running server.",
        synopsisSubcommandLabel = "COMMAND",
        subcommands = {TunnelCreateCommand.class, TunnelListCommand.class, TunnelDescribeCommand.class,
                TunnelDeleteCommand.class, TunnelConsumeCommand.class, TunnelWatchCommand.class,
                TunnelHistoryCommand.class, TunnelCheckpointsCommand.class})
final class TunnelCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing command: one of " + spec.subcommands().keySet());
    }
}
