package io.tunnelstore.server.console;

import java.time.Duration;
import java.util.Objects;

/**
 * Options of the {@link ConsoleModule}. Immutable.
 *
 * @param sessionIdleTimeout  a session cookie stops working after this long without a request
 * @param sessionMaxLifetime  ... and this long after login, whatever the activity
 * @param sampleInterval      how often the history behind the charts is sampled
 * @param historyWindow       how much history is kept (older points are dropped)
 * @param tunnelReadTimeout   longest wait for one tunnel API call while a page or a sample reads tunnel state
 * @param secureCookies       whether the session cookie carries {@code Secure} (set it when the server runs TLS, so
 *                            the browser never sends the session over plain HTTP). Default: false
 */
public record ConsoleSettings(Duration sessionIdleTimeout, Duration sessionMaxLifetime, Duration sampleInterval,
                              Duration historyWindow, Duration tunnelReadTimeout, boolean secureCookies) {

    /** Settings without {@code Secure} cookies (plain HTTP). */
    public ConsoleSettings(Duration sessionIdleTimeout, Duration sessionMaxLifetime, Duration sampleInterval,
                           Duration historyWindow, Duration tunnelReadTimeout) {
        this(sessionIdleTimeout, sessionMaxLifetime, sampleInterval, historyWindow, tunnelReadTimeout, false);
    }

    public ConsoleSettings {
        requirePositive(sessionIdleTimeout, "sessionIdleTimeout");
        requirePositive(sessionMaxLifetime, "sessionMaxLifetime");
        requirePositive(sampleInterval, "sampleInterval");
        requirePositive(historyWindow, "historyWindow");
        requirePositive(tunnelReadTimeout, "tunnelReadTimeout");
        if (historyWindow.compareTo(sampleInterval) < 0) {
            throw new IllegalArgumentException("historyWindow " + historyWindow + " is shorter than sampleInterval "
                    + sampleInterval);
        }
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + d);
        }
    }

    /** 30 min idle / 12 h absolute sessions, a sample every 5 s, 15 min of history, 5 s tunnel read timeout. */
    public static ConsoleSettings defaults() {
        return new ConsoleSettings(Duration.ofMinutes(30), Duration.ofHours(12), Duration.ofSeconds(5),
                Duration.ofMinutes(15), Duration.ofSeconds(5));
    }

    /** A copy sampling every {@code interval}. */
    public ConsoleSettings withSampleInterval(Duration interval) {
        return new ConsoleSettings(sessionIdleTimeout, sessionMaxLifetime, interval, historyWindow,
                tunnelReadTimeout, secureCookies);
    }

    /** A copy with another idle timeout. */
    public ConsoleSettings withSessionIdleTimeout(Duration timeout) {
        return new ConsoleSettings(timeout, sessionMaxLifetime, sampleInterval, historyWindow, tunnelReadTimeout,
                secureCookies);
    }

    /** A copy with the session cookie's {@code Secure} flag on or off (on when the server runs TLS). */
    public ConsoleSettings withSecureCookies(boolean secure) {
        return new ConsoleSettings(sessionIdleTimeout, sessionMaxLifetime, sampleInterval, historyWindow,
                tunnelReadTimeout, secure);
    }
}
