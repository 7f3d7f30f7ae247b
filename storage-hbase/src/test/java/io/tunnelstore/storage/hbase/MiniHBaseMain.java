package io.tunnelstore.storage.hbase;

import java.io.IOException;
import java.io.InputStream;

/**
 * The minicluster of {@link MiniHBase} in a JVM of its own, for tests of other modules whose class path cannot hold
 * HBase's server side (protobuf 2.5 against the server's protobuf 4): prints {@code zookeeper=HOST:PORT} once the
 * cluster is up and runs until its standard input is closed (the parent closes it, or dies), then stops the cluster.
 *
 * <p>Its class path is written by this module's build to {@code target/minicluster.classpath} (test classes, main
 * classes, test dependencies).
 */
public final class MiniHBaseMain {
    private MiniHBaseMain() {}

    public static void main(String[] args) throws IOException {
        String quorum = MiniHBase.zookeeper();
        System.out.println("zookeeper=" + quorum);
        System.out.flush();
        InputStream in = System.in;
        while (in.read() >= 0) {
            // wait for EOF
        }
        System.exit(0); // the shutdown hook of MiniHBase stops the cluster
    }
}
