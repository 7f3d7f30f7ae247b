package io.tunnelstore.it;

import static io.tunnelstore.it.ItServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.tunnelstore.client.Credentials;
import io.tunnelstore.protocol.model.Cell;
import io.tunnelstore.protocol.model.ColumnValue;
import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps {@code examples/*.java} from rotting: they are compiled against the test classpath (the SDK as users get
 * it), {@code QuickStart} is run in a child JVM against the in-process server (credentials from
 * {@code OTS_AK_ENV}/{@code OTS_SK_ENV}) until it prints a change, and {@code QuickStartSts}' credentials-file reader
 * is checked.
 */
class ExamplesIT {

    @TempDir
    static Path compiled;
    private static Path classes;
    @TempDir
    Path dir;

    private static Path examplesDir() {
        return Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).resolve("../examples")
                .normalize();
    }

    @BeforeAll
    static void compileExamples() throws IOException {
        classes = Files.createDirectories(compiled.resolve("classes"));
        List<File> sources;
        try (Stream<Path> files = Files.list(examplesDir())) {
            sources = files.filter(p -> p.toString().endsWith(".java")).map(Path::toFile).sorted().toList();
        }
        assertThat(sources).extracting(File::getName).contains("QuickStart.java", "QuickStartSts.java");
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        StringWriter output = new StringWriter();
        try (StandardJavaFileManager fm = javac.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
            boolean ok = javac.getTask(output, fm, diagnostics, List.of("-d", classes.toString(),
                    "-cp", System.getProperty("java.class.path"), "-Xlint:all", "-Werror"),
                    null, fm.getJavaFileObjectsFromFiles(sources)).call();
            List<String> problems = new ArrayList<>();
            for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
                problems.add(d.getKind() + " " + d.getSource() + ":" + d.getLineNumber() + " " + d.getMessage(null));
            }
            assertThat(problems).as("javac diagnostics; output: %s", output).isEmpty();
            assertThat(ok).isTrue();
        }
        assertThat(classes.resolve("QuickStart.class")).exists();
        assertThat(classes.resolve("QuickStartSts.class")).exists();
    }

    @Test
    void quickStartCreatesTheTunnelPrintsChangesAndStopsOnSigterm() throws Exception {
        try (ItServer ots = new ItServer(dir.resolve("data"))) {
            String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
            ProcessBuilder pb = new ProcessBuilder(java, "-cp",
                    classes + File.pathSeparator + System.getProperty("java.class.path"),
                    "QuickStart", ots.endpoint(), ItServer.INSTANCE, "orders", "qs");
            pb.environment().put("OTS_AK_ENV", ItServer.AK);
            pb.environment().put("OTS_SK_ENV", ItServer.SK);
            Path out = dir.resolve("quickstart.out");
            pb.redirectErrorStream(true);
            pb.redirectOutput(out.toFile());
            // an existing table with a row: QuickStart keeps the table, and the row arrives as base data at once
            // (a change written later would wait for the base channel's end to be reported, a 30 s heartbeat)
            ots.tables.createTable(io.tunnelstore.client.CreateTableRequest.builder("orders")
                    .addPrimaryKey("id", io.tunnelstore.client.PrimaryKeyType.INTEGER).streamEnabled(24).build());
            ots.put("orders", 7, Cell.put("v", ColumnValue.ofLong(4242)));
            Process quickStart = pb.start();
            try {
                await("QuickStart created table and tunnel", Duration.ofSeconds(30),
                        () -> lines(out).stream().anyMatch(l -> l.startsWith("consuming tunnel qs (")));
                await("QuickStart printed the row", Duration.ofSeconds(40), () -> lines(out).stream()
                        .anyMatch(l -> l.startsWith("quick-start ") && l.contains("PUT") && l.contains("4242")));
                assertThat(ots.tunnels.listTunnels("orders")).singleElement()
                        .satisfies(t -> assertThat(t.tunnelName()).isEqualTo("qs"));

                quickStart.destroy();   // SIGTERM, like Ctrl-C: the hook closes the daemon gracefully
                assertThat(quickStart.waitFor(30, TimeUnit.SECONDS)).as("QuickStart stopped; output %s", lines(out))
                        .isTrue();
                assertThat(ots.channels("orders", "qs")).allSatisfy(c -> assertThat(c.ownerClientId())
                        .as("session shut down").isNullOrEmpty());
            } finally {
                quickStart.destroyForcibly();
            }
        }
    }

    @Test
    void quickStartStsReadsTheRotatedCredentialsFile() throws Exception {
        Path file = dir.resolve("sts.properties");
        Files.writeString(file, """
                accessKeyId=STS.abc
                accessKeySecret=s3cret
                securityToken=tok
                expiration=2026-11-25T18:00:00Z
                """);
        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()},
                getClass().getClassLoader())) {
            Method read = loader.loadClass("QuickStartSts").getDeclaredMethod("readCredentials", Path.class);
            read.setAccessible(true);
            assertThat(read.invoke(null, file)).isEqualTo(Credentials.temporary("STS.abc", "s3cret", "tok",
                    Instant.parse("2026-11-25T18:00:00Z")));
            Files.writeString(file, "accessKeyId=STS.abc\naccessKeySecret=s3cret\n");
            assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> read.invoke(null, file)))
                    .hasRootCauseMessage("'securityToken' is missing in " + file);
        }
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
