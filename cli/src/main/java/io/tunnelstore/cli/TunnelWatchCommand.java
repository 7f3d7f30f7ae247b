package io.tunnelstore.cli;

import io.tunnelstore.client.TunnelClient;
import io.tunnelstore.client.TunnelDescription;
import io.tunnelstore.client.TunnelInfo;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code tunnelstore tunnel watch TABLE TUNNEL}: a live view of a tunnel's channels (status, owner, RPO, counts,
 * rates) and of its base-phase progress, refreshed every {@code --interval}: redrawn in place with ANSI cursor
 * movement on a terminal, printed as successive snapshots otherwise (or as one JSON object per snapshot).
 */
@Command(name = "watch", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Watch a tunnel: its stage, base-phase progress (share of base channels finished, rows/s)",
                "and a table of channels with status, owner, RPO, count and rate, refreshed every --interval.",
                "On a terminal the view is redrawn in place; otherwise snapshots follow one another.",
                "Runs until Ctrl-C or --iterations snapshots."})
final class TunnelWatchCommand extends ClientCommand {

    /** Waits between snapshots (replaced in tests). */
    interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    @Parameters(index = "0", paramLabel = "TABLE", description = "Table name.")
    String table;

    @Parameters(index = "1", paramLabel = "TUNNEL", description = "Tunnel name.")
    String tunnel;

    @Option(names = "--interval", defaultValue = "PT2S", paramLabel = "DURATION",
            description = "Time between refreshes, ISO-8601 (default: ${DEFAULT-VALUE}).")
    Duration interval;

    @Option(names = "--iterations", defaultValue = "0", paramLabel = "N",
            description = "Stop after N snapshots; 0 runs until Ctrl-C (default: ${DEFAULT-VALUE}).")
    long iterations;

    /** Whether the view is redrawn in place. */
    enum Redraw { AUTO, ALWAYS, NEVER }

    @Option(names = "--redraw", defaultValue = "auto", paramLabel = "auto|always|never",
            converter = RedrawConverter.class,
            description = "Redraw the view in place with ANSI cursor movement: auto (on a terminal), always or "
                    + "never (successive snapshots) (default: ${DEFAULT-VALUE}).")
    Redraw redraw;

    static final class RedrawConverter implements picocli.CommandLine.ITypeConverter<Redraw> {
        @Override
        public Redraw convert(String value) {
            try {
                return Redraw.valueOf(value.toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(
                        "expected auto, always or never, got '" + value + "'");
            }
        }
    }

    LongSupplier nanoTime = System::nanoTime;
    Clock clock = Clock.systemUTC();
    Sleeper sleeper = d -> Thread.sleep(d.toMillis());

    @Override
    int run() throws InterruptedException {
        if (iterations < 0) {
            throw new ParameterException(spec.commandLine(), "--iterations must not be negative");
        }
        if (interval.isNegative() || interval.isZero()) {
            throw new ParameterException(spec.commandLine(), "--interval must be positive");
        }
        boolean inPlace = !json() && (redraw == Redraw.ALWAYS || (redraw == Redraw.AUTO && Terminal.isInteractive()));
        PrintWriter out = out();
        try (TunnelClient client = TunnelClient.create(clientConfig())) {
            TunnelProgress previous = null;
            int previousLines = 0;
            for (long i = 1; iterations == 0 || i <= iterations; i++) {
                TunnelDescription d = client.describeTunnel(table, tunnel);
                TunnelProgress progress = TunnelProgress.of(d, nanoTime.getAsLong(), previous);
                if (json()) {
                    out.println(Json.write(snapshotJson(d, progress)));
                } else {
                    String screen = render(d, progress);
                    if (inPlace && previousLines > 0) {
                        // Cursor up to the first line of the previous view, then clear to the end of the screen.
                        out.print("\u001b[" + previousLines + "A\r\u001b[J");
                    } else if (!inPlace && previous != null) {
                        out.println();
                    }
                    out.print(screen);
                    previousLines = (int) screen.chars().filter(c -> c == '\n').count();
                }
                out.flush();
                previous = progress;
                if (iterations == 0 || i < iterations) {
                    sleeper.sleep(interval);
                }
            }
        }
        return 0;
    }

    /** The text view: a title line, the progress lines, the channels table. */
    String render(TunnelDescription d, TunnelProgress p) {
        TunnelInfo t = d.tunnel();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("tunnel %s on %s (%s, id %s) at %s%n", t.tunnelName(), t.tableName(),
                t.type().wireName(), t.tunnelId(), TunnelViews.time(clock.instant())));
        sb.append(String.format("stage %s, rpo %s%s%n", t.stage().wireName(), TunnelViews.time(d.tunnelRpo()),
                t.expired() ? ", EXPIRED" : ""));
        if (p.baseChannels() > 0) {
            sb.append(String.format("base: %d/%d channels done (%d%%), %d rows, %s rows/s%n", p.baseDone(),
                    p.baseChannels(), p.basePercent(), p.baseRows(), rate(p.baseRate())));
        }
        if (p.streamChannels() > 0) {
            sb.append(String.format("stream: %d channels, %d records, %s records/s%n", p.streamChannels(),
                    p.streamRecords(), rate(p.streamRate())));
        }
        sb.append(TunnelViews.channelTable(d.channels(), p.channelRates()).render());
        return sb.toString();
    }

    private Map<String, Object> snapshotJson(TunnelDescription d, TunnelProgress p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("time", TunnelViews.jsonTime(clock.instant()));
        m.putAll(TunnelViews.describeJson(d));
        Map<String, Object> progress = new LinkedHashMap<>();
        progress.put("baseChannels", p.baseChannels());
        progress.put("baseChannelsDone", p.baseDone());
        progress.put("basePercent", p.baseChannels() == 0 ? null : p.basePercent());
        progress.put("baseRows", p.baseRows());
        progress.put("baseRowsPerSecond", p.baseRate() < 0 ? null : p.baseRate());
        progress.put("streamChannels", p.streamChannels());
        progress.put("streamRecords", p.streamRecords());
        progress.put("streamRecordsPerSecond", p.streamRate() < 0 ? null : p.streamRate());
        m.put("progress", progress);
        return m;
    }

    private static String rate(long r) {
        return r < 0 ? "-" : Long.toString(r);
    }
}
