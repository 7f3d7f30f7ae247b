package io.tunnelstore.server.console;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Console login sessions, in memory (a server restart logs everybody out). A session id is 32 random bytes
 * (base64url), sent only in an HttpOnly cookie. A session ends after {@code idleTimeout} without use, after
 * {@code maxLifetime} in any case, or at logout.
 *
 * <p>Thread-safe. Time is passed in by the caller (the server clock).
 */
final class ConsoleSessions {

    /** One live session. */
    record Session(String id, ConsoleIdentity identity, long createdAtMillis, long lastUsedMillis) {}

    private final SecureRandom random;
    private final long idleMillis;
    private final long maxLifetimeMillis;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();

    ConsoleSessions(SecureRandom random, Duration idleTimeout, Duration maxLifetime) {
        this.random = Objects.requireNonNull(random, "random");
        this.idleMillis = idleTimeout.toMillis();
        this.maxLifetimeMillis = maxLifetime.toMillis();
    }

    /** Starts a session for {@code identity}; returns its id. Expired sessions are dropped on the way. */
    String create(ConsoleIdentity identity, long nowMillis) {
        purgeExpired(nowMillis);
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        sessions.put(id, new Session(id, identity, nowMillis, nowMillis));
        return id;
    }

    /** The live session with this id, touched (its idle timer restarts); empty when unknown or expired. */
    Optional<Session> use(String id, long nowMillis) {
        if (id == null) {
            return Optional.empty();
        }
        Session s = sessions.get(id);
        if (s == null) {
            return Optional.empty();
        }
        if (expired(s, nowMillis)) {
            sessions.remove(id, s);
            return Optional.empty();
        }
        Session touched = new Session(id, s.identity(), s.createdAtMillis(), Math.max(s.lastUsedMillis(), nowMillis));
        sessions.replace(id, s, touched);
        return Optional.of(touched);
    }

    /** Ends a session (logout); unknown ids are ignored. */
    void remove(String id) {
        if (id != null) {
            sessions.remove(id);
        }
    }

    /** When {@code s} stops working if it is not used again. */
    long expiresAtMillis(Session s) {
        return Math.min(s.lastUsedMillis() + idleMillis, s.createdAtMillis() + maxLifetimeMillis);
    }

    /** Live sessions (for tests and diagnostics). */
    int size() {
        return sessions.size();
    }

    private boolean expired(Session s, long nowMillis) {
        return nowMillis >= expiresAtMillis(s);
    }

    private void purgeExpired(long nowMillis) {
        sessions.values().removeIf(s -> expired(s, nowMillis));
    }
}
