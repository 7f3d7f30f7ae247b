package io.tunnelstore.server.auth;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a request may do: a set of {@link Permission}s, and the tables they apply to (all tables, or only the named
 * ones). A key's policy comes from its {@link KeyScope} and table list; a temporary credential's policy is the
 * {@link #intersect intersection} of its own (fixed at mint time) and its parent key's current one, so it can only
 * ever narrow. Immutable.
 *
 * @param permissions what the holder may do
 * @param allTables   whether the permissions apply to every table (then {@code tables} is empty)
 * @param tables      the tables they apply to when {@code allTables} is false (may be empty: no table at all)
 */
public record AccessPolicy(Set<Permission> permissions, boolean allTables, Set<String> tables) {

    /** Everything, on every table: the environment key, admin keys, and the server's own in-process readers. */
    public static final AccessPolicy ADMIN = of(KeyScope.ADMIN, Set.of());

    /** The most a temporary credential may do, whatever its scope: everything but key management. */
    public static final AccessPolicy TEMPORARY_LIMIT = new AccessPolicy(
            EnumSet.complementOf(EnumSet.of(Permission.ADMINISTER)), true, Set.of());

    public AccessPolicy {
        permissions = permissions.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(permissions));
        tables = Set.copyOf(new TreeSet<>(tables));
        if (allTables && !tables.isEmpty()) {
            throw new IllegalArgumentException("a policy for all tables names no tables: " + tables);
        }
    }

    /** The policy of {@code scope}, on {@code tables} (empty: all tables). */
    public static AccessPolicy of(KeyScope scope, Set<String> tables) {
        Objects.requireNonNull(scope, "scope");
        return new AccessPolicy(scope.permissions(), tables.isEmpty(), tables);
    }

    /** Whether the policy grants {@code permission} (on at least some table). */
    public boolean allows(Permission permission) {
        return permissions.contains(permission);
    }

    /** Whether the policy covers {@code table}. */
    public boolean coversTable(String table) {
        return allTables || tables.contains(table);
    }

    /** Whether this is the full admin policy. */
    public boolean admin() {
        return permissions.contains(Permission.ADMINISTER) && allTables;
    }

    /** What both policies allow. */
    public AccessPolicy intersect(AccessPolicy other) {
        Set<Permission> both = EnumSet.noneOf(Permission.class);
        both.addAll(permissions);
        both.retainAll(other.permissions);
        if (allTables && other.allTables) {
            return new AccessPolicy(both, true, Set.of());
        }
        Set<String> names = new TreeSet<>(allTables ? other.tables : tables);
        if (!allTables && !other.allTables) {
            names.retainAll(other.tables);
        }
        return new AccessPolicy(both, false, names);
    }

    /** Whether everything this policy allows is also allowed by {@code wider}. */
    public boolean isWithin(AccessPolicy wider) {
        return wider.permissions.containsAll(permissions)
                && (wider.allTables || (!allTables && wider.tables.containsAll(tables)));
    }
}
