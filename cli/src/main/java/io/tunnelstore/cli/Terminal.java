package io.tunnelstore.cli;

/**
 * Whether output goes to an interactive terminal. Java 17 can only tell whether the process has a console (its
 * standard input and output are a terminal); that is the best available signal for stderr too. {@code TERM=dumb}
 * and {@code NO_COLOR}-style pipelines count as non-interactive.
 */
final class Terminal {
    private Terminal() {
    }

    static boolean isInteractive() {
        return System.console() != null && !"dumb".equals(System.getenv("TERM"));
    }
}
