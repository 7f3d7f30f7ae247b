package io.tunnelstore.server;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * How the server speaks TLS (https). Either certificate and key PEM files the operator provides, or a self-signed
 * certificate generated for development. See docs/security.md.
 */
public sealed interface TlsSettings {

    /**
     * A certificate chain and its private key, both PEM files.
     *
     * @param certificateChain PEM file with the server certificate first, then any intermediates
     * @param privateKey       PEM file with the private key (PKCS#8 {@code BEGIN PRIVATE KEY}, or PKCS#1
     *                         {@code BEGIN RSA PRIVATE KEY} / SEC1 {@code BEGIN EC PRIVATE KEY}), not encrypted
     */
    record PemFiles(Path certificateChain, Path privateKey) implements TlsSettings {
        public PemFiles {
            Objects.requireNonNull(certificateChain, "certificateChain");
            Objects.requireNonNull(privateKey, "privateKey");
        }
    }

    /**
     * A self-signed certificate for development, generated at the first start and kept in
     * {@code <dataDir>/tls/} (so clients that trust it keep working across restarts; regenerated when it expires
     * or does not cover {@code hostNames}). The server prints the certificate file and its SHA-256 fingerprint.
     *
     * @param hostNames DNS names and IP addresses the certificate is valid for (subject alternative names)
     */
    record SelfSigned(List<String> hostNames) implements TlsSettings {
        public SelfSigned {
            hostNames = List.copyOf(hostNames);
            if (hostNames.isEmpty()) {
                throw new IllegalArgumentException("a self-signed certificate needs at least one host name");
            }
        }
    }

    /** Operator-provided PEM files. */
    static TlsSettings pemFiles(Path certificateChain, Path privateKey) {
        return new PemFiles(certificateChain, privateKey);
    }

    /** A self-signed certificate for {@code localhost}, {@code 127.0.0.1}, {@code ::1} and {@code extraHostNames}. */
    static TlsSettings selfSigned(String... extraHostNames) {
        List<String> names = new java.util.ArrayList<>(List.of("localhost", "127.0.0.1", "::1"));
        for (String name : extraHostNames) {
            if (!names.contains(name) && !name.equals("0.0.0.0") && !name.equals("::")) {
                names.add(name);
            }
        }
        return new SelfSigned(names);
    }
}
