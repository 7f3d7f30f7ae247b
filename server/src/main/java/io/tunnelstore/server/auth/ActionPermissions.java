package io.tunnelstore.server.auth;

import io.tunnelstore.protocol.Action;

/**
 * The one {@link Permission} each API action needs (docs/keys.md has the table). An action not listed here (a new
 * one nobody classified yet) needs {@link Permission#ADMINISTER}: unknown means admin-only, never open.
 */
public final class ActionPermissions {

    private ActionPermissions() {}

    /** What {@code action} needs. */
    public static Permission required(Action action) {
        return switch (action) {
            case GET_ROW, BATCH_GET_ROW, GET_RANGE, COMPUTE_SPLIT_POINTS_BY_SIZE, LIST_TABLE, DESCRIBE_TABLE,
                 LIST_STREAM, DESCRIBE_STREAM, GET_SHARD_ITERATOR, GET_STREAM_RECORD -> Permission.READ_DATA;
            case PUT_ROW, UPDATE_ROW, DELETE_ROW, BATCH_WRITE_ROW -> Permission.WRITE_DATA;
            case CREATE_TABLE, UPDATE_TABLE, DELETE_TABLE -> Permission.MANAGE_TABLES;
            // getcheckpoint only reads (the console and metrics show lag from it): a read, not consumption.
            case TUNNEL_LIST, TUNNEL_DESCRIBE, TUNNEL_GET_RPO, TUNNEL_GET_RPO_BY_OFFSET, TUNNEL_GET_CHECKPOINT ->
                    Permission.READ_TUNNELS;
            case TUNNEL_CONNECT, TUNNEL_HEARTBEAT, TUNNEL_SHUTDOWN, TUNNEL_READ_RECORDS, TUNNEL_CHECKPOINT ->
                    Permission.CONSUME_TUNNELS;
            case TUNNEL_CREATE, TUNNEL_DELETE, TUNNEL_SCHEDULE -> Permission.MANAGE_TUNNELS;
            case ADMIN_CHECKPOINTS_SHOW, ADMIN_CHECKPOINTS_EXPORT -> Permission.READ_TUNNELS;
            case ADMIN_CHECKPOINTS_SET, ADMIN_CHECKPOINTS_REWIND, ADMIN_CHECKPOINTS_RESET, ADMIN_CHECKPOINTS_FORK,
                 ADMIN_CHECKPOINTS_IMPORT -> Permission.MANAGE_TUNNELS;
            case ADMIN_MINT_CREDENTIALS -> Permission.AUTHENTICATED;
            default -> Permission.ADMINISTER;
        };
    }
}
