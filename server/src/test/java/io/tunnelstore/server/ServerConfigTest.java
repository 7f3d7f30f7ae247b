package io.tunnelstore.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ServerConfigTest {

    @Test
    void defaultsAreDocumentedValues() {
        ServerConfig config = ServerConfig.builder().build();
        assertThat(config.host()).isEqualTo("127.0.0.1");
        assertThat(config.port()).isEqualTo(8800);
        assertThat(config.dataDir()).isEqualTo(Path.of("data"));
        assertThat(config.instanceNames()).containsExactly("tunnelstore");
        assertThat(config.adminKey()).isEmpty();
        assertThat(config.clock()).isEqualTo(Clock.systemUTC());
        assertThat(config.maxRequestBodyBytes()).isEqualTo(5 * 1024 * 1024);
        assertThat(config.handlerTimeout()).isEqualTo(Duration.ofSeconds(25));
        assertThat(config.syncWrites()).isTrue();
        assertThat(config.connectionLimits()).isEqualTo(new io.tunnelstore.server.http.ConnectionLimits(2048,
                128L * 1024 * 1024, Duration.ofSeconds(20), Duration.ofSeconds(60), Duration.ofSeconds(120)));
        assertThat(config.tls()).isEmpty();
        assertThat(config.maxClockSkew()).contains(Duration.ofMinutes(15));
        assertThat(ServerConfig.builder().withoutClockSkewCheck().build().maxClockSkew()).isEmpty();
        assertThat(config.toBuilder().build()).isEqualTo(config);
    }

    @Test
    void inconsistentTransportLimitsAreRejected() {
        assertThatThrownBy(() -> ServerConfig.builder().connectionLimits(
                io.tunnelstore.server.http.ConnectionLimits.DEFAULTS.withMaxBufferedBodyBytes(1024)).build())
                .hasMessage("maxBufferedBodyBytes (1024) must be at least maxRequestBodyBytes (5242880)");
        assertThatThrownBy(() -> ServerConfig.builder().maxClockSkew(Duration.ZERO).build())
                .hasMessage("maxClockSkew must be positive: PT0S");
        assertThatThrownBy(() -> io.tunnelstore.server.http.ConnectionLimits.DEFAULTS.withIdleTimeout(Duration.ZERO))
                .hasMessage("idleTimeout must be positive: PT0S");
        assertThatThrownBy(() -> io.tunnelstore.server.http.ConnectionLimits.DEFAULTS.withMaxConnections(0))
                .hasMessage("maxConnections must be positive: 0");
    }

    @Test
    void adminKeyComesFromTheEnvironmentWhenBothVariablesAreSet() {
        ServerConfig config = ServerConfig.builder()
                .adminKeyFromEnvironment(Map.of("OTS_AK_ENV", "ak1", "OTS_SK_ENV", " sk1 ")).build();
        assertThat(config.adminKey()).isEqualTo(Optional.of(new ServerConfig.AdminKey("ak1", "sk1")));
        assertThat(config.adminKey().get().toString()).isEqualTo("AdminKey[accessKeyId=ak1]");
        assertThat(ServerConfig.builder().adminKeyFromEnvironment(Map.of()).build().adminKey()).isEmpty();
    }

    @Test
    void onlyOneAdminKeyVariableIsRejected() {
        assertThatThrownBy(() -> ServerConfig.builder().adminKeyFromEnvironment(Map.of("OTS_AK_ENV", "ak1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("set both OTS_AK_ENV and OTS_SK_ENV, or neither");
    }

    @Test
    void invalidInstanceNamesAreRejected() {
        for (String bad : List.of("ab", "1abc", "abc-", "a_bc", "abcdefghijklmnopq")) {
            assertThatThrownBy(() -> ServerConfig.builder().instanceNames(List.of(bad)).build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("invalid instance name '" + bad + "'");
        }
        assertThat(ServerConfig.builder().instanceNames(List.of("abc", "my-inst-01")).build().instanceNames())
                .containsExactly("abc", "my-inst-01");
    }

    @Test
    void outOfRangeNumbersAreRejected() {
        assertThatThrownBy(() -> ServerConfig.builder().port(65536).build())
                .hasMessage("port must be in [0, 65535]: 65536");
        assertThatThrownBy(() -> ServerConfig.builder().workerThreads(0).build())
                .hasMessage("workerThreads must be positive: 0");
        assertThatThrownBy(() -> ServerConfig.builder().handlerTimeout(Duration.ZERO).build())
                .hasMessage("handlerTimeout must be positive: PT0S");
    }
}
