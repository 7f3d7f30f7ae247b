package io.tunnelstore.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The dependency graph of docs/architecture.md ("Dependency rules"), checked on the compiled main classes of every
 * module. Maven already keeps modules from seeing what they do not declare; these rules pin the intent (a module
 * that later gains a Maven dependency still may not use it against the layering) and the layering of packages
 * inside the server, which Maven cannot see.
 */
@AnalyzeClasses(packages = "io.tunnelstore",
        importOptions = {ImportOption.DoNotIncludeTests.class, ExcludeGeneratedCode.class})
class LayeringTest {

    // Modules, by their packages.
    static final String PROTOCOL = "io.tunnelstore.protocol..";
    static final String COORDINATOR = "io.tunnelstore.coordinator..";
    static final String STORAGE = "io.tunnelstore.storage..";
    static final String SERVER = "io.tunnelstore.server..";
    static final String[] SDK = {"io.tunnelstore.client..", "io.tunnelstore.tunnel.."};
    static final String TESTKIT = "io.tunnelstore.testkit..";
    static final String CLI = "io.tunnelstore.cli..";
    static final String BENCH = "io.tunnelstore.bench..";
    static final String TEST_SUPPORT = "io.tunnelstore.testsupport..";
    static final String CLUSTER = "io.tunnelstore.cluster..";

    // Packages inside the server.
    static final String HTTP = "io.tunnelstore.server.http..";
    static final String TLS = "io.tunnelstore.server.tls..";

    @ArchTest
    static final ArchRule protocolDependsOnNothingOfOurs = noClasses().that().resideInAPackage(PROTOCOL)
            .should().dependOnClassesThat().resideInAnyPackage(COORDINATOR, STORAGE, SERVER, SDK[0], SDK[1], TESTKIT, CLI,
                    BENCH)
            .because("the wire protocol is shared by both sides and must stay a leaf");

    @ArchTest
    static final ArchRule storageDependsOnNothingOfOurs = noClasses().that().resideInAPackage(STORAGE)
            .should().dependOnClassesThat().resideInAnyPackage(PROTOCOL, COORDINATOR, SERVER, SDK[0], SDK[1], TESTKIT, CLI,
                    BENCH)
            .because("the storage SPI speaks bytes only, so another engine (HBase) can replace RocksDB");

    @ArchTest
    static final ArchRule serverNeverSeesClients = noClasses().that().resideInAPackage(SERVER)
            .should().dependOnClassesThat().resideInAnyPackage(SDK[0], SDK[1], TESTKIT, CLI, BENCH)
            .because("the server is used by the launcher and the test kit, never the other way round");

    @ArchTest
    static final ArchRule sdkNeverSeesTheServer = noClasses().that().resideInAnyPackage(SDK)
            .should().dependOnClassesThat().resideInAnyPackage(SERVER, COORDINATOR, STORAGE, TESTKIT, CLI, BENCH)
            .because("the SDK talks to any Tablestore-compatible endpoint over the wire only");

    @ArchTest
    static final ArchRule testSupportDependsOnNothingOfOurs = noClasses().that().resideInAPackage(TEST_SUPPORT)
            .should().dependOnClassesThat().resideInAnyPackage(PROTOCOL, STORAGE, SERVER, SDK[0], SDK[1], TESTKIT, CLI,
                    BENCH)
            .because("every module's tests use the test-support kit, so it must sit below all of them "
                    + "(docs/architecture.md, \"Test support\")");

    @ArchTest
    static final ArchRule onlyTheTestKitShipsTestSupport = noClasses().that()
            .resideOutsideOfPackages(TEST_SUPPORT, TESTKIT)
            .should().dependOnClassesThat().resideInAPackage(TEST_SUPPORT)
            .because("the manual clock and the await helper are test code: only the published test kit re-exports "
                    + "them; the server's InProcessServer takes any java.time.Clock");

    @ArchTest
    static final ArchRule clusterUsesOnlyTheStorageSpiAndCurator = classes().that().resideInAPackage(CLUSTER)
            .should().onlyDependOnClassesThat().resideInAnyPackage(CLUSTER, "io.tunnelstore.storage", "java..",
                    "org.slf4j..", "org.apache.curator..", "org.apache.zookeeper..")
            .because("membership and ownership work with any engine that offers fencing (docs/scale-out.md)");

    @ArchTest
    static final ArchRule theServerNeverSeesTheClusterMachinery = noClasses().that().resideInAPackage(SERVER)
            .should().dependOnClassesThat().resideInAnyPackage(CLUSTER, "org.apache.curator..",
                    "org.apache.zookeeper..", "org.apache.hadoop..")
            .because("a single node on RocksDB needs neither ZooKeeper nor HBase; the launcher wires a cluster in");

    /**
     * The server's view of a cluster ({@code io.tunnelstore.server.cluster}: ClusterPlacement, its single-node default,
     * the request forwarder) is plain Java over the storage SPI: the launcher adapts the cluster module to it.
     */
    @ArchTest
    static final ArchRule theServersClusterInterfaceIsPlain = classes().that()
            .resideInAPackage("io.tunnelstore.server.cluster..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("io.tunnelstore.server.cluster..",
                    "io.tunnelstore.storage", "java..", "javax.net.ssl..", "org.slf4j..")
            .because("every module of the server may use it, and a single node needs no cluster machinery "
                    + "(docs/scale-out.md; the JDK's TLS types: forwarding over https)");

