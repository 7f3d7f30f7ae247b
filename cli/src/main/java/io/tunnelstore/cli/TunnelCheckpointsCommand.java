package io.tunnelstore.cli;

import io.tunnelstore.client.AdminClient;
import io.tunnelstore.client.ChannelCheckpoint;
import io.tunnelstore.client.CheckpointChange;
import io.tunnelstore.client.CheckpointChangeResult;
import io.tunnelstore.client.CheckpointTarget;
import io.tunnelstore.client.TunnelCheckpoints;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tunnelstore tunnel checkpoints show|set|rewind|reset|fork|export|import}: checkpoint control (a Tunnelstore
 * extension; docs/tunnel-service.md "Checkpoint control"). Changes take effect while workers are connected (fenced:
 * the owning worker drops the channel and re-reads it from the new position), accept {@code --dry-run}, and are
 * recorded in {@code tunnel history}.
 */
@Command(name = "checkpoints", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Show and steer a tunnel's channel checkpoints: show, set, rewind, reset, fork, export, import.",
        synopsisSubcommandLabel = "COMMAND",
        subcommands = {TunnelCheckpointsCommand.Show.class, TunnelCheckpointsCommand.Set.class,
                TunnelCheckpointsCommand.Rewind.class, TunnelCheckpointsCommand.Reset.class,
                TunnelCheckpointsCommand.Fork.class, TunnelCheckpointsCommand.Export.class,
                TunnelCheckpointsCommand.Import.class})
