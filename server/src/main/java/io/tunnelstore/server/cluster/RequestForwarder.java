package io.tunnelstore.server.cluster;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Relays a client's request to the node that owns its resource, and the owner's answer back (docs/scale-out.md,
 * "Request forwarding"). The request keeps its original, already signed bytes and {@code x-ots-*} headers (the
 * signature covers neither the host nor the hop-by-hop headers), plus {@value #FORWARDED_BY}, so the owner answers
 * exactly as if the client had called it and never forwards it again.
 *
 * <p>Bounded: each attempt has a timeout, and no attempt starts after the budget is spent, so forwarding takes at most
 * budget + one attempt timeout. Retried only when nothing can have been
 * applied: the owner answered {@value #NOT_OWNER_STATUS} with {@value #NOT_OWNER} (its view differs, or its write was
 * fenced), or the connection was refused; then the owner is looked up again (the view may have moved). A timeout
 * after the request was sent is not retried: the write may have committed, and the caller answers the client with a
 * timeout error, the usual at-least-once caveat.
 *
 * <p>Thread-safe; blocking (called from the server's handler pool).
 */
public final class RequestForwarder {
    /** Header naming the node that forwarded a request; a request carrying it is never forwarded again. */
    public static final String FORWARDED_BY = "x-tunnelstore-forwarded-by";
    /** Header on a "not owner" answer; its value is the resource. */
    public static final String NOT_OWNER = "x-tunnelstore-not-owner";
    /** HTTP status of a "not owner" answer (421 Misdirected Request). */
    public static final int NOT_OWNER_STATUS = 421;

    /** Headers the HTTP client sets itself or that belong to one hop only. */
    private static final Set<String> NOT_RELAYED = Set.of("host", "content-length", "connection", "expect", "upgrade",
            "keep-alive", "transfer-encoding", "te", "trailer", "proxy-connection", "http2-settings");

    /** A request as received: method, path with query, headers, body. */
    public record Request(String method, String pathAndQuery, Map<String, List<String>> headers, byte[] body) {}

    /** The owner's answer, relayed unchanged. */
    public record Response(int status, Map<String, List<String>> headers, byte[] body) {}

    /** Where a resource's owner is reached ({@code host:port}), in the forwarding node's current view. */
    @FunctionalInterface
    public interface OwnerAddresses {
        Optional<String> ownerAddress(String resource);
    }

    /** Why forwarding gave up. */
    public enum Failure {
        /** No owner could be reached within the budget; nothing was applied. Retriable by the client. */
        UNAVAILABLE,
        /** An attempt timed out after the request was sent: it may or may not have been applied. */
        TIMED_OUT
    }

    /** Forwarding gave up (see {@link #failure()}). */
    public static final class ForwardingException extends Exception {
        private static final long serialVersionUID = 1L;
        private final Failure failure;

        ForwardingException(Failure failure, String message, Throwable cause) {
            super(message, cause);
            this.failure = failure;
        }

        public Failure failure() {
            return failure;
        }
    }

    private final HttpClient http;
    private final String selfNodeId;
    private final Duration attemptTimeout;
    private final Duration budget;
    private final LongSupplier nanoClock;
    /** {@code http} or {@code https}: what the owners' client ports speak (every node of a cluster alike). */
    private final String scheme;

    /** A forwarder over plain HTTP (see the other constructor). */
    public RequestForwarder(HttpClient http, String selfNodeId, Duration attemptTimeout, Duration budget,
            LongSupplier nanoClock) {
        this(http, selfNodeId, attemptTimeout, budget, nanoClock, false);
    }

    /**
     * @param http           the client (owned by the caller; one per node)
     * @param selfNodeId     this node's id, sent in {@value #FORWARDED_BY}
     * @param attemptTimeout the timeout of one attempt
     * @param budget         the total time all attempts may take
     * @param nanoClock      monotonic time in nanoseconds ({@code System::nanoTime})
     * @param tls            whether the owners serve https (then {@code http} must trust the cluster's certificates)
     */
    public RequestForwarder(HttpClient http, String selfNodeId, Duration attemptTimeout, Duration budget,
            LongSupplier nanoClock, boolean tls) {
        this.scheme = tls ? "https://" : "http://";
        this.http = Objects.requireNonNull(http, "http");
        this.selfNodeId = Objects.requireNonNull(selfNodeId, "selfNodeId");
        this.attemptTimeout = Objects.requireNonNull(attemptTimeout, "attemptTimeout");
        this.budget = Objects.requireNonNull(budget, "budget");
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    }

    /** The timeout of one attempt unless the caller gives another. */
    public Duration attemptTimeout() {
        return attemptTimeout;
    }

    /** Whether a received request was already forwarded once (then it must run here or be answered "not owner"). */
    public static boolean wasForwarded(Map<String, List<String>> headers) {
        return headers.keySet().stream().anyMatch(h -> h.equalsIgnoreCase(FORWARDED_BY));
    }

    /**
     * Sends {@code request} to the owner of {@code resource} and returns its answer.
     *
     * @throws ForwardingException when no owner answered within the budget, or an attempt timed out after sending
     * @throws InterruptedException when interrupted while waiting
     */
    public Response forward(String resource, Request request, OwnerAddresses owners)
            throws ForwardingException, InterruptedException {
        return forward(resource, request, owners, attemptTimeout);
    }

    /**
     * As {@link #forward(String, Request, OwnerAddresses)}, with {@code attemptTimeout} instead of the default for
     * each attempt: for actions whose owner may legitimately take longer to answer (e.g. a CreateTunnel that
     * snapshots its table), so that a slow but working owner is not mistaken for an unknown outcome.
     */
    public Response forward(String resource, Request request, OwnerAddresses owners, Duration attemptTimeout)
            throws ForwardingException, InterruptedException {
        Objects.requireNonNull(attemptTimeout, "attemptTimeout");
        long deadline = nanoClock.getAsLong() + budget.toNanos();
        String lastProblem = "no owner";
        Throwable lastCause = null;
        while (nanoClock.getAsLong() < deadline) {
            Optional<String> address = owners.ownerAddress(resource);
            if (address.isEmpty()) {
                lastProblem = "no live owner of " + resource;
                pause(deadline);
                continue;
            }
            // every attempt gets its full timeout (a shortened last one would turn a slow "not owner" into an
            // unknown outcome); the budget only bounds when attempts start: at most budget + one attempt in all
            Duration timeout = attemptTimeout;
            HttpResponse<byte[]> answer;
            try {
                answer = http.send(build(address.get(), request, timeout), HttpResponse.BodyHandlers.ofByteArray());
            } catch (HttpTimeoutException e) {
                throw new ForwardingException(Failure.TIMED_OUT, "the owner of " + resource + " at "
                        + address.get() + " did not answer within " + timeout.toMillis() + " ms; the request may "
                        + "have been applied", e);
            } catch (ConnectException e) {
                lastProblem = "cannot connect to " + address.get();
                lastCause = e;
                pause(deadline);
                continue;
            } catch (IOException e) {
                if (e instanceof javax.net.ssl.SSLHandshakeException
                        || e.getCause() instanceof javax.net.ssl.SSLHandshakeException) {
                    // nothing was sent before the handshake: not applied; usually a certificate this node does not
                    // trust (the cluster's trust, docs/scale-out.md) — retried like a refused connection
                    lastProblem = "the TLS handshake with " + address.get() + " failed: " + e.getMessage();
                    lastCause = e;
                    pause(deadline);
                    continue;
                }
                // the connection broke after sending: as for a timeout, the outcome is unknown
                throw new ForwardingException(Failure.TIMED_OUT, "the connection to the owner of " + resource
                        + " at " + address.get() + " broke: " + e.getMessage() + "; the request may have been "
                        + "applied", e);
            }
            if (answer.statusCode() == NOT_OWNER_STATUS && answer.headers().firstValue(NOT_OWNER).isPresent()) {
                lastProblem = address.get() + " does not own " + resource;
                pause(deadline);
                continue;
            }
            return new Response(answer.statusCode(), answer.headers().map(), answer.body());
        }
        throw new ForwardingException(Failure.UNAVAILABLE, "no owner of " + resource + " could be reached within "
                + budget.toMillis() + " ms (" + lastProblem + ")", lastCause);
    }

    private HttpRequest build(String address, Request request, Duration timeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(scheme + address + request.pathAndQuery()))
                .timeout(timeout)
                .version(HttpClient.Version.HTTP_1_1) // what the server speaks; no h2c upgrade attempt
                .method(request.method(), HttpRequest.BodyPublishers.ofByteArray(request.body()));
        request.headers().forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (!NOT_RELAYED.contains(lower) && !lower.equals(FORWARDED_BY)) {
                values.forEach(v -> b.header(name, v));
            }
        });
        return b.header(FORWARDED_BY, selfNodeId).build();
    }

    /** A short pause before looking the owner up again (the view is usually updated within tens of ms). */
    private void pause(long deadline) throws InterruptedException {
        long left = deadline - nanoClock.getAsLong();
        if (left > 0) {
            Thread.sleep(Math.min(50, Math.max(1, left / 1_000_000)));
        }
    }
}
