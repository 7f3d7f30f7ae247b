package io.tunnelstore.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PlainHttpSslContextTest {

    @Test
    void neverMakesATlsConnection() {
        PlainHttpSslContext context = new PlainHttpSslContext();
        assertThatThrownBy(context::createSSLEngine).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("http://");
        assertThatThrownBy(() -> context.createSSLEngine("localhost", 443))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(context::getSocketFactory).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> context.init(null, null, null)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void givesTheHttpClientEmptyParameters() {
        assertThat(new PlainHttpSslContext().getDefaultSSLParameters().getCipherSuites()).isNull();
        assertThat(java.net.http.HttpClient.newBuilder().sslContext(new PlainHttpSslContext()).build().sslContext())
                .isInstanceOf(PlainHttpSslContext.class);
    }
}
