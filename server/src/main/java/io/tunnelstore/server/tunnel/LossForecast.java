package io.tunnelstore.server.tunnel;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Forecasts, per tunnel, the time until its slowest stream channel starts losing data (or is re-baselined) from the
 * trend of its lag. The lag is the age of the oldest change the tunnel has not consumed yet (0 when caught up); a
 * change is trimmed once its age exceeds the retention. With a least-squares slope {@code s} of the lag over the
 * recent samples, the lag reaches the retention after {@code (retention - lag) / s} when {@code s > 0}: a stalled
 * consumer ({@code s = 1}) gets {@code retention - lag}, one that keeps pace ({@code s <= 0}) gets no forecast.
 *
 * <p>Samples come from the tunnel tick; a sample older than {@link #WINDOW_MILLIS} is forgotten. Pure apart from its
 * in-memory samples (time comes in as arguments); thread-safe.
 */
final class LossForecast {
    static final long WINDOW_MILLIS = 10 * 60_000L;
    private static final int MAX_SAMPLES = 120;

    private record Sample(long atMillis, long lagMillis) {}

    private final Map<String, Deque<Sample>> samples = new ConcurrentHashMap<>();

    /** Records the tunnel's lag at {@code nowMillis}. */
    void record(String tunnelId, long nowMillis, long lagMillis) {
        Deque<Sample> d = samples.computeIfAbsent(tunnelId, k -> new ArrayDeque<>());
        synchronized (d) {
            if (!d.isEmpty() && d.peekLast().atMillis() >= nowMillis) {
                d.pollLast(); // same instant (or clock went back): the newer sample wins
            }
            d.addLast(new Sample(nowMillis, Math.max(0, lagMillis)));
            while (d.size() > MAX_SAMPLES || nowMillis - d.peekFirst().atMillis() > WINDOW_MILLIS) {
                d.pollFirst();
            }
        }
    }

    void forget(String tunnelId) {
        samples.remove(tunnelId);
    }

    /**
     * Milliseconds until the lag reaches {@code retentionMillis} at the current trend (0 = already there); empty
     * without a rising lag or with fewer than two samples.
     */
    OptionalLong millisUntilLoss(String tunnelId, long retentionMillis) {
        Deque<Sample> d = samples.get(tunnelId);
        if (d == null || retentionMillis <= 0) {
            return OptionalLong.empty();
        }
        Sample[] s;
        synchronized (d) {
            s = d.toArray(Sample[]::new);
        }
        if (s.length < 2) {
            return OptionalLong.empty();
        }
        long lag = s[s.length - 1].lagMillis();
        if (lag == 0) {
            return OptionalLong.empty();
        }
        if (lag >= retentionMillis) {
            return OptionalLong.of(0);
        }
        double meanT = 0;
        double meanL = 0;
        for (Sample x : s) {
            meanT += x.atMillis() - s[0].atMillis();
            meanL += x.lagMillis();
        }
        meanT /= s.length;
        meanL /= s.length;
        double cov = 0;
        double var = 0;
        for (Sample x : s) {
            double dt = x.atMillis() - s[0].atMillis() - meanT;
            cov += dt * (x.lagMillis() - meanL);
            var += dt * dt;
        }
        if (var == 0) {
            return OptionalLong.empty();
        }
        double slope = cov / var;
        if (slope <= 0) {
            return OptionalLong.empty();
        }
        return OptionalLong.of((long) Math.ceil((retentionMillis - lag) / slope));
    }
}
