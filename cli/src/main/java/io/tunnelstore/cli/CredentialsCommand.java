package io.tunnelstore.cli;

import io.tunnelstore.client.AdminClient;
import io.tunnelstore.client.Credentials;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** {@code tunnelstore credentials}: access credentials (admin operations of a running server). */
@Command(name = "credentials", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Mint temporary credentials on a running server (a permanent key allowed to mint).",
        synopsisSubcommandLabel = "COMMAND",
        subcommands = {CredentialsCommand.Mint.class})
final class CredentialsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing command: one of " + spec.subcommands().keySet());
    }

    /**
     * {@code tunnelstore credentials mint --ttl PT1H [--scope S] [--table T]...}: STS-style temporary credentials
     * under the (permanent) key the command connects with, never wider than it, for handing to a job (our SDK or the
     * official SDKs' STS-token constructors).
     */
    @Command(name = "mint", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = "Mint temporary credentials (access key id, secret, security token) that expire after "
                    + "--ttl.")
    static final class Mint extends ClientCommand {

        @Option(names = "--ttl", defaultValue = "PT1H", paramLabel = "DURATION", converter = DurationConverter.class,
                description = "Lifetime as an ISO-8601 duration, e.g. PT15M or PT12H (at most PT12H; "
                        + "default: ${DEFAULT-VALUE}).")
        Duration ttl;

        @Option(names = "--scope", paramLabel = "SCOPE",
                description = "Narrower scope than the connecting key's: admin, read-write, read-only or "
                        + "tunnel-consume (default: the key's).")
        String scope;

        @Option(names = "--table", paramLabel = "TABLE",
                description = "Limit the credentials to this table (repeatable; default: the key's tables).")
        List<String> tables = new java.util.ArrayList<>();

        @Override
        int run() {
            if (ttl.toSeconds() < 1 || ttl.compareTo(AdminClient.MAX_TTL) > 0) {
                throw new ParameterException(spec.commandLine(),
                        "--ttl must be between PT1S and " + AdminClient.MAX_TTL + ", got " + ttl);
            }
            Credentials minted;
            try (AdminClient admin = AdminClient.create(clientConfig())) {
                minted = admin.mintTemporaryCredentials(ttl, scope, tables);
            }
            if (json()) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("accessKeyId", minted.accessKeyId());
                out.put("accessKeySecret", minted.accessKeySecret());
                out.put("securityToken", minted.securityToken());
                out.put("expiration", TunnelViews.jsonTime(minted.expiration()));
                printJson(out);
                return 0;
            }
            TextTable t = new TextTable(List.of("PROPERTY", "VALUE"));
            t.add(List.of("access key id", minted.accessKeyId()));
            t.add(List.of("access key secret", minted.accessKeySecret()));
            t.add(List.of("security token", minted.securityToken()));
            t.add(List.of("expires", TunnelViews.time(minted.expiration())));
            out().print(t.render());
            out().flush();
            return 0;
        }
    }

    /** ISO-8601 durations ({@code PT1H}); picocli has no built-in converter for them. */
    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return Duration.parse(value);
            } catch (DateTimeParseException e) {
                throw new TypeConversionException("expected an ISO-8601 duration such as PT1H, got '" + value + "'");
            }
        }
    }
}
