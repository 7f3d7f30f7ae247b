package io.tunnelstore.server.tls;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.tunnelstore.server.TlsSettings;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * Turns {@link TlsSettings} into a Netty server {@link SslContext}: reads operator PEM files, or generates (and keeps)
 * a self-signed development certificate with BouncyCastle. Stateless apart from the files it writes.
 */
public final class ServerCertificates {

    /** File names of the self-signed certificate and key inside {@code <dataDir>/tls/}. */
    public static final String SELF_SIGNED_CERT = "self-signed-cert.pem";
    public static final String SELF_SIGNED_KEY = "self-signed-key.pem";

    private static final Duration SELF_SIGNED_VALIDITY = Duration.ofDays(365);
    /** A kept self-signed certificate is replaced when it expires within this margin. */
    private static final Duration RENEW_MARGIN = Duration.ofDays(7);

    /**
     * Server session timeout, longer than the 7 days RFC 8446 (4.6.1) allows a TLS 1.3 ticket to live: with it the
     * JDK engine sends no {@code NewSessionTicket} after a TLS 1.3 handshake (it logs "No session ticket produced:
     * session timeout"). The HTTP client inside the official Java SDK (Apache httpcore-nio 4.3) stops decrypting a
     * socket read at the first post-handshake message, so a ticket arriving in the same read as the first answer
     * left that answer undecrypted until the client's socket timed out. Clients keep their connections alive, so
     * resumption is worth little here; TLS 1.2 tickets are part of the handshake and not affected.
     */
    static final Duration NO_TICKET_SESSION_TIMEOUT = Duration.ofDays(8);

    private ServerCertificates() {}

    /**
     * A loaded server identity: the context to serve with, the certificate file and the leaf certificate's SHA-256
     * fingerprint (colon-separated upper-case hex, as {@code openssl x509 -fingerprint -sha256} prints it).
     *
     * @param generated whether a new self-signed certificate was written at this start
     */
    public record ServerIdentity(SslContext sslContext, Path certificateFile, String sha256Fingerprint,
                                 boolean generated) {}

