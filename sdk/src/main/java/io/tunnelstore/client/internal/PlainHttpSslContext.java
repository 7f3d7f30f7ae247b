package io.tunnelstore.client.internal;

import java.security.KeyManagementException;
import java.security.SecureRandom;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * The TLS context handed to the JDK {@link java.net.http.HttpClient} of a client whose endpoint is {@code http://}.
 * Without one the HttpClient takes {@link SSLContext#getDefault()} when it is built, which initialises JSSE (providers,
 * cipher suites, the {@code cacerts} trust store): about a quarter of a worker JVM's CPU before its first record in a
 * profile of the hand-over benchmark, for a context a plain-HTTP client never uses. This one is never used either:
 * every method that would make a TLS connection throws, so a request can never go out over TLS with it.
 */
final class PlainHttpSslContext extends SSLContext {
    PlainHttpSslContext() {
        super(new Spi(), null, "none (plain HTTP endpoint)");
    }

    private static final class Spi extends SSLContextSpi {
        private static UnsupportedOperationException noTls() {
            return new UnsupportedOperationException("this client's endpoint is http://: it makes no TLS connections");
        }

        @Override
        protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr) throws KeyManagementException {
            throw noTls();
        }

        @Override
        protected SSLSocketFactory engineGetSocketFactory() {
            throw noTls();
        }

        @Override
        protected SSLServerSocketFactory engineGetServerSocketFactory() {
            throw noTls();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine() {
            throw noTls();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(String host, int port) {
            throw noTls();
        }

        @Override
        protected SSLSessionContext engineGetServerSessionContext() {
            throw noTls();
        }

        @Override
        protected SSLSessionContext engineGetClientSessionContext() {
            throw noTls();
        }

        @Override
        protected SSLParameters engineGetDefaultSSLParameters() {
            return new SSLParameters();  // the HttpClient reads them once when it is built
        }

        @Override
        protected SSLParameters engineGetSupportedSSLParameters() {
            return new SSLParameters();
        }
    }
}
