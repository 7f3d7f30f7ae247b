package io.tunnelstore.cli;

import io.tunnelstore.client.CreateTunnelRequest;
import io.tunnelstore.client.TunnelClient;
import io.tunnelstore.client.TunnelStreamConfig;
import io.tunnelstore.client.TunnelType;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.TypeConversionException;

/** {@code tunnelstore tunnel create TABLE NAME --type base|stream|base-and-stream [--from …] [--start/--end]}. */
@Command(name = "create", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Create a tunnel on a table and print its id.",
                "Types: base (the table's rows, then the tunnel ends), stream (changes), base-and-stream (rows,",
                "then every change after them). Stream tunnels need the table's stream (table create",
                "--stream-hours). The stream part starts --from latest (changes after creation, the default) or",
                "earliest (oldest retained change), or covers [--start, --end)."})
final class TunnelCreateCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "TABLE", description = "Table name.")
    String table;

    @Parameters(index = "1", paramLabel = "TUNNEL", description = "Tunnel name (unique per table).")
    String tunnel;

    @Option(names = "--type", defaultValue = "base-and-stream", paramLabel = "TYPE", converter = TypeConverter.class,
            description = "base, stream or base-and-stream (default: ${DEFAULT-VALUE}).")
    TunnelType type;

    @Option(names = "--from", paramLabel = "earliest|latest", converter = FromConverter.class,
            description = "Where the stream part starts (default: latest).")
    TunnelStreamConfig.StartFrom from;

    @Option(names = "--rebaseline", negatable = true,
            description = "Re-baseline a stream channel that fell behind retention instead of skipping the trimmed "
                    + "changes (Tunnelstore extension; default: the server's, on). --no-rebaseline keeps the "
                    + "public service's behaviour.")
    Boolean rebaseline;

    @Option(names = "--start", paramLabel = "TIME", converter = TimeConverter.class,
            description = "Start of the stream range (inclusive): ISO-8601 instant or epoch milliseconds.")
    Instant start;

    @Option(names = "--end", paramLabel = "TIME", converter = TimeConverter.class,
            description = "End of the stream range (exclusive): ISO-8601 instant or epoch milliseconds.")
    Instant end;

    @Override
    int run() {
        CreateTunnelRequest request;
        try {
            request = new CreateTunnelRequest(table, tunnel, type, streamConfig(), rebaseline);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        String id;
        try (TunnelClient client = TunnelClient.create(clientConfig())) {
            id = client.createTunnel(request);
        }
        if (json()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("tunnelName", tunnel);
            m.put("tunnelId", id);
            m.put("tableName", table);
            m.put("type", type.wireName());
            printJson(m);
        } else {
            out().printf("tunnel %s created on table %s (type %s, id %s)%n", tunnel, table, type.wireName(), id);
            out().flush();
        }
        return 0;
    }

    private TunnelStreamConfig streamConfig() {
        if (start == null && end != null) {
            throw new IllegalArgumentException("--end needs --start");
        }
        if (start != null && from != null) {
            throw new IllegalArgumentException("give either --from or --start/--end, not both");
        }
        if (start != null) {
            return TunnelStreamConfig.between(start, end);
        }
        if (from != null) {
            if (type == TunnelType.BASE_DATA) {
                throw new IllegalArgumentException("--from applies to stream and base-and-stream tunnels");
            }
            return from == TunnelStreamConfig.StartFrom.EARLIEST ? TunnelStreamConfig.earliest()
                    : TunnelStreamConfig.latest();
        }
        return null;
    }

    static final class TypeConverter implements ITypeConverter<TunnelType> {
        @Override
        public TunnelType convert(String value) {
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "base", "basedata", "base-data" -> TunnelType.BASE_DATA;
                case "stream" -> TunnelType.STREAM;
                case "base-and-stream", "baseandstream" -> TunnelType.BASE_AND_STREAM;
                default -> throw new TypeConversionException(
                        "expected base, stream or base-and-stream, got '" + value + "'");
            };
        }
    }

    static final class FromConverter implements ITypeConverter<TunnelStreamConfig.StartFrom> {
        @Override
        public TunnelStreamConfig.StartFrom convert(String value) {
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "earliest" -> TunnelStreamConfig.StartFrom.EARLIEST;
                case "latest" -> TunnelStreamConfig.StartFrom.LATEST;
                default -> throw new TypeConversionException("expected earliest or latest, got '" + value + "'");
            };
        }
    }

    /** ISO-8601 instants ({@code 2026-01-02T03:04:05Z}) or epoch milliseconds. */
    static final class TimeConverter implements ITypeConverter<Instant> {
        @Override
        public Instant convert(String value) {
            if (value.chars().allMatch(Character::isDigit) && !value.isEmpty()) {
                return Instant.ofEpochMilli(Long.parseLong(value));
            }
            try {
                return Instant.parse(value);
            } catch (DateTimeParseException e) {
                throw new TypeConversionException("expected an ISO-8601 instant such as 2026-01-02T03:04:05Z or "
                        + "epoch milliseconds, got '" + value + "'");
            }
        }
    }
}
