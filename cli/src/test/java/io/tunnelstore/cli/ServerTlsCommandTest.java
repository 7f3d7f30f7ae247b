package io.tunnelstore.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunnelstore.server.ServerConfig;
import io.tunnelstore.server.TlsSettings;
import io.tunnelstore.server.http.ConnectionLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code tunnelstore server} TLS, connection-limit and clock-skew flags. */
class ServerTlsCommandTest {

    @TempDir
    Path dir;

    private static ServerConfig parse(String... args) {
        ServerCommand command = new ServerCommand();
        new CommandLine(command).parseArgs(args);
        return command.config(Map.of());
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        ServerConfig config = parse();
        assertThat(config.tls()).isEmpty();
        assertThat(config.connectionLimits()).isEqualTo(ConnectionLimits.DEFAULTS);
        assertThat(config.maxClockSkew()).contains(Duration.ofMinutes(15));
    }

    @Test
    void flagsSetTlsLimitsAndSkew() {
        ServerConfig config = parse("--tls-cert", "a.pem", "--tls-key", "k.pem", "--max-connections", "50",
                "--max-buffered-body-mib", "64", "--header-timeout", "5", "--body-timeout", "30",
                "--idle-timeout", "90", "--max-clock-skew", "300");
        assertThat(config.tls()).contains(TlsSettings.pemFiles(Path.of("a.pem"), Path.of("k.pem")));
        assertThat(config.connectionLimits()).isEqualTo(new ConnectionLimits(50, 64L << 20, Duration.ofSeconds(5),
                Duration.ofSeconds(30), Duration.ofSeconds(90)));
        assertThat(config.maxClockSkew()).contains(Duration.ofMinutes(5));
        assertThat(parse("--max-clock-skew", "0").maxClockSkew()).isEqualTo(Optional.empty());
        assertThat(parse("--tls-self-signed", "--host", "10.1.2.3").tls())
                .contains(TlsSettings.selfSigned("10.1.2.3"));
    }

    @Test
    void inconsistentFlagsAreUsageErrors() {
        assertThatThrownBy(() -> parse("--tls-cert", "a.pem")).isInstanceOf(CommandLine.ParameterException.class)
                .hasMessage("--tls-cert and --tls-key go together");
        assertThatThrownBy(() -> parse("--tls-self-signed", "--tls-cert", "a", "--tls-key", "b"))
                .hasMessage("use either --tls-self-signed or --tls-cert/--tls-key, not both");
        assertThatThrownBy(() -> parse("--header-timeout", "0"))
                .hasMessage("headerTimeout must be positive: PT0S");
        assertThatThrownBy(() -> parse("--max-buffered-body-mib", "1"))
                .hasMessage("maxBufferedBodyBytes (1048576) must be at least maxRequestBodyBytes (5242880)");
    }

    /** The launcher prints the certificate to trust, and the CLI (our SDK) works over https with it. */
    @Test
    void selfSignedServerAnnouncesItsCertificateAndTheCliTrustsIt() throws Exception {
        try (ServerProcess server = ServerProcess.start(dir.resolve("data"), "--tls-self-signed")) {
            String endpoint = server.awaitEndpoint(Duration.ofSeconds(60));
            assertThat(endpoint).startsWith("https://127.0.0.1:");
            Path cert = dir.resolve("data/tls/self-signed-cert.pem").toAbsolutePath();
            assertThat(server.output()).anySatisfy(line -> assertThat(line)
                    .matches("tls certificate=" + java.util.regex.Pattern.quote(cert.toString())
                            + " sha256=([0-9A-F]{2}:){31}[0-9A-F]{2} \\(self-signed, generated now; clients must "
                            + "trust this certificate\\)"));
            CliRun.Result listed = CliRun.run("table", "list", "--endpoint", endpoint, "--trust-cert",
                    cert.toString(), "--access-key-id", ServerProcess.ACCESS_KEY_ID, "--access-key-secret",
                    ServerProcess.ACCESS_KEY_SECRET);
            assertThat(listed.exitCode()).as(listed.err()).isZero();
            CliRun.Result untrusted = CliRun.run("table", "list", "--endpoint", endpoint, "--access-key-id",
                    ServerProcess.ACCESS_KEY_ID, "--access-key-secret", ServerProcess.ACCESS_KEY_SECRET,
                    "--retry-for", "PT0S");
            assertThat(untrusted.exitCode()).isNotZero();
        }
    }
}
