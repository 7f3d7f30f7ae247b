package io.tunnelstore.server.auth;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The rights of an access key: a fixed set of {@link Permission}s (optionally limited to named tables by the key's
 * {@link AccessPolicy}). The public service expresses this with RAM policies; Tunnelstore keeps four roles.
 *
 * <pre>
 * scope           READ_DATA WRITE_DATA MANAGE_TABLES READ_TUNNELS CONSUME_TUNNELS MANAGE_TUNNELS ADMINISTER
 * admin               x         x            x             x              x              x            x
 * read-write          x         x            x             x              x              x
 * read-only           x                                    x
 * tunnel-consume                                           x              x
 * </pre>
 */
public enum KeyScope {
    ADMIN("admin", EnumSet.allOf(Permission.class)),
    READ_WRITE("read-write", EnumSet.of(Permission.READ_DATA, Permission.WRITE_DATA, Permission.MANAGE_TABLES,
            Permission.READ_TUNNELS, Permission.CONSUME_TUNNELS, Permission.MANAGE_TUNNELS,
            Permission.AUTHENTICATED)),
    READ_ONLY("read-only", EnumSet.of(Permission.READ_DATA, Permission.READ_TUNNELS, Permission.AUTHENTICATED)),
    TUNNEL_CONSUME("tunnel-consume", EnumSet.of(Permission.READ_TUNNELS, Permission.CONSUME_TUNNELS,
            Permission.AUTHENTICATED));

    private final String wireName;
    private final Set<Permission> permissions;

    KeyScope(String wireName, Set<Permission> permissions) {
        this.wireName = wireName;
        this.permissions = Set.copyOf(permissions);
    }

    /** The name used on the wire, in the CLI and in the docs ({@code admin}, {@code read-write}, ...). */
    public String wireName() {
        return wireName;
    }

    /** The permissions this scope grants. */
    public Set<Permission> permissions() {
        return permissions;
    }

    /** The scope with this wire name (case-insensitive), or empty. */
    public static Optional<KeyScope> fromWireName(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String lower = name.strip().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(s -> s.wireName.equals(lower)).findFirst();
    }

    @Override
    public String toString() {
        return wireName;
    }
}