    @ArchTest
    static final ArchRule nothingShippedDependsOnTheBench = noClasses().that().resideOutsideOfPackage(BENCH)
            .should().dependOnClassesThat().resideInAPackage(BENCH);

    @ArchTest
    static final ArchRule onlyTheLauncherUsesTheCli = noClasses().that().resideOutsideOfPackages(CLI, BENCH)
            .should().dependOnClassesThat().resideInAPackage(CLI);

    /** The coordinator module: itself, the protocol's shared vocabulary (ChannelStatus, TunnelTokens), JDK, SLF4J. */
    @ArchTest
    static final ArchRule coordinatorIsPureLogic = classes().that().resideInAPackage(COORDINATOR)
            .should().onlyDependOnClassesThat().resideInAnyPackage(COORDINATOR, PROTOCOL, "java..", "org.slf4j..")
            .because("the tunnel coordinator is a deterministic state machine with time passed in: no transport, "
                    + "storage or executor of its own (docs/tunnel-coordinator.md)");

    @ArchTest
    static final ArchRule onlyTheServerUsesTheCoordinator = noClasses().that()
            .resideOutsideOfPackages(COORDINATOR, SERVER)
            .should().dependOnClassesThat().resideInAPackage(COORDINATOR)
            .because("clients see channel states on the wire (protocol's ChannelStatus), never the coordinator");

    @ArchTest
    static final ArchRule onlyTheTransportTouchesNetty = noClasses().that().resideInAPackage(SERVER)
            .and().resideOutsideOfPackages(HTTP, TLS)
            .should().dependOnClassesThat().resideInAPackage("io.netty..")
            .because("modules register handlers and routes on the OperationRegistry; HTTP is the transport's job");

    /**
     * Inside the server: who may use whom. The wiring package ({@code io.tunnelstore.server}: TunnelstoreServer,
     * ServerContext, ServerModule) is used by every module; the transport never sees a feature module; features
     * point one way (table ← stream, tunnel ← monitoring).
     */
    @ArchTest
    static final ArchRule serverLayers = layeredArchitecture().consideringOnlyDependenciesInLayers()
            .layer("Wiring").definedBy("io.tunnelstore.server")
            .layer("Transport").definedBy(HTTP, TLS)
            .layer("Auth").definedBy("io.tunnelstore.server.auth..")
            .layer("Admin").definedBy("io.tunnelstore.server.admin..")
            .layer("Table").definedBy("io.tunnelstore.server.table..")
            .layer("Stream").definedBy("io.tunnelstore.server.stream..")
            .layer("Tunnel").definedBy("io.tunnelstore.server.tunnel..")
            // The coordinator is a module of its own; inside the server only the tunnel and monitoring use it.
            .layer("Coordinator").definedBy(COORDINATOR)
            .layer("Monitoring").definedBy("io.tunnelstore.server.metrics..", "io.tunnelstore.server.console..")
            .whereLayer("Monitoring").mayNotBeAccessedByAnyLayer()
            .whereLayer("Admin").mayNotBeAccessedByAnyLayer()
            .whereLayer("Stream").mayNotBeAccessedByAnyLayer()
            .whereLayer("Tunnel").mayOnlyBeAccessedByLayers("Monitoring")
            .whereLayer("Coordinator").mayOnlyBeAccessedByLayers("Tunnel", "Monitoring")
            .whereLayer("Table").mayOnlyBeAccessedByLayers("Wiring", "Stream", "Tunnel", "Monitoring")
            .whereLayer("Transport").mayOnlyBeAccessedByLayers("Wiring", "Admin", "Table", "Stream", "Tunnel",
                    "Monitoring")
            .whereLayer("Auth").mayOnlyBeAccessedByLayers("Wiring", "Transport", "Admin", "Monitoring");

    @ArchTest
    static final ArchRule serverFeaturesAreFreeOfCycles = slices().matching("io.tunnelstore.server.(*)..")
            .should().beFreeOfCycles();

    /**
     * The published test kit uses the server only through its public entry points (the server, its configuration
     * and the module classes it starts), never transport, auth, storage or coordinator internals.
     */
    @ArchTest
    static final ArchRule testkitUsesOnlyThePublicServerApi = noClasses().that().resideInAPackage(TESTKIT)
            .should().dependOnClassesThat(DescribedPredicate.describe("are server or storage internals",
                    (JavaClass c) -> isServerInternal(c)));

    /** Nor the SDK's internals: it drives workers through the public SDK and the server's public modules. */
    @ArchTest
    static final ArchRule testkitUsesOnlyThePublicSdkApi = noClasses().that().resideInAPackage(TESTKIT)
            .should().dependOnClassesThat().resideInAnyPackage("io.tunnelstore.client.internal..",
                    "io.tunnelstore.tunnel.internal..");

    private static boolean isServerInternal(JavaClass c) {
        String p = c.getPackageName();
        return p.startsWith("io.tunnelstore.storage") || p.startsWith("io.tunnelstore.server.http")
                || p.startsWith("io.tunnelstore.server.auth") || p.startsWith("io.tunnelstore.coordinator");
    }
}
