package io.tunnelstore.cli;

import io.tunnelstore.client.AccessKeyInfo;
import io.tunnelstore.client.AccessKeySecret;
import io.tunnelstore.client.AdminClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code tunnelstore keys}: the access keys of a running server's instance (admin key required; docs/keys.md).
 * Every change is effective for the server's next request.
 */
@Command(name = "keys", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Manage access keys on a running server (admin key required).",
        synopsisSubcommandLabel = "COMMAND",
        subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Disable.class,
                KeysCommand.Enable.class, KeysCommand.Delete.class, KeysCommand.Rotate.class})
final class KeysCommand implements Callable<Integer> {
    static final List<String> SCOPES = List.of("admin", "read-write", "read-only", "tunnel-consume");

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing command: one of " + spec.subcommands().keySet());
    }

    /** Shared printing of keys. */
    abstract static class KeyCommand extends ClientCommand {
        AdminClient admin() {
            return AdminClient.create(clientConfig());
        }

        static Map<String, Object> json(AccessKeyInfo key) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("accessKeyId", key.accessKeyId());
            out.put("scope", key.scope());
            out.put("tables", key.tables());
            out.put("enabled", key.enabled());
            out.put("origin", key.origin());
            out.put("maxTemporaryTtl", key.maxTemporaryTtl().toString());
            out.put("created", TunnelViews.jsonTime(key.createdAt()));
            return out;
        }

        static List<String> row(AccessKeyInfo key) {
            return List.of(key.accessKeyId(), key.scope(), key.tables().isEmpty() ? "*" : String.join(",",
                    key.tables()), key.enabled() ? "enabled" : "disabled", key.origin(),
                    key.maxTemporaryTtl().isZero() ? "-" : key.maxTemporaryTtl().toString(),
                    TunnelViews.time(key.createdAt()));
        }

        static TextTable table() {
            return new TextTable(List.of("ACCESS KEY ID", "SCOPE", "TABLES", "STATE", "ORIGIN", "MAX STS TTL",
                    "CREATED"));
        }

        int printKey(AccessKeyInfo key) {
            if (json()) {
                printJson(json(key));
            } else {
                TextTable t = table();
                t.add(row(key));
                out().print(t.render());
                out().flush();
            }
            return 0;
        }

        int printSecret(AccessKeySecret created) {
            if (json()) {
                Map<String, Object> out = json(created.key());
                out.put("accessKeySecret", created.secret());
                printJson(out);
                return 0;
            }
            TextTable t = new TextTable(List.of("PROPERTY", "VALUE"));
            AccessKeyInfo k = created.key();
            t.add(List.of("access key id", k.accessKeyId()));
            t.add(List.of("access key secret", created.secret()));
            t.add(List.of("scope", k.scope()));
            t.add(List.of("tables", k.tables().isEmpty() ? "*" : String.join(",", k.tables())));
            t.add(List.of("max sts ttl", k.maxTemporaryTtl().isZero() ? "-" : k.maxTemporaryTtl().toString()));
            out().print(t.render());
            out().println("The secret is shown only now; store it safely.");
            out().flush();
            return 0;
        }
    }

    /** {@code keys create --scope read-only [--table t]... [--max-temporary-ttl PT1H]}. */
    @Command(name = "create", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = "Create an access key; prints its id and secret (shown only once).")
    static final class Create extends KeyCommand {
        @Option(names = "--scope", required = true, paramLabel = "SCOPE",
                description = "admin, read-write, read-only or tunnel-consume.")
        String scope;

        @Option(names = "--table", paramLabel = "TABLE",
                description = "Limit the key to this table (repeatable; default: every table; not for admin).")
        List<String> tables = new ArrayList<>();

        @Option(names = "--max-temporary-ttl", paramLabel = "DURATION",
                converter = CredentialsCommand.DurationConverter.class,
                description = "Longest lifetime of temporary credentials the key may mint, ISO-8601, at most PT12H "
                        + "(PT0S: may not mint; default: PT12H for admin keys, PT0S for the others).")
        Duration maxTemporaryTtl;

        @Override
        int run() {
            if (!SCOPES.contains(scope)) {
                throw new ParameterException(spec.commandLine(), "--scope must be one of " + SCOPES + ", got '"
                        + scope + "'");
            }
            if (scope.equals("admin") && !tables.isEmpty()) {
                throw new ParameterException(spec.commandLine(), "an admin key cannot be limited to tables");
            }
            if (maxTemporaryTtl != null && (maxTemporaryTtl.isNegative()
                    || maxTemporaryTtl.compareTo(AdminClient.MAX_TTL) > 0)) {
                throw new ParameterException(spec.commandLine(), "--max-temporary-ttl must be between PT0S and "
                        + AdminClient.MAX_TTL + ", got " + maxTemporaryTtl);
            }
            try (AdminClient admin = admin()) {
                return printSecret(admin.createAccessKey(scope, tables, maxTemporaryTtl));
            }
        }
    }

    /** {@code keys list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = "List the instance's access keys (never their secrets).")
    static final class ListKeys extends KeyCommand {
        @Override
        int run() {
            List<AccessKeyInfo> keys;
            try (AdminClient admin = admin()) {
                keys = admin.listAccessKeys();
            }
            if (json()) {
                printJson(keys.stream().map(KeyCommand::json).toList());
                return 0;
            }
            TextTable t = table();
            keys.forEach(k -> t.add(row(k)));
            out().print(t.render());
            out().flush();
            return 0;
        }
    }

    /** Base of the commands taking one access key id. */
    abstract static class OneKey extends KeyCommand {
        @Parameters(index = "0", paramLabel = "ACCESS_KEY_ID", description = "The key to change.")
        String accessKeyId;
    }

    @Command(name = "disable", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = "Disable a key: it and every temporary credential minted from it are refused at once.")
    static final class Disable extends OneKey {
        @Override
        int run() {
            try (AdminClient admin = admin()) {
                return printKey(admin.disableAccessKey(accessKeyId));
            }
        }
    }

    @Command(name = "enable", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = "Enable a disabled key again.")
    static final class Enable extends OneKey {
        @Override
        int run() {
            try (AdminClient admin = admin()) {
                return printKey(admin.enableAccessKey(accessKeyId));
            }
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = "Delete a key for good; it and its temporary credentials stop working at once.")
    static final class Delete extends OneKey {
        @Override
        int run() {
            try (AdminClient admin = admin()) {
                admin.deleteAccessKey(accessKeyId);
            }
            if (json()) {
                printJson(Map.of("accessKeyId", accessKeyId, "deleted", true));
            } else {
                out().println("Deleted access key " + accessKeyId);
                out().flush();
            }
            return 0;
        }
    }

    @Command(name = "rotate", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = "Give a key a new secret (printed once); the old secret and its temporary credentials "
                    + "stop working at once.")
    static final class Rotate extends OneKey {
        @Override
        int run() {
            try (AdminClient admin = admin()) {
                return printSecret(admin.rotateAccessKey(accessKeyId));
            }
        }
    }
}
