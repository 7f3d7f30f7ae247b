package io.tunnelstore.server.tls;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The TLS client side of request forwarding between cluster nodes (docs/scale-out.md, "Forwarding over TLS"): when a
 * node serves https, it forwards over https to the owner's advertised address and trusts exactly the cluster's
 * certificates — its own certificate chain (nodes that share one certificate, as behind one load-balanced name, need
 * nothing else) plus the certificates of an optional PEM file (a private CA, or every node's own certificate).
 *
 * <p>The chain is validated (PKIX: signatures, validity dates) against those anchors only, never the JDK's public
 * ones, and the host name is <em>not</em> checked: a node forwards to the address a member advertises in ZooKeeper
 * (often an internal name or IP that the client-facing certificate does not list), and trusting only the cluster's
 * own certificates already binds the peer to the cluster.
 */
public final class ClusterTrust {
    private ClusterTrust() {
    }

    /**
     * An SSL context trusting the certificates of {@code pemFiles} (each: one or more PEM certificates).
     *
     * @throws IllegalArgumentException with an operator-facing message when a file is missing, unreadable or holds
     *                                  no certificate
     */
    public static SSLContext sslContext(List<Path> pemFiles) {
        try {
            List<X509Certificate> trusted = new ArrayList<>();
            for (Path file : pemFiles) {
                List<X509Certificate> certificates = ServerCertificates.readCertificates(file);
                if (certificates.isEmpty()) {
                    throw new IllegalArgumentException("no certificate in " + file);
                }
                trusted.addAll(certificates);
            }
            KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
            anchors.load(null, null);
            for (int i = 0; i < trusted.size(); i++) {
                anchors.setCertificateEntry("cluster-" + i, trusted.get(i));
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(anchors);
            X509TrustManager pkix = null;
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509TrustManager x509) {
                    pkix = x509;
                }
            }
            if (pkix == null) {
                throw new IllegalStateException("the JDK offers no X.509 trust manager");
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new WithoutHostName(pkix)}, null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot set up the cluster's TLS trust: " + e.getMessage(), e);
        }
    }

    /**
     * Validates the chain against the cluster's anchors and nothing else. Being an {@link X509ExtendedTrustManager},
     * the JDK does not add its own host name check around it (that check lives in the JDK's trust manager).
     */
    private static final class WithoutHostName extends X509ExtendedTrustManager {
        private final X509TrustManager pkix;

        WithoutHostName(X509TrustManager pkix) {
            this.pkix = pkix;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            pkix.checkServerTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            pkix.checkServerTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            pkix.checkServerTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("the cluster's forwarding client never authenticates clients");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            checkClientTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            checkClientTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return pkix.getAcceptedIssuers();
        }
    }
}
