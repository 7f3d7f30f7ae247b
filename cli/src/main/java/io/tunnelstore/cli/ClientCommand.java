package io.tunnelstore.cli;

import io.tunnelstore.client.ClientConfig;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Base of every command that talks to a server through the SDK: the connection options, {@code --output} and
 * {@code --verbose}, and the writers to print to (picocli's, so tests can capture them). Subclasses implement
 * {@link #run()}; failures propagate to {@link CliErrors}, which turns them into a message and an exit code.
 */
abstract class ClientCommand implements Callable<Integer> {

    @Mixin
    ConnectionOptions connection;

    @Option(names = {"-o", "--output"}, defaultValue = "text", paramLabel = "FORMAT",
            converter = OutputFormat.Converter.class,
            description = "Output format: text (aligned tables) or json (default: ${DEFAULT-VALUE}).")
    OutputFormat output;

    @Option(names = {"-v", "--verbose"}, description = "Log the client's and worker's activity to stderr.")
    boolean verbose;

    @Spec
    CommandSpec spec;

    /** The process environment, where credentials are looked up; replaceable in tests. */
    Map<String, String> environment = System.getenv();

    @Override
    public final Integer call() throws Exception {
        Logging.configure(verbose);
        return run();
    }

    /** Does the command's work and returns its exit code (0 on success). */
    abstract int run() throws Exception;

    /** The client settings from the connection options. */
    ClientConfig clientConfig() {
        return connection.clientConfig(environment);
    }

    boolean json() {
        return output == OutputFormat.JSON;
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** Prints {@code value} as one JSON line. */
    void printJson(Object value) {
        out().println(Json.write(value));
        out().flush();
    }
}
