package io.tunnelstore.cluster;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How a node joins a cluster.
 *
 * @param zookeeper         ZooKeeper connect string (HBase's quorum), {@code host:port[,host:port...]}
 * @param instance          the Tunnelstore instance: nodes of one instance share members and ownership
 * @param nodeId            this node's id, unique in the instance (letters, digits, {@code . _ -})
 * @param advertisedAddress where other nodes reach this node for forwarded requests ({@code host:port})
 * @param sessionTimeout    the ZooKeeper session timeout: the lease; a stopped node's resources move after it
 * @param connectTimeout    how long {@link ClusterNode#join} waits to connect and announce the node
 */
public record ClusterSettings(String zookeeper, String instance, String nodeId, String advertisedAddress,
                              Duration sessionTimeout, Duration connectTimeout) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,128}");

    /** The session timeout a node uses unless told otherwise (docs/scale-out.md, "Failover time bound"). */
    public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(10);

    public ClusterSettings {
        Objects.requireNonNull(zookeeper, "zookeeper");
        Objects.requireNonNull(advertisedAddress, "advertisedAddress");
        Objects.requireNonNull(sessionTimeout, "sessionTimeout");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        for (String[] named : new String[][] {{"instance", instance}, {"node id", nodeId}}) {
            if (named[1] == null || !NAME.matcher(named[1]).matches() || named[1].startsWith(".")) {
                throw new IllegalArgumentException("invalid " + named[0] + " '" + named[1]
                        + "': use 1 to 128 letters, digits, '.', '_' or '-', not starting with '.'");
            }
        }
        if (sessionTimeout.isNegative() || sessionTimeout.isZero()) {
            throw new IllegalArgumentException("sessionTimeout must be positive: " + sessionTimeout);
        }
    }

    /** Settings with the default session timeout and a 30 s connect timeout. */
    public static ClusterSettings of(String zookeeper, String instance, String nodeId, String advertisedAddress) {
        return new ClusterSettings(zookeeper, instance, nodeId, advertisedAddress, DEFAULT_SESSION_TIMEOUT,
                Duration.ofSeconds(30));
    }

    public ClusterSettings withSessionTimeout(Duration timeout) {
        return new ClusterSettings(zookeeper, instance, nodeId, advertisedAddress, timeout, connectTimeout);
    }

    /** The znode holding the instance's catalog version (Curator SharedCount). */
    String catalogVersionPath() {
        return "/tunnelstore/" + instance + "/catalog-version";
    }

    /** The znode under which the members of the instance announce themselves. */
    String membersPath() {
        return "/tunnelstore/" + instance + "/members";
    }
}
