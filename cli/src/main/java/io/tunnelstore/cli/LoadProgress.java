package io.tunnelstore.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Progress of a bulk load on stderr: on a terminal a bar redrawn in place ({@code \r}) at most ten times a
 * second, otherwise one plain line per interval (logs and pipes get no control characters). Percent is of the
 * input's bytes (when the size is known), the rate is rows per second since the start. Time comes from an
 * injected {@code nanoTime} so the output is testable. Not thread-safe.
 */
final class LoadProgress {
    /** How progress is shown. */
    enum Mode {
        /** A bar redrawn in place (terminals). */
        BAR,
        /** A line every interval (pipes, files, CI logs). */
        LINES,
        /** Nothing. */
        NONE
    }

    private static final long BAR_REDRAW_NANOS = 100_000_000L;
    private static final int BAR_WIDTH = 30;

    private final PrintWriter err;
    private final Mode mode;
    private final long totalBytes;
    private final LongSupplier nanoTime;
    private final long lineIntervalNanos;
    private final long startNanos;
    private long lastDrawNanos;
    private boolean drawn;

    /**
     * @param totalBytes size of the input, or -1 when unknown (standard input)
     * @param lineInterval time between two plain lines (LINES mode)
     */
    LoadProgress(PrintWriter err, Mode mode, long totalBytes, LongSupplier nanoTime, Duration lineInterval) {
        this.err = err;
        this.mode = mode;
        this.totalBytes = totalBytes;
        this.nanoTime = nanoTime;
        this.lineIntervalNanos = lineInterval.toNanos();
        this.startNanos = nanoTime.getAsLong();
        this.lastDrawNanos = startNanos;
    }

    /** Reports the position; draws when the redraw interval has passed. */
    void update(long bytesRead, long rows) {
        long now = nanoTime.getAsLong();
        switch (mode) {
            case BAR -> {
                if (!drawn || now - lastDrawNanos >= BAR_REDRAW_NANOS) {
                    err.print("\r" + bar(bytesRead, rows, now) + "\u001b[K");
                    err.flush();
                    lastDrawNanos = now;
                    drawn = true;
                }
            }
            case LINES -> {
                if (now - lastDrawNanos >= lineIntervalNanos) {
                    err.println(line(bytesRead, rows, now));
                    err.flush();
                    lastDrawNanos = now;
                }
            }
            case NONE -> {
            }
        }
    }

    /** Draws the final state (the bar then ends its line). */
    void finish(long bytesRead, long rows) {
        long now = nanoTime.getAsLong();
        switch (mode) {
            case BAR -> err.println("\r" + bar(bytesRead, rows, now) + "\u001b[K");
            case LINES -> err.println(line(bytesRead, rows, now));
            case NONE -> {
            }
        }
        err.flush();
    }

    /** {@code [#######.......]  45%  12345 rows  3210 rows/s}. */
    String bar(long bytesRead, long rows, long now) {
        StringBuilder sb = new StringBuilder();
        if (totalBytes > 0) {
            int filled = (int) Math.min(BAR_WIDTH, bytesRead * BAR_WIDTH / totalBytes);
            sb.append('[').append("#".repeat(filled)).append(".".repeat(BAR_WIDTH - filled)).append("] ")
                    .append(String.format(Locale.ROOT, "%3d%%  ", percent(bytesRead)));
        }
        sb.append(rows).append(" rows  ").append(rate(rows, now)).append(" rows/s");
        return sb.toString();
    }

    /** {@code load: 45% of 2.0 MB, 12345 rows, 3210 rows/s}. */
    String line(long bytesRead, long rows, long now) {
        StringBuilder sb = new StringBuilder("load: ");
        if (totalBytes > 0) {
            sb.append(percent(bytesRead)).append("% of ").append(bytes(totalBytes)).append(", ");
        } else {
            sb.append(bytes(bytesRead)).append(" read, ");
        }
        sb.append(rows).append(" rows, ").append(rate(rows, now)).append(" rows/s");
        return sb.toString();
    }

    private int percent(long bytesRead) {
        return (int) Math.min(100, bytesRead * 100 / totalBytes);
    }

    private long rate(long rows, long now) {
        long elapsed = now - startNanos;
        return elapsed <= 0 ? 0 : Math.round(rows * 1e9 / elapsed);
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        if (n < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KB", n / 1024.0);
        }
        if (n < 1024L * 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f MB", n / (1024.0 * 1024));
        }
        return String.format(Locale.ROOT, "%.1f GB", n / (1024.0 * 1024 * 1024));
    }
}
