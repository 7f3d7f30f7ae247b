package io.tunnelstore.server.http;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.tunnelstore.protocol.Action;
import io.tunnelstore.server.auth.AccessPolicy;
import io.tunnelstore.server.auth.ActionPermissions;
import io.tunnelstore.server.auth.CredentialStore;
import io.tunnelstore.server.auth.Permission;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether a parsed request is inside its caller's {@link AccessPolicy}; runs after parsing and before the
 * handler, for requests from the wire and in-process calls alike. Outside: 403 {@code OTSNoPermissionAccess} with the
 * public service's message.
 *
 * <p>The action needs its {@link ActionPermissions#required permission}. A key limited to tables is further checked
 * against every table the request names: {@code table_name} fields at any depth (BatchWriteRow and BatchGetRow name
 * several), and ids that stand for a table ({@code tunnel_id}, {@code stream_id}, {@code shard_iterator}) through the
 * registered {@link TableLocator}s. An id no locator knows is left to the handler, which answers that it does not
 * exist. A listing without a table name (ListStream, tunnel/list) would show other tables' streams and tunnels and
 * is refused; ListTable is allowed and lists only the tables the key covers (its handler filters).
 */
final class AccessControl {

    private static final Logger log = LoggerFactory.getLogger(AccessControl.class);
    private static final Set<String> TABLE_NAME_FIELDS = Set.of("table_name", "table_names");

    private AccessControl() {}

    static void authorize(RequestContext ctx, Message request, Map<String, TableLocator> locators) {
        AccessPolicy policy = ctx.principal().policy();
        Action action = ctx.action();
        Permission needed = ActionPermissions.required(action);
        if (!policy.allows(needed)) {
            throw denied(ctx, "needs " + needed);
        }
        if (policy.allTables() || action == Action.LIST_TABLE || needed == Permission.AUTHENTICATED) {
            return;
        }
        Set<String> tables = new TreeSet<>();
        collectTables(request, ctx.instanceName(), locators, tables);
        if (tables.isEmpty() && (action == Action.LIST_STREAM || action == Action.TUNNEL_LIST)) {
            throw denied(ctx, "lists every table");
        }
        for (String table : tables) {
            if (!policy.coversTable(table)) {
                throw denied(ctx, "table " + table);
            }
        }
    }

    private static void collectTables(Message message, String instance, Map<String, TableLocator> locators,
                                      Set<String> out) {
        for (Map.Entry<FieldDescriptor, Object> field : message.getAllFields().entrySet()) {
            FieldDescriptor descriptor = field.getKey();
            Iterable<?> values = descriptor.isRepeated() ? (Iterable<?>) field.getValue()
                    : java.util.List.of(field.getValue());
            for (Object value : values) {
                if (value instanceof Message nested) {
                    collectTables(nested, instance, locators, out);
                } else if (value instanceof String text) {
                    String name = descriptor.getName();
                    if (TABLE_NAME_FIELDS.contains(name)) {
                        out.add(text);
                    } else {
                        TableLocator locator = locators.get(name);
                        if (locator != null) {
                            Optional<String> table = locator.tableOf(instance, text);
                            table.ifPresent(out::add);
                        }
                    }
                }
            }
        }
    }

    private static RuntimeException denied(RequestContext ctx, String why) {
        log.info("Request {} {} refused for access key {} ({}): outside its scope",
                ctx.requestId(), ctx.action().path(), ctx.principal().accessKeyId(), why);
        return CredentialStore.noPermission();
    }
}
