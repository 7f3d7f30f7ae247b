package io.tunnelstore.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ClientConfigTest {

    @ParameterizedTest
    @CsvSource({
            "http://127.0.0.1:8080, http://127.0.0.1:8080",
            "http://127.0.0.1:8080/, http://127.0.0.1:8080",
            "https://demo.cn-hangzhou.ots.aliyuncs.com, https://demo.cn-hangzhou.ots.aliyuncs.com",
            "HTTP://localhost:1, http://localhost:1",
            "HttpS://my-host_1:65535/, https://my-host_1:65535"})
    void acceptsJavaSdkEndpoints(String endpoint, String normalised) {
        assertThat(ClientConfig.parseEndpoint(endpoint)).isEqualTo(URI.create(normalised));
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1:8080", "ftp://host", "http://host/path", "http://host:8080//",
            "http://host?x=1", "http://user@host", "http://host:123456", "http://host:99999", "", "http://"})
    void rejectsOtherEndpoints(String endpoint) {
        assertThatThrownBy(() -> ClientConfig.parseEndpoint(endpoint))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid endpoint '" + endpoint + "'");
    }

    @Test
    void builderAppliesDocumentedDefaults() {
        ClientConfig c = ClientConfig.builder().endpoint("http://127.0.0.1:8080/").instanceName("demo")
                .credentials("ak", "sk").build();
        assertThat(c.endpoint()).isEqualTo(URI.create("http://127.0.0.1:8080"));
        assertThat(c.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.callTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.retryPolicy()).isEqualTo(new RetryPolicy(Duration.ofSeconds(10), Duration.ofMillis(10),
                Duration.ofSeconds(1), 2.0, 0.2));
        assertThat(c.userAgent()).isEqualTo("tunnelstore-java-sdk/0.1.0");
        assertThat(c.executorIfSet()).isEmpty();
        assertThat(c.verifyResponseSignature()).isTrue();
        assertThat(c.credentialsProvider().credentials()).isEqualTo(Credentials.of("ak", "sk"));
        assertThat(c.toString()).doesNotContain("sk]").contains("accessKeyId=ak");
    }

    @Test
    void toBuilderDerivesAVariant() {
        ClientConfig base = ClientConfig.builder().endpoint("http://h:1").instanceName("demo")
                .credentials("ak", "sk").build();
        ClientConfig fast = base.toBuilder().callTimeout(Duration.ofMillis(500)).build();
        assertThat(fast.callTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(fast.endpoint()).isEqualTo(base.endpoint());
        assertThat(base.callTimeout()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void buildNamesTheMissingField() {
        assertThatThrownBy(() -> ClientConfig.builder().instanceName("demo").credentials("a", "b").build())
                .isInstanceOf(IllegalStateException.class).hasMessageStartingWith("endpoint is required");
        assertThatThrownBy(() -> ClientConfig.builder().endpoint("http://h").credentials("a", "b").build())
                .isInstanceOf(IllegalStateException.class).hasMessageStartingWith("instanceName is required");
        assertThatThrownBy(() -> ClientConfig.builder().endpoint("http://h").instanceName("demo").build())
                .isInstanceOf(IllegalStateException.class).hasMessageStartingWith("credentials are required");
    }

    @Test
    void settersValidateEagerly() {
        assertThatThrownBy(() -> ClientConfig.builder().callTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("callTimeout must be positive, got PT0S");
        assertThatThrownBy(() -> ClientConfig.builder().instanceName("bad name"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("invalid instance name 'bad name'");
        assertThatThrownBy(() -> new RetryPolicy(Duration.ofSeconds(1), Duration.ofMillis(10), Duration.ofMillis(5),
                2.0, 0.1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("below initialBackoff");
        assertThatThrownBy(() -> new RetryPolicy(Duration.ofSeconds(1), Duration.ofMillis(10), Duration.ofMillis(50),
                2.0, 1.0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("jitter");
    }
}
