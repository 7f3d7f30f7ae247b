package io.tunnelstore.protocol;

import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Every operation a server routes (PROTOCOL.md §1.2 table API, §1.3 tunnel API). The request path is
 * {@code "/" + path()}; paths are case-sensitive.
 *
 * <p>{@link #idempotent()} follows the Java SDK's classification (which decides its retries on 5xx and network
 * errors). Go differs for ComputeSplitPointsBySize and GetShardIterator (not idempotent in Go). The Go-only
 * tunnel calls are classified by their semantics: getrpo/getrpobyoffset are reads (idempotent), schedule
 * changes channel state (not idempotent).
 */
public enum Action {
    CREATE_TABLE("CreateTable", false),
    DELETE_TABLE("DeleteTable", false),
    LIST_TABLE("ListTable", true),
    DESCRIBE_TABLE("DescribeTable", true),
    UPDATE_TABLE("UpdateTable", false),
    PUT_ROW("PutRow", false),
    UPDATE_ROW("UpdateRow", false),
    DELETE_ROW("DeleteRow", false),
    GET_ROW("GetRow", true),
    BATCH_GET_ROW("BatchGetRow", true),
    BATCH_WRITE_ROW("BatchWriteRow", false),
    GET_RANGE("GetRange", true),
    COMPUTE_SPLIT_POINTS_BY_SIZE("ComputeSplitPointsBySize", true),
    LIST_STREAM("ListStream", true),
    DESCRIBE_STREAM("DescribeStream", true),
    GET_SHARD_ITERATOR("GetShardIterator", true),
    GET_STREAM_RECORD("GetStreamRecord", true),

    TUNNEL_CREATE("tunnel/create", false),
    TUNNEL_DELETE("tunnel/delete", false),
    TUNNEL_LIST("tunnel/list", true),
    TUNNEL_DESCRIBE("tunnel/describe", true),
    TUNNEL_CONNECT("tunnel/connect", false),
    TUNNEL_HEARTBEAT("tunnel/heartbeat", false),
    TUNNEL_SHUTDOWN("tunnel/shutdown", false),
    TUNNEL_GET_CHECKPOINT("tunnel/getcheckpoint", true),
    TUNNEL_READ_RECORDS("tunnel/readrecords", true),
    TUNNEL_CHECKPOINT("tunnel/checkpoint", false),
    TUNNEL_GET_RPO("tunnel/getrpo", true),
    TUNNEL_GET_RPO_BY_OFFSET("tunnel/getrpobyoffset", true),
    TUNNEL_SCHEDULE("tunnel/schedule", false),

    /** Tunnelstore-only (not Tablestore): temporary credentials under the calling key ({@code admin.proto}). */
    ADMIN_MINT_CREDENTIALS("tunnelstore/admin/mint-credentials", false),
    /** Tunnelstore-only: access key management ({@code admin.proto}, admin keys only). */
    ADMIN_CREATE_KEY("tunnelstore/admin/create-key", false),
    ADMIN_LIST_KEYS("tunnelstore/admin/list-keys", true),
    ADMIN_SET_KEY_ENABLED("tunnelstore/admin/set-key-enabled", false),
    ADMIN_DELETE_KEY("tunnelstore/admin/delete-key", false),
    ADMIN_ROTATE_KEY("tunnelstore/admin/rotate-key", false),
    // Checkpoint control of tunnels (docs/tunnel-service.md); only show and export are reads.
    ADMIN_CHECKPOINTS_SHOW("tunnelstore/admin/checkpoints-show", true),
    ADMIN_CHECKPOINTS_SET("tunnelstore/admin/checkpoints-set", false),
    ADMIN_CHECKPOINTS_REWIND("tunnelstore/admin/checkpoints-rewind", false),
    ADMIN_CHECKPOINTS_RESET("tunnelstore/admin/checkpoints-reset", false),
    ADMIN_CHECKPOINTS_FORK("tunnelstore/admin/checkpoints-fork", false),
    ADMIN_CHECKPOINTS_EXPORT("tunnelstore/admin/checkpoints-export", true),
    ADMIN_CHECKPOINTS_IMPORT("tunnelstore/admin/checkpoints-import", false);

    private static final Map<String, Action> BY_PATH =
            Stream.of(values()).collect(Collectors.toUnmodifiableMap(Action::path, Function.identity()));

    private final String path;
    private final boolean idempotent;

    Action(String path, boolean idempotent) {
        this.path = path;
        this.idempotent = idempotent;
    }

    /** The action as used in the URL and in the string to sign, without leading slash. */
    public String path() {
        return path;
    }

    public boolean idempotent() {
        return idempotent;
    }

    /** True for the {@code tunnel/...} operations. */
    public boolean isTunnel() {
        return path.startsWith("tunnel/");
    }

    /**
     * The action for a request path. Leading slashes are stripped first (Go sends {@code //Action} when its
     * endpoint ends with a slash); matching is exact and case-sensitive; unknown paths give empty.
     */
    public static Optional<Action> fromPath(String pathWithoutLeadingSlashes) {
        if (pathWithoutLeadingSlashes == null) {
            return Optional.empty();
        }
        int i = 0;
        while (i < pathWithoutLeadingSlashes.length() && pathWithoutLeadingSlashes.charAt(i) == '/') {
            i++;
        }
        return Optional.ofNullable(BY_PATH.get(pathWithoutLeadingSlashes.substring(i)));
    }
}