final class TunnelCheckpointsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing command: one of " + spec.subcommands().keySet());
    }

    /** TABLE and TUNNEL, then the work with an {@link AdminClient}. */
    abstract static class TunnelArgs extends ClientCommand {
        @Parameters(index = "0", paramLabel = "TABLE", description = "Table name.")
        String table;

        @Parameters(index = "1", paramLabel = "TUNNEL", description = "Tunnel name.")
        String tunnel;

        @Override
        final int run() throws Exception {
            try (AdminClient admin = AdminClient.create(clientConfig())) {
                return run(admin);
            }
        }

        abstract int run(AdminClient admin) throws Exception;

        /** Prints a change's result: what changed (or would), channel by channel, and what was left alone. */
        int printChange(CheckpointChangeResult r, String op) {
            if (json()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("tunnelId", r.tunnelId());
                m.put("tunnel", r.tunnelName());
                m.put("dryRun", r.dryRun());
                List<Object> changes = new ArrayList<>();
                for (CheckpointChange c : r.changes()) {
                    Map<String, Object> cm = new LinkedHashMap<>();
                    cm.put("channel", c.channelId());
                    cm.put("before", c.before() == null ? null : checkpointJson(c.before()));
                    cm.put("after", checkpointJson(c.after()));
                    changes.add(cm);
                }
                m.put("changes", changes);
                m.put("skipped", r.skipped());
                printJson(m);
                return 0;
            }
            String n = r.changes().size() + " channel(s)";
            if (op.equals("fork")) {
                out().println(r.dryRun() ? "fork (dry run, nothing changed): would create tunnel " + r.tunnelName()
                        + " with " + n : "fork: created tunnel " + r.tunnelName() + " (id " + r.tunnelId() + ") with "
                        + n);
            } else {
                out().println(r.dryRun() ? op + " (dry run, nothing changed): would move " + n + " of tunnel "
                        + r.tunnelName() : op + ": moved " + n + " of tunnel " + r.tunnelName());
            }
            if (!r.changes().isEmpty()) {
                TextTable t = new TextTable(List.of("CHANNEL", "BEFORE", "AFTER", "NEXT-CHANGE"));
                for (CheckpointChange c : r.changes()) {
                    t.add(List.of(c.channelId(), c.before() == null ? "-" : position(c.before()),
                            position(c.after()), TunnelViews.time(c.after().nextChangeTime())));
                }
                out().print(t.render());
            }
            for (String s : r.skipped()) {
                out().println("left alone: " + s);
            }
            out().flush();
            return 0;
        }
    }

    /** A position in words: {@code seq N} (stream), {@code finished}, or {@code base row N}. */
    static String position(ChannelCheckpoint c) {
        if (c.finished()) {
            return "finished";
        }
        return c.nextSequence() != null ? "seq " + c.nextSequence() : "base row " + c.consumedCount();
    }

    static Map<String, Object> checkpointJson(ChannelCheckpoint c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("channel", c.channelId());
        m.put("type", c.channelType());
        m.put("status", c.status());
        m.put("owner", c.ownerClientId());
        m.put("version", c.version());
        m.put("sequenceNumber", c.sequenceNumber());
        m.put("shardId", c.shardId());
        m.put("nextSequence", c.nextSequence());
        m.put("nextChangeTime", TunnelViews.jsonTime(c.nextChangeTime()));
        m.put("consumedCount", c.consumedCount());
        m.put("finished", c.finished());
        m.put("lastCheckpointTime", TunnelViews.jsonTime(c.lastCheckpointTime()));
        m.put("token", c.token());
        return m;
    }

    @Command(name = "show", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = "Show each channel's checkpoint: status, owner, checkpoint sequence, position and the time "
                    + "of its next change.")
    static final class Show extends TunnelArgs {
        @Override
        int run(AdminClient admin) {
            TunnelCheckpoints c = admin.showCheckpoints(table, tunnel);
            if (json()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("tunnelId", c.tunnelId());
                m.put("tunnel", c.tunnelName());
                m.put("table", c.tableName());
                m.put("type", c.tunnelType());
                m.put("stage", c.stage());
                m.put("retentionStart", TunnelViews.jsonTime(c.retentionStart()));
                m.put("channels", c.channels().stream().map(TunnelCheckpointsCommand::checkpointJson).toList());
                printJson(m);
                return 0;
            }
            out().println("tunnel " + c.tunnelName() + " (" + c.tunnelType() + ", stage " + c.stage()
                    + ", rewind possible back to " + TunnelViews.time(c.retentionStart()) + ")");
            TextTable t = new TextTable(List.of("CHANNEL", "STATUS", "OWNER", "CKPT-SEQ", "POSITION", "NEXT-CHANGE",
                    "COUNT"));
            for (ChannelCheckpoint ch : c.channels()) {
                t.add(List.of(ch.channelId(), ch.status(), ch.ownerClientId() == null ? "-" : ch.ownerClientId(),
                        Long.toString(ch.sequenceNumber()), position(ch), TunnelViews.time(ch.nextChangeTime()),
                        Long.toString(ch.consumedCount())));
            }
            out().print(t.render());
            out().flush();
            return 0;
        }
    }

    /** Exactly one of the three ways to name a position. */
    static final class SetTarget {
        @Option(names = "--token", paramLabel = "TOKEN", description = "A token from 'show -o json' or an export.")
        String token;

        @Option(names = "--sequence", paramLabel = "N",
                description = "Stream channel: deliver from change-log sequence N on.")
        Long sequence;

        @Option(names = "--time", paramLabel = "TIME", converter = TunnelCreateCommand.TimeConverter.class,
                description = "Stream channel: the first change at or after TIME (ISO-8601 or epoch ms).")
        Instant time;
    }

    @Command(name = "set", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = "Set one channel's checkpoint (its owner drops it and re-reads from there).")
    static final class Set extends TunnelArgs {
        @Parameters(index = "2", paramLabel = "CHANNEL", description = "Channel id (see 'show').")
        String channel;

        @ArgGroup(exclusive = true, multiplicity = "1")
        SetTarget target;

        @Option(names = "--dry-run", description = "Only show what would change.")
        boolean dryRun;

        @Override
        int run(AdminClient admin) {
            if (target.sequence != null && target.sequence < 1) {
                throw new ParameterException(spec.commandLine(), "--sequence must be at least 1, got "
                        + target.sequence);
            }
            CheckpointTarget t = target.token != null ? CheckpointTarget.token(target.token)
                    : target.sequence != null ? CheckpointTarget.sequence(target.sequence)
                    : CheckpointTarget.time(target.time);
            return printChange(admin.setCheckpoint(table, tunnel, channel, t, dryRun), "set");
        }
    }

    @Command(name = "rewind", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = "Rewind every stream channel to the first change at or after a time within retention.")
    static final class Rewind extends TunnelArgs {
        @Option(names = "--to", required = true, paramLabel = "TIME",
                converter = TunnelCreateCommand.TimeConverter.class,
                description = "ISO-8601 instant (2026-01-02T03:04:05Z) or epoch milliseconds.")
        Instant to;

        @Option(names = "--dry-run", description = "Only show what would change.")
        boolean dryRun;

        @Override
        int run(AdminClient admin) {
            return printChange(admin.rewindCheckpoints(table, tunnel, to, dryRun), "rewind");
        }
    }

    @Command(name = "reset", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = "Move every stream channel to the latest position (skip what is not consumed yet).")
    static final class Reset extends TunnelArgs {
        @Option(names = "--dry-run", description = "Only show what would change.")
        boolean dryRun;

        @Override
        int run(AdminClient admin) {
            return printChange(admin.resetCheckpoints(table, tunnel, dryRun), "reset");
        }
    }

    @Command(name = "fork", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = "Create a new tunnel from this tunnel's checkpoints (or from a time); the original is not "
                    + "touched.")
    static final class Fork extends TunnelArgs {
        @Parameters(index = "2", paramLabel = "NEW_TUNNEL", description = "Name of the new tunnel.")
        String newTunnel;

        @Option(names = "--from", paramLabel = "TIME", converter = TunnelCreateCommand.TimeConverter.class,
                description = "Start the new tunnel's stream at the first change at or after TIME instead of the "
                        + "current checkpoints.")
        Instant from;

        @Option(names = "--dry-run", description = "Only show what would be created.")
        boolean dryRun;

        @Override
        int run(AdminClient admin) {
            return printChange(admin.forkTunnel(table, tunnel, newTunnel, from, dryRun), "fork");
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = "Write the checkpoints as JSON (format tunnelstore.checkpoints/1) to stdout or a file.")
    static final class Export extends TunnelArgs {
        @Option(names = {"-f", "--file"}, paramLabel = "PATH", description = "Write to PATH instead of stdout.")
        Path file;

        @Override
        int run(AdminClient admin) throws IOException {
            String json = admin.exportCheckpoints(table, tunnel);
            if (file == null) {
                out().println(json);
                out().flush();
            } else {
                Files.writeString(file, json + "\n", StandardCharsets.UTF_8);
                err().println("exported the checkpoints of tunnel " + tunnel + " to " + file);
                err().flush();
            }
            return 0;
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = "Set the checkpoints of an export (same table; validated as a whole first).")
    static final class Import extends TunnelArgs {
        @Option(names = {"-f", "--file"}, required = true, paramLabel = "PATH",
                description = "The export to read ('-' for stdin).")
        String file;

        @Option(names = "--dry-run", description = "Only show what would change.")
        boolean dryRun;

        /** Standard input; replaceable in tests. */
        InputStream stdin = System.in;

        @Override
        int run(AdminClient admin) {
            String json;
            try {
                json = "-".equals(file) ? new String(stdin.readAllBytes(), StandardCharsets.UTF_8)
                        : Files.readString(Path.of(file), StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                throw new IllegalArgumentException("no such file: " + file);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
            }
            return printChange(admin.importCheckpoints(table, tunnel, json, dryRun), "import");
        }
    }
}
