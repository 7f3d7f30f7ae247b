package io.tunnelstore.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The endpoint list of {@link ClientConfig}: validation, and one endpoint meaning exactly what it meant before. */
class ClientConfigEndpointsTest {

    private static final CredentialsProvider KEY = StaticCredentialsProvider.of(Credentials.of("ak", "sk"));

    private static ClientConfig.Builder base() {
        return ClientConfig.builder().instanceName("inst").credentialsProvider(KEY);
    }

    @Test
    void severalEndpointsAreParsedInOrderAndTheFirstIsTheEndpoint() {
        ClientConfig c = base().endpoints("http://node-1:8800/", "http://node-2:8801", "HTTP://10.0.0.3:8802").build();

        assertThat(c.endpoints()).containsExactly(URI.create("http://node-1:8800"), URI.create("http://node-2:8801"),
                URI.create("http://10.0.0.3:8802"));
        assertThat(c.endpoint()).isEqualTo(URI.create("http://node-1:8800"));
        assertThat(c.toString()).startsWith(
                "ClientConfig[endpoints=[http://node-1:8800, http://node-2:8801, http://10.0.0.3:8802], instanceName=inst");
        assertThat(c.toBuilder().build()).isEqualTo(c);
    }

    @Test
    void oneEndpointIsTheSameConfigAsBefore() {
        ClientConfig single = base().endpoint("http://127.0.0.1:8800").build();

        assertThat(base().endpoints(List.of("http://127.0.0.1:8800")).build()).isEqualTo(single);
        assertThat(single.endpoints()).containsExactly(URI.create("http://127.0.0.1:8800"));
        assertThat(single.toString()).startsWith("ClientConfig[endpoint=http://127.0.0.1:8800, instanceName=inst");
        // the single-endpoint constructor still exists and means the same
        assertThat(new ClientConfig(URI.create("http://127.0.0.1:8800"), "inst", single.credentialsProvider(),
                single.connectTimeout(), single.callTimeout(), single.retryPolicy(), single.userAgent(), null, true,
                null, null)).isEqualTo(single);
        // endpoint(...) after endpoints(...) replaces the list
        assertThat(base().endpoints("http://a:1", "http://b:2").endpoint("http://127.0.0.1:8800").build())
                .isEqualTo(single);
    }

    @Test
    void badListsAreRefusedWithTheReason() {
        assertThatThrownBy(() -> base().endpoints(List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(
                        "endpoints is empty: give at least one http(s)://host[:port]");
        assertThatThrownBy(() -> base().endpoints("http://a:1", "http://a:1/"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("endpoint 'http://a:1' is listed twice");
        assertThatThrownBy(() -> base().endpoints("http://a:1", "https://b:2"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("endpoints mix http and https "
                        + "(http://a:1, https://b:2): every node of a cluster is reached the same way");
        assertThatThrownBy(() -> base().endpoints("http://a:1", "http://b:2/path"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("invalid endpoint 'http://b:2/path'");
    }
}