    /**
     * Loads {@code settings}; a self-signed certificate lives in {@code tlsDir} (created if needed).
     *
     * @throws IllegalArgumentException with an operator-facing message when a file is missing or unreadable
     */
    public static ServerIdentity load(TlsSettings settings, Path tlsDir, Clock clock) {
        try {
            if (settings instanceof TlsSettings.PemFiles pem) {
                List<X509Certificate> chain = readCertificates(pem.certificateChain());
                PrivateKey key = readPrivateKey(pem.privateKey());
                return new ServerIdentity(serverContext(key, chain), pem.certificateChain(),
                        fingerprint(chain.get(0)), false);
            }
            TlsSettings.SelfSigned selfSigned = (TlsSettings.SelfSigned) settings;
            Path certFile = tlsDir.resolve(SELF_SIGNED_CERT);
            Path keyFile = tlsDir.resolve(SELF_SIGNED_KEY);
            boolean generated = false;
            if (!usable(certFile, keyFile, selfSigned.hostNames(), clock.instant())) {
                writeSelfSigned(certFile, keyFile, selfSigned.hostNames(), clock.instant());
                generated = true;
            }
            List<X509Certificate> chain = readCertificates(certFile);
            return new ServerIdentity(serverContext(readPrivateKey(keyFile), chain), certFile,
                    fingerprint(chain.get(0)), generated);
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalArgumentException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    private static SslContext serverContext(PrivateKey key, List<X509Certificate> chain) throws IOException {
        return SslContextBuilder.forServer(key, chain.toArray(new X509Certificate[0]))
                .sslProvider(SslProvider.JDK) // NO_TICKET_SESSION_TIMEOUT relies on the JDK engine's rule
                .sessionTimeout(NO_TICKET_SESSION_TIMEOUT.toSeconds())
                .build();
    }

    /** The certificates of a PEM file, leaf first. */
    public static List<X509Certificate> readCertificates(Path pemFile) throws IOException, CertificateException {
        List<X509Certificate> certificates = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        try (Reader reader = Files.newBufferedReader(pemFile, StandardCharsets.US_ASCII);
             PEMParser parser = new PEMParser(reader)) {
            Object object;
            while ((object = parser.readObject()) != null) {
                if (object instanceof X509CertificateHolder holder) {
                    certificates.add(converter.getCertificate(holder));
                }
            }
        }
        if (certificates.isEmpty()) {
            throw new CertificateException("no certificate (BEGIN CERTIFICATE) in " + pemFile);
        }
        return certificates;
    }

    /** The private key of a PEM file: PKCS#8, PKCS#1 RSA or SEC1 EC, unencrypted. */
    static PrivateKey readPrivateKey(Path pemFile) throws IOException {
        try (Reader reader = Files.newBufferedReader(pemFile, StandardCharsets.US_ASCII);
             PEMParser parser = new PEMParser(reader)) {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            Object object;
            while ((object = parser.readObject()) != null) {
                if (object instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
                if (object instanceof PEMKeyPair pair) { // PKCS#1 / SEC1 (the public part may be absent)
                    return converter.getPrivateKey(pair.getPrivateKeyInfo());
                }
            }
        }
        throw new IOException("no unencrypted private key (BEGIN PRIVATE KEY / RSA PRIVATE KEY / EC PRIVATE KEY) in "
                + pemFile);
    }

    /** SHA-256 of the certificate's DER encoding, {@code AB:CD:…}. */
    public static String fingerprint(X509Certificate certificate) throws GeneralSecurityException {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
        return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
    }

    private static boolean usable(Path certFile, Path keyFile, List<String> hostNames, Instant now) {
        if (!Files.isRegularFile(certFile) || !Files.isRegularFile(keyFile)) {
            return false;
        }
        try {
            X509Certificate cert = readCertificates(certFile).get(0);
            readPrivateKey(keyFile);
            if (cert.getNotAfter().toInstant().isBefore(now.plus(RENEW_MARGIN))
                    || cert.getNotBefore().toInstant().isAfter(now)) {
                return false;
            }
            return subjectAlternativeNames(cert).containsAll(normalized(hostNames));
        } catch (IOException | CertificateException e) {
            return false;
        }
    }

    private static Set<String> subjectAlternativeNames(X509Certificate cert) throws CertificateParsingException {
        Set<String> names = new HashSet<>();
        Collection<List<?>> sans = cert.getSubjectAlternativeNames();
        if (sans != null) {
            for (List<?> san : sans) {
                names.add(normalize(String.valueOf(san.get(1))));
            }
        }
        return names;
    }

    private static Set<String> normalized(List<String> hostNames) {
        Set<String> names = new HashSet<>();
        for (String name : hostNames) {
            names.add(normalize(name));
        }
        return names;
    }

    /** IP addresses in one canonical spelling ({@code ::1} and {@code 0:0:0:0:0:0:0:1} are the same). */
    private static String normalize(String name) {
        if (isIpLiteral(name)) {
            try {
                return InetAddress.getByName(name).getHostAddress();
            } catch (IOException e) {
                return name;
            }
        }
        return name.toLowerCase(Locale.ROOT);
    }

    private static boolean isIpLiteral(String name) {
        return name.contains(":") || name.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    }

    private static void writeSelfSigned(Path certFile, Path keyFile, List<String> hostNames, Instant now)
            throws IOException, GeneralSecurityException, OperatorCreationException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
        KeyPair keyPair = generator.generateKeyPair();
        X500Name subject = new X500Name("CN=Tunnelstore development (self-signed)");
        List<GeneralName> sans = new ArrayList<>();
        for (String name : hostNames) {
            sans.add(new GeneralName(isIpLiteral(name) ? GeneralName.iPAddress : GeneralName.dNSName, name));
        }
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
                new BigInteger(64, new SecureRandom()).abs().add(BigInteger.ONE),
                Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(SELF_SIGNED_VALIDITY)),
                subject, keyPair.getPublic())
                .addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(sans.toArray(new GeneralName[0])))
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                .addExtension(Extension.extendedKeyUsage, false,
                        new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keyPair.getPrivate())));
        Files.createDirectories(certFile.getParent());
        writeAtomically(keyFile, pem(keyPair.getPrivate()), true);
        writeAtomically(certFile, pem(certificate), false);
    }

    private static String pem(Object object) throws IOException {
        StringWriter out = new StringWriter();
        if (object instanceof PrivateKey key) {
            try (PemWriter writer = new PemWriter(out)) {
                writer.writeObject(new PemObject("PRIVATE KEY", key.getEncoded())); // PKCS#8
            }
        } else {
            try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
                writer.writeObject(object);
            }
        }
        return out.toString();
    }

    private static void writeAtomically(Path file, String content, boolean secret) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp);
        if (secret) {
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system; the data directory's own protection applies
            }
        }
        Files.writeString(tmp, content, StandardCharsets.US_ASCII);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
