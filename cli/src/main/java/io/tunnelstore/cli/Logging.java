package io.tunnelstore.cli;

/**
 * Keeps the SDK's INFO logging (worker lifecycle, …) off the terminal unless {@code --verbose} asks for it. The
 * command line uses slf4j-simple, which reads its level once, when the first logger is created; so this only has
 * an effect when called before any SDK class logs, which is the case in a fresh {@code tunnelstore} process.
 * An explicitly set {@code -Dorg.slf4j.simpleLogger.defaultLogLevel} always wins.
 */
final class Logging {
    static final String LEVEL_PROPERTY = "org.slf4j.simpleLogger.defaultLogLevel";

    private Logging() {
    }

    static void configure(boolean verbose) {
        if (System.getProperty(LEVEL_PROPERTY) == null) {
            System.setProperty(LEVEL_PROPERTY, verbose ? "info" : "warn");
        }
    }
}
