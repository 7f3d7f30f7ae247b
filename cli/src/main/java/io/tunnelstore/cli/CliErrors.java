package io.tunnelstore.cli;

import io.tunnelstore.client.ClientTransportException;
import io.tunnelstore.client.TablestoreException;
import io.tunnelstore.tunnel.TunnelWorkerException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * Turns failures into a clear message on stderr and an exit code, instead of a stack trace:
 *
 * <ul>
 *   <li>{@value #UNREACHABLE}: the server could not be reached (connection refused, unknown host, connect
 *       timeout); the message names the endpoint.</li>
 *   <li>{@value #FAILED}: the service answered with an error ({@code <command>: <message> (code OTSxxx, request
 *       id …)} and a line with the remedy), or another runtime failure.</li>
 *   <li>2 (picocli's usage code) is not produced here: bad flags and values never reach the command.</li>
 * </ul>
 *
 * The full trace is logged at debug level for those who ask for it
 * ({@code -Dorg.slf4j.simpleLogger.defaultLogLevel=debug}).
 */
final class CliErrors implements IExecutionExceptionHandler {
    /** A service or runtime error. */
    static final int FAILED = 1;
    /** The server could not be reached. */
    static final int UNREACHABLE = 3;

    @Override
    public int handleExecutionException(Exception e, CommandLine cli, ParseResult parsed) {
        org.slf4j.LoggerFactory.getLogger(CliErrors.class).debug("command failed", e);
        PrintWriter err = cli.getErr();
        String command = cli.getCommandSpec().qualifiedName();
        int code;
        if (isUnreachable(e)) {
            err.println(command + ": cannot reach the server at " + endpoint(cli) + " (" + unreachableReason(e) + ")");
            err.println("  remedy: check --endpoint; start a server with 'tunnelstore server' if none is running");
            code = UNREACHABLE;
        } else if (findCause(e, TablestoreException.class) instanceof TablestoreException te) {
            err.println(command + ": " + describe(te));
            if (!te.remedy().isEmpty()) {
                err.println("  remedy: " + te.remedy());
            }
            code = FAILED;
        } else if (e instanceof TunnelWorkerException twe) {
            err.println(command + ": " + message(twe) + " (code " + twe.errorCode() + ")");
            code = FAILED;
        } else {
            err.println(command + ": " + message(e));
            code = FAILED;
        }
        err.flush();
        return code;
    }

    /** {@code <server message> (code OTSxxx, request id …)}. */
    static String describe(TablestoreException e) {
        String message = e.serverMessage().isEmpty() ? e.errorCode() : e.serverMessage();
        StringBuilder sb = new StringBuilder(message).append(" (code ").append(e.errorCode());
        if (e.requestId() != null) {
            sb.append(", request id ").append(e.requestId());
        }
        return sb.append(')').toString();
    }

    /** True if some cause says the connection could not be opened at all. */
    static boolean isUnreachable(Throwable e) {
        if (findCause(e, ClientTransportException.class) == null) {
            return false;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof HttpConnectTimeoutException
                    || t instanceof UnresolvedAddressException || t instanceof UnknownHostException
                    || t instanceof NoRouteToHostException) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    static Throwable findCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return t;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    private static String endpoint(CommandLine cli) {
        OptionSpec option = cli.getCommandSpec().findOption("--endpoint");
        Object value = option == null ? null : option.getValue();
        return value == null ? ConnectionOptions.DEFAULT_ENDPOINT : value.toString();
    }

    /** Why the connection could not be opened, in a few words. */
    private static String unreachableReason(Throwable e) {
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
                return "unknown host";
            }
            if (t instanceof HttpConnectTimeoutException) {
                return "connect timed out";
            }
            if (t instanceof NoRouteToHostException) {
                return "no route to host";
            }
        }
        return "connection refused";
    }

    private static String message(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
