package io.tunnelstore.server.console;

import io.tunnelstore.protocol.errors.OtsException;
import io.tunnelstore.server.auth.CredentialStore;
import io.tunnelstore.server.auth.VerifiedCredential;
import io.tunnelstore.server.http.Principal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Checks console credentials (access key id, secret, optional STS security token) against the server's
 * {@link CredentialStore}, in every instance the server serves: the user may see the instances where the pair is
 * valid. Secrets are compared in constant time.
 *
 * <p>Thread-safe (stateless apart from the thread-safe store).
 */
final class ConsoleAuthenticator {

    private final CredentialStore credentials;
    private final List<String> instances;

    ConsoleAuthenticator(CredentialStore credentials, List<String> instances) {
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.instances = List.copyOf(instances);
    }

    /** The identity of these credentials, or empty when they are valid in no instance. */
    Optional<ConsoleIdentity> authenticate(String accessKeyId, String secret, String securityToken, long nowMillis) {
        if (accessKeyId == null || accessKeyId.isEmpty() || secret == null || secret.isEmpty()) {
            return Optional.empty();
        }
        String token = securityToken == null || securityToken.isBlank() ? null : securityToken.strip();
        byte[] digest = sha256(secret);
        Map<String, Principal> principals = new LinkedHashMap<>();
        for (String instance : instances) {
            verify(instance, accessKeyId, token, digest, nowMillis).ifPresent(p -> principals.put(instance, p));
        }
        return principals.isEmpty() ? Optional.empty()
                : Optional.of(new ConsoleIdentity(accessKeyId, token, digest, principals));
    }

    /**
     * Whether {@code identity} still holds in {@code instance} now (the key may have been deleted or rotated, or the
     * temporary credentials may have expired since login).
     */
    boolean stillValid(ConsoleIdentity identity, String instance, long nowMillis) {
        Principal expected = identity.principals().get(instance);
        return expected != null && verify(instance, identity.accessKeyId(), identity.securityToken(),
                identity.secretDigest(), nowMillis).map(expected::equals).orElse(false);
    }

    private Optional<Principal> verify(String instance, String accessKeyId, String token, byte[] secretDigest,
                                       long nowMillis) {
        VerifiedCredential credential;
        try {
            credential = credentials.resolve(instance, accessKeyId, token, nowMillis);
        } catch (OtsException | IllegalArgumentException e) {
            return Optional.empty();
        }
        if (!MessageDigest.isEqual(sha256(credential.secret()), secretDigest)) {
            return Optional.empty();
        }
        return Optional.of(new Principal(credential.principalKeyId(), credential.policy(),
                credential.temporary()));
    }

    private static byte[] sha256(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
