package io.tunnelstore.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code tunnelstore table}: the table commands (a client of the server through the SDK). */
@Command(name = "table", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Manage tables and their rows on a running server.",
        synopsisSubcommandLabel = "COMMAND",
        subcommands = {TableCreateCommand.class, TableListCommand.class, TableDescribeCommand.class,
                TableDeleteCommand.class, TablePutCommand.class, TableGetCommand.class, TableScanCommand.class,
                TableLoadCommand.class})
final class TableCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing command: one of " + spec.subcommands().keySet());
    }
}
