package io.tunnelstore.server.console;

import com.google.protobuf.Message;
import io.tunnelstore.protocol.Action;
import io.tunnelstore.protocol.errors.ErrorCode;
import io.tunnelstore.protocol.errors.OtsException;
import io.tunnelstore.protocol.pb.AdminProtos.ChannelCheckpoint;
import io.tunnelstore.protocol.pb.AdminProtos.ChannelCheckpointChange;
import io.tunnelstore.protocol.pb.AdminProtos.CheckpointChangeResponse;
import io.tunnelstore.protocol.pb.AdminProtos.ExportCheckpointsResponse;
import io.tunnelstore.protocol.pb.AdminProtos.ForkTunnelRequest;
import io.tunnelstore.protocol.pb.AdminProtos.ImportCheckpointsRequest;
import io.tunnelstore.protocol.pb.AdminProtos.ResetCheckpointsRequest;
import io.tunnelstore.protocol.pb.AdminProtos.RewindCheckpointsRequest;
import io.tunnelstore.protocol.pb.AdminProtos.SetCheckpointRequest;
import io.tunnelstore.protocol.pb.AdminProtos.ShowCheckpointsRequest;
import io.tunnelstore.protocol.pb.AdminProtos.TunnelCheckpoints;
import io.tunnelstore.server.auth.Permission;
import io.tunnelstore.server.http.OperationRegistry;
import io.tunnelstore.server.http.Principal;
import io.tunnelstore.server.http.RequestContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The console's side of checkpoint control (docs/tunnel-service.md "Checkpoint control"): it calls the tunnel
 * service's {@code tunnelstore/admin/checkpoints-*} actions in-process <em>as the logged-in key</em>, so the same
 * permission checks apply as on the wire (show and export need {@code READ_TUNNELS}; set, rewind, reset, fork and
 * import need {@code MANAGE_TUNNELS} on the tunnel's table), and the audit trail names that key. Answers are turned
 * into the console's JSON maps; a refused action becomes {@link Refused} with the service's error code and message.
 *
 * <p>Form fields of the change actions ({@code application/x-www-form-urlencoded}): {@code dryRun} ({@code true} =
 * preview only), and per action: set — {@code channelId} and exactly one of {@code token}, {@code nextSequence},
 * {@code timeMs}; rewind — {@code timeMs}; reset — nothing; fork — {@code newTunnelName}, optional {@code timeMs};
 * import — {@code json}. Thread-safe.
 */
final class ConsoleCheckpoints {

    /** The change actions the console offers, by the last path segment of their console route. */
    static final List<String> CHANGE_ACTIONS = List.of("set", "rewind", "reset", "fork", "import");

    /** An action the tunnel service refused: HTTP status, protocol error code and message. */
    static final class Refused extends RuntimeException {
        final int status;
        final String code;

        Refused(int status, String code, String message) {
            super(message);
            this.status = status;
            this.code = code;
        }
    }

    private final OperationRegistry operations;
    private final Duration timeout;
    private final AtomicLong calls = new AtomicLong();

    ConsoleCheckpoints(OperationRegistry operations, Duration timeout) {
        this.operations = operations;
        this.timeout = timeout;
    }

    /** Whether {@code principal} may change the checkpoints of tunnels on {@code table} (MANAGE_TUNNELS there). */
    static boolean canManage(Principal principal, String table) {
        return principal.policy().allows(Permission.MANAGE_TUNNELS) && principal.policy().coversTable(table);
    }

    /** The tunnel's channel checkpoints (show), with whether the caller may change them. */
    Map<String, Object> show(String instance, Principal principal, String table, String tunnel) {
        TunnelCheckpoints c = (TunnelCheckpoints) call(instance, principal, Action.ADMIN_CHECKPOINTS_SHOW,
                ShowCheckpointsRequest.newBuilder().setTableName(table).setTunnelName(tunnel).build());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("tunnelId", c.getTunnelId());
        out.put("tunnelName", c.getTunnelName());
        out.put("tableName", c.getTableName());
        out.put("type", c.getTunnelType());
        out.put("stage", c.getStage());
        out.put("now", c.getNowMs());
        out.put("retentionStart", c.hasRetentionStartMs() ? c.getRetentionStartMs() : null);
        out.put("canManage", canManage(principal, table));
        List<Object> channels = new ArrayList<>();
        for (ChannelCheckpoint ch : c.getChannelsList()) {
            channels.add(channel(ch));
        }
        out.put("channels", channels);
        return out;
    }

    /** The export JSON of the tunnel's checkpoints (the text {@code tunnel checkpoints export} writes). */
    String export(String instance, Principal principal, String table, String tunnel) {
        return ((ExportCheckpointsResponse) call(instance, principal, Action.ADMIN_CHECKPOINTS_EXPORT,
                ShowCheckpointsRequest.newBuilder().setTableName(table).setTunnelName(tunnel).build())).getJson();
    }

    /**
     * Runs one change action ({@link #CHANGE_ACTIONS}) with the form's fields; with {@code dryRun=true} nothing
     * changes and the answer is the preview.
     *
     * @throws Refused for a bad form (400 OTSParameterInvalid) or whatever the tunnel service refuses
     */
    Map<String, Object> change(String instance, Principal principal, String table, String tunnel, String action,
                               Map<String, String> form) {
        boolean dryRun = "true".equals(form.get("dryRun"));
        Message request;
        Action op;
        switch (action) {
            case "set" -> {
                SetCheckpointRequest.Builder q = SetCheckpointRequest.newBuilder().setTableName(table)
                        .setTunnelName(tunnel).setChannelId(required(form, "channelId")).setDryRun(dryRun);
                int given = 0;
                if (present(form, "token")) {
                    q.setToken(form.get("token").strip());
                    given++;
                }
                if (present(form, "nextSequence")) {
                    q.setNextSequence(number(form, "nextSequence"));
                    given++;
                }
                if (present(form, "timeMs")) {
                    q.setTimeMs(number(form, "timeMs"));
                    given++;
                }
                if (given != 1) {
                    throw badForm("Give exactly one of token, nextSequence and timeMs.");
                }
                op = Action.ADMIN_CHECKPOINTS_SET;
                request = q.build();
            }
            case "rewind" -> {
                op = Action.ADMIN_CHECKPOINTS_REWIND;
                request = RewindCheckpointsRequest.newBuilder().setTableName(table).setTunnelName(tunnel)
                        .setTimeMs(number(form, "timeMs")).setDryRun(dryRun).build();
            }
            case "reset" -> {
                op = Action.ADMIN_CHECKPOINTS_RESET;
                request = ResetCheckpointsRequest.newBuilder().setTableName(table).setTunnelName(tunnel)
                        .setDryRun(dryRun).build();
            }
            case "fork" -> {
                ForkTunnelRequest.Builder q = ForkTunnelRequest.newBuilder().setTableName(table).setTunnelName(tunnel)
                        .setNewTunnelName(required(form, "newTunnelName").strip()).setDryRun(dryRun);
                if (present(form, "timeMs")) {
                    q.setTimeMs(number(form, "timeMs"));
                }
                op = Action.ADMIN_CHECKPOINTS_FORK;
                request = q.build();
            }
            case "import" -> {
                op = Action.ADMIN_CHECKPOINTS_IMPORT;
                request = ImportCheckpointsRequest.newBuilder().setTableName(table).setTunnelName(tunnel)
                        .setJson(required(form, "json")).setDryRun(dryRun).build();
            }
            default -> throw new Refused(404, ErrorCode.PARAMETER_INVALID.code(), "No such checkpoint action: "
                    + action);
        }
        CheckpointChangeResponse r = (CheckpointChangeResponse) call(instance, principal, op, request);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("action", action);
        out.put("dryRun", r.getDryRun());
        out.put("tunnelId", r.getTunnelId().isEmpty() ? null : r.getTunnelId());
        out.put("tunnelName", r.getTunnelName());
        List<Object> changes = new ArrayList<>();
        for (ChannelCheckpointChange c : r.getChangesList()) {
            Map<String, Object> change = new LinkedHashMap<>();
            change.put("channelId", c.getChannelId());
            change.put("before", c.hasBefore() ? channel(c.getBefore()) : null);
            change.put("after", channel(c.getAfter()));
            changes.add(change);
        }
        out.put("changes", changes);
        out.put("skipped", new ArrayList<>(r.getSkippedList()));
        return out;
    }

    static Map<String, Object> channel(ChannelCheckpoint c) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("channelId", c.getChannelId());
        out.put("type", c.getChannelType());
        out.put("status", c.getStatus());
        out.put("owner", c.hasOwnerClientId() ? c.getOwnerClientId() : null);
        out.put("version", c.getVersion());
        out.put("token", c.getToken());
        out.put("sequenceNumber", c.getSequenceNumber());
        out.put("shardId", c.hasShardId() ? c.getShardId() : null);
        out.put("nextSequence", c.hasNextSequence() ? c.getNextSequence() : null);
        out.put("nextChangeTime", c.hasNextChangeTimeMs() ? c.getNextChangeTimeMs() : null);
        out.put("consumed", c.getConsumedCount());
        out.put("finished", c.getFinished());
        out.put("lastCheckpointTime", c.getLastCheckpointTimeMs() == 0 ? null : c.getLastCheckpointTimeMs());
        return out;
    }

    private Message call(String instance, Principal principal, Action action, Message request) {
        RequestContext ctx = new RequestContext("console-" + calls.incrementAndGet(), instance, action, principal,
                Map.of(), System.currentTimeMillis());
        try {
            return operations.callLocally(ctx, request).toCompletableFuture()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Refused(500, ErrorCode.INTERNAL_SERVER_ERROR.code(), "Interrupted.");
        } catch (TimeoutException e) {
            throw new Refused(503, ErrorCode.TIMEOUT.code(), action.path() + " did not answer within "
                    + timeout.toMillis() + " ms.");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof CompletionException ce && ce.getCause() != null
                    ? ce.getCause() : e.getCause();
            if (cause instanceof OtsException ots) {
                throw new Refused(ots.httpStatus(), ots.errorCode().code(), ots.getMessage());
            }
            throw new IllegalStateException(action.path() + " failed", cause);
        }
    }

    private static boolean present(Map<String, String> form, String name) {
        String v = form.get(name);
        return v != null && !v.isBlank();
    }

    private static String required(Map<String, String> form, String name) {
        if (!present(form, name)) {
            throw badForm("Missing " + name + ".");
        }
        return form.get(name);
    }

    private static long number(Map<String, String> form, String name) {
        String v = required(form, name).strip();
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw badForm(name + " must be a whole number: " + v);
        }
    }

    /** A console form error (not a wire error of the tunnel service; same code, so the page shows it alike). */
    private static Refused badForm(String message) {
        return new Refused(400, ErrorCode.PARAMETER_INVALID.code(), message);
    }
}
