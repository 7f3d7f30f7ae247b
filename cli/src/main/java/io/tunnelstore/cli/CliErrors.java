package io.tunnelstore.cli;

import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns failures into one clear line on stderr and exit code 1, instead of a stack trace. The full trace is logged
 * at debug level for those who ask for it ({@code -Dorg.slf4j.simpleLogger.defaultLogLevel=debug}).
 */
final class CliErrors implements IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception e, CommandLine cli, ParseResult parsed) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        cli.getErr().println("tunnelstore " + cli.getCommandName() + ": " + message);
        org.slf4j.LoggerFactory.getLogger(CliErrors.class).debug("command failed", e);
        return 1;
    }
}
