package io.tunnelstore.server.console;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Slows down password guessing on the console login and on HTTP Basic access to the console API. Failures are counted
 * per access key id and per client address separately; after {@code freeFailures} failures in a row, every further
 * attempt for that key or from that address is refused without checking the secret until a back-off has passed
 * ({@code baseDelay}, doubled with each further failure, at most {@code maxDelay}). A successful login clears the
 * key's and the address's counts. An entry is forgotten {@code maxDelay} after its last failure, so memory stays
 * bounded by the failures of the last few minutes.
 *
 * <p>Thread-safe. Time comes from the injected {@code nowMillis} (the server clock), so tests need no sleeping.
 */
final class LoginThrottle {

    /** Failures of one key or one address; immutable, replaced atomically. */
    private record Failures(int count, long lastFailureMillis) {}

    private final LongSupplier nowMillis;
    private final int freeFailures;
    private final long baseDelayMillis;
    private final long maxDelayMillis;
    private final Map<String, Failures> byKey = new ConcurrentHashMap<>();
    private final Map<String, Failures> byAddress = new ConcurrentHashMap<>();

    LoginThrottle(LongSupplier nowMillis, int freeFailures, Duration baseDelay, Duration maxDelay) {
        this.nowMillis = Objects.requireNonNull(nowMillis, "nowMillis");
        if (freeFailures < 0) {
            throw new IllegalArgumentException("freeFailures must not be negative: " + freeFailures);
        }
        this.freeFailures = freeFailures;
        this.baseDelayMillis = baseDelay.toMillis();
        this.maxDelayMillis = maxDelay.toMillis();
        if (baseDelayMillis <= 0 || maxDelayMillis < baseDelayMillis) {
            throw new IllegalArgumentException("need 0 < baseDelay <= maxDelay: " + baseDelay + ", " + maxDelay);
        }
    }

    /** 5 free failures, then 1 s doubling up to 5 min. */
    static LoginThrottle defaults(LongSupplier nowMillis) {
        return new LoginThrottle(nowMillis, 5, Duration.ofSeconds(1), Duration.ofMinutes(5));
    }

    /**
     * How long the caller must still wait before this key may be tried from this address, in ms; empty when the
     * attempt may go ahead.
     */
    OptionalLong retryAfterMillis(String accessKeyId, String address) {
        long now = nowMillis.getAsLong();
        long wait = Math.max(waitFor(byKey, key(accessKeyId), now), waitFor(byAddress, address, now));
        return wait > 0 ? OptionalLong.of(wait) : OptionalLong.empty();
    }

    /** Records a failed attempt. */
    void failed(String accessKeyId, String address) {
        long now = nowMillis.getAsLong();
        purge(now);
        byKey.merge(key(accessKeyId), new Failures(1, now), (old, one) -> new Failures(old.count + 1, now));
        byAddress.merge(address, new Failures(1, now), (old, one) -> new Failures(old.count + 1, now));
    }

    /** Records a successful login: the key's and the address's failures are forgotten. */
    void succeeded(String accessKeyId, String address) {
        byKey.remove(key(accessKeyId));
        byAddress.remove(address);
    }

    private long waitFor(Map<String, Failures> map, String id, long now) {
        Failures f = map.get(id);
        if (f == null || f.count < freeFailures) {
            return 0;
        }
        int doublings = Math.min(f.count - freeFailures, 30);
        long delay = Math.min(maxDelayMillis, baseDelayMillis << doublings);
        return Math.max(0, f.lastFailureMillis + delay - now);
    }

    private void purge(long now) {
        byKey.values().removeIf(f -> now - f.lastFailureMillis >= maxDelayMillis);
        byAddress.values().removeIf(f -> now - f.lastFailureMillis >= maxDelayMillis);
    }

    private static String key(String accessKeyId) {
        return accessKeyId == null ? "" : accessKeyId;
    }
}
