package io.tunnelstore.client;

/**
 * Source of the credentials used to sign each request.
 *
 * <p>Clients call {@link #credentials()} once per request attempt, so a provider whose credentials change
 * (for example {@link RefreshingCredentialsProvider}) takes effect on running clients and tunnel workers
 * without rebuilding them.
 *
 * <p>Contract: implementations are thread-safe, {@link #credentials()} is fast and non-blocking (return a
 * cached snapshot; refresh elsewhere), and it never returns {@code null}. An exception thrown from it fails
 * the request attempt that asked.
 */
@FunctionalInterface
public interface CredentialsProvider {

    /** The credentials to sign the next request with; never {@code null}. */
    Credentials credentials();
}
