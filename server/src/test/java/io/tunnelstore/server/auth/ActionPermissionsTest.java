package io.tunnelstore.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunnelstore.protocol.Action;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every action's permission, spelled out, so a reclassification (or a new action) is a visible decision. */
class ActionPermissionsTest {

    @Test
    void everyActionIsClassified() {
        Map<Action, Permission> expected = new EnumMap<>(Action.class);
        for (Action a : Set.of(Action.GET_ROW, Action.BATCH_GET_ROW, Action.GET_RANGE,
                Action.COMPUTE_SPLIT_POINTS_BY_SIZE, Action.LIST_TABLE, Action.DESCRIBE_TABLE, Action.LIST_STREAM,
                Action.DESCRIBE_STREAM, Action.GET_SHARD_ITERATOR, Action.GET_STREAM_RECORD)) {
            expected.put(a, Permission.READ_DATA);
        }
        for (Action a : Set.of(Action.PUT_ROW, Action.UPDATE_ROW, Action.DELETE_ROW, Action.BATCH_WRITE_ROW)) {
            expected.put(a, Permission.WRITE_DATA);
        }
        for (Action a : Set.of(Action.CREATE_TABLE, Action.UPDATE_TABLE, Action.DELETE_TABLE)) {
            expected.put(a, Permission.MANAGE_TABLES);
        }
        for (Action a : Set.of(Action.TUNNEL_LIST, Action.TUNNEL_DESCRIBE, Action.TUNNEL_GET_CHECKPOINT,
                Action.TUNNEL_GET_RPO, Action.TUNNEL_GET_RPO_BY_OFFSET, Action.ADMIN_CHECKPOINTS_SHOW,
                Action.ADMIN_CHECKPOINTS_EXPORT)) {
            expected.put(a, Permission.READ_TUNNELS);
        }
        for (Action a : Set.of(Action.TUNNEL_CONNECT, Action.TUNNEL_HEARTBEAT, Action.TUNNEL_SHUTDOWN,
                Action.TUNNEL_READ_RECORDS, Action.TUNNEL_CHECKPOINT)) {
            expected.put(a, Permission.CONSUME_TUNNELS);
        }
        for (Action a : Set.of(Action.TUNNEL_CREATE, Action.TUNNEL_DELETE, Action.TUNNEL_SCHEDULE,
                Action.ADMIN_CHECKPOINTS_SET, Action.ADMIN_CHECKPOINTS_REWIND, Action.ADMIN_CHECKPOINTS_RESET,
                Action.ADMIN_CHECKPOINTS_FORK, Action.ADMIN_CHECKPOINTS_IMPORT)) {
            expected.put(a, Permission.MANAGE_TUNNELS);
        }
        expected.put(Action.ADMIN_MINT_CREDENTIALS, Permission.AUTHENTICATED);
        for (Action a : Set.of(Action.ADMIN_CREATE_KEY, Action.ADMIN_LIST_KEYS, Action.ADMIN_SET_KEY_ENABLED,
                Action.ADMIN_DELETE_KEY, Action.ADMIN_ROTATE_KEY)) {
            expected.put(a, Permission.ADMINISTER);
        }
        Map<Action, Permission> actual = new EnumMap<>(Action.class);
        for (Action a : Action.values()) {
            actual.put(a, ActionPermissions.required(a));
        }
        assertThat(actual).isEqualTo(expected);
    }

    @Test
    void scopesGrantWhatTheDocumentedTableSays() {
        assertThat(KeyScope.ADMIN.permissions()).containsExactlyInAnyOrder(Permission.values());
        assertThat(KeyScope.READ_WRITE.permissions()).containsExactlyInAnyOrder(Permission.READ_DATA,
                Permission.WRITE_DATA, Permission.MANAGE_TABLES, Permission.READ_TUNNELS, Permission.CONSUME_TUNNELS,
                Permission.MANAGE_TUNNELS, Permission.AUTHENTICATED);
        assertThat(KeyScope.READ_ONLY.permissions()).containsExactlyInAnyOrder(Permission.READ_DATA,
                Permission.READ_TUNNELS, Permission.AUTHENTICATED);
        assertThat(KeyScope.TUNNEL_CONSUME.permissions()).containsExactlyInAnyOrder(Permission.READ_TUNNELS,
                Permission.CONSUME_TUNNELS, Permission.AUTHENTICATED);
    }

    @Test
    void policiesIntersectAndCompare() {
        AccessPolicy writerAb = AccessPolicy.of(KeyScope.READ_WRITE, Set.of("a", "b"));
        AccessPolicy readerBc = AccessPolicy.of(KeyScope.READ_ONLY, Set.of("b", "c"));
        assertThat(writerAb.intersect(readerBc)).isEqualTo(AccessPolicy.of(KeyScope.READ_ONLY, Set.of("b")));
        assertThat(AccessPolicy.ADMIN.intersect(readerBc)).isEqualTo(readerBc);
        assertThat(AccessPolicy.of(KeyScope.READ_ONLY, Set.of("a")).isWithin(writerAb)).isTrue();
        assertThat(AccessPolicy.of(KeyScope.READ_ONLY, Set.of()).isWithin(writerAb)).isFalse(); // all tables
        assertThat(readerBc.isWithin(writerAb)).isFalse();
        assertThat(writerAb.isWithin(AccessPolicy.ADMIN)).isTrue();
        assertThat(AccessPolicy.ADMIN.admin()).isTrue();
        assertThat(AccessPolicy.ADMIN.intersect(AccessPolicy.TEMPORARY_LIMIT).admin()).isFalse();
    }
}
