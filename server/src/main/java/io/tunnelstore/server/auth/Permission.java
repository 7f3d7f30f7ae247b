package io.tunnelstore.server.auth;

/**
 * What an API action needs from the key that signs it. Every {@link io.tunnelstore.protocol.Action} maps to exactly
 * one permission ({@link ActionPermissions}); a {@link KeyScope} is a set of permissions.
 */
public enum Permission {
    /** Read rows, table metadata and streams: GetRow, GetRange, DescribeTable, GetStreamRecord, ... */
    READ_DATA,
    /** Change rows: PutRow, UpdateRow, DeleteRow, BatchWriteRow. */
    WRITE_DATA,
    /** Create, change and drop tables: CreateTable, UpdateTable, DeleteTable. */
    MANAGE_TABLES,
    /** See tunnels and their progress: tunnel/list, tunnel/describe, tunnel/getrpo, ... */
    READ_TUNNELS,
    /** Run a tunnel client: tunnel/connect, heartbeat, readrecords, checkpoint, getcheckpoint, shutdown. */
    CONSUME_TUNNELS,
    /** Create, delete and re-schedule tunnels: tunnel/create, tunnel/delete, tunnel/schedule. */
    MANAGE_TUNNELS,
    /** Manage the instance's access keys (tunnelstore/admin/*-key). */
    ADMINISTER,
    /**
     * Needs only a valid signature; the handler applies its own rule (tunnelstore/admin/mint-credentials: any
     * permanent key allowed to mint, see {@link CredentialStore#mintTemporary}).
     */
    AUTHENTICATED
}
