package io.tunnelstore.client;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Temporary (STS-style) credentials that refresh themselves in the background.
 *
 * <p>Wraps a user {@link Supplier} that fetches fresh credentials (for example from an STS service). The
 * provider fetches once when {@linkplain Builder#build() built} (failing fast if that first fetch fails),
 * then refreshes every {@linkplain Builder#refreshInterval refresh interval} and, when the credentials carry
 * an {@linkplain Credentials#expiration() expiration}, {@linkplain Builder#refreshAheadOfExpiry ahead of
 * expiry} — whichever comes first.
 *
 * <p><b>Threads.</b> {@link #credentials()} only reads a volatile snapshot: it is lock-free and never calls
 * the fetcher, so request threads never wait for a refresh. Refreshes run on the injected
 * {@link ScheduledExecutorService} or, if none is given, on one daemon thread owned by this provider.
 * Refreshes never overlap (the fetcher is never called concurrently).
 *
 * <p><b>Failures.</b> A fetch that throws or returns {@code null} keeps the last good credentials, is logged
 * at WARN with the throwable, and is retried after {@linkplain Builder#retryDelay the retry delay}.
 *
 * <p><b>Lifecycle.</b> {@link #close()} stops refreshing (and shuts down the provider's own thread, never an
 * injected scheduler); {@link #credentials()} keeps returning the last snapshot afterwards.
 */
public final class RefreshingCredentialsProvider implements CredentialsProvider, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RefreshingCredentialsProvider.class);
    /** Lower bound between two refreshes, so credentials that are always "about to expire" cannot spin. */
    static final Duration MIN_DELAY = Duration.ofSeconds(1);

    private final Supplier<Credentials> fetcher;
    private final Duration refreshInterval;
    private final Duration refreshAheadOfExpiry;
    private final Duration retryDelay;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final boolean ownsScheduler;

    private volatile Credentials current;

    /** Guards {@link #pending}, {@link #closed} and serialises fetches. Never held by {@link #credentials()}. */
    private final ReentrantLock refreshLock = new ReentrantLock();
    private ScheduledFuture<?> pending;
    private boolean closed;

    private RefreshingCredentialsProvider(Builder b) {
        this.fetcher = b.fetcher;
        this.refreshInterval = b.refreshInterval;
        this.refreshAheadOfExpiry = b.refreshAheadOfExpiry;
        this.retryDelay = b.retryDelay;
        this.clock = b.clock;
        if (b.scheduler != null) {
            this.scheduler = b.scheduler;
            this.ownsScheduler = false;
        } else {
            this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "tunnelstore-credentials-refresh");
                t.setDaemon(true);
                return t;
            });
            this.ownsScheduler = true;
        }
    }

    /**
     * Starts a builder around {@code fetcher}, which must return fresh, non-null credentials or throw.
     * It is called from the refresh thread (and from {@link #refreshNow()} callers), never concurrently.
     */
    public static Builder builder(Supplier<Credentials> fetcher) {
        return new Builder(fetcher);
    }

    @Override
    public Credentials credentials() {
        return current;
    }

    /**
     * Fetches new credentials now, on the calling thread, and reschedules the next automatic refresh from
     * the result. A failure keeps the last good credentials (and is logged) exactly like a scheduled refresh.
     *
     * @return {@code true} if new credentials were installed
     * @throws IllegalStateException if the provider is closed
     */
    public boolean refreshNow() {
        refreshLock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("RefreshingCredentialsProvider is closed");
            }
            return refreshAndReschedule();
        } finally {
            refreshLock.unlock();
        }
    }

    /** Stops automatic refreshing. Idempotent. */
    @Override
    public void close() {
        refreshLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            if (pending != null) {
                pending.cancel(false);
                pending = null;
            }
        } finally {
            refreshLock.unlock();
        }
        if (ownsScheduler) {
            scheduler.shutdownNow();
        }
    }

    private void start() {
        Credentials first;
        try {
            first = fetchChecked();
        } catch (RuntimeException e) {
            close();
            throw new IllegalStateException("initial credentials fetch failed", e);
        }
        refreshLock.lock();
        try {
            current = first;
            schedule(nextRefreshDelay(clock.instant(), first, refreshInterval, refreshAheadOfExpiry));
        } finally {
            refreshLock.unlock();
        }
    }

    private void scheduledRefresh() {
        refreshLock.lock();
        try {
            if (!closed) {
                refreshAndReschedule();
            }
        } finally {
            refreshLock.unlock();
        }
    }

    /** Must hold {@link #refreshLock}. */
    private boolean refreshAndReschedule() {
        if (pending != null) {
            pending.cancel(false);
            pending = null;
        }
        boolean ok;
        Duration next;
        try {
            Credentials fresh = fetchChecked();
            current = fresh;
            ok = true;
            next = nextRefreshDelay(clock.instant(), fresh, refreshInterval, refreshAheadOfExpiry);
            log.debug("credentials refreshed (access key {}); next refresh in {}", fresh.accessKeyId(), next);
        } catch (RuntimeException e) {
            ok = false;
            next = retryDelay.compareTo(refreshInterval) < 0 ? retryDelay : refreshInterval;
            Credentials kept = current;
            log.warn("credentials refresh failed; keeping access key {} (expiration {}); retrying in {}",
                    kept.accessKeyId(), kept.expiration(), next, e);
        }
        schedule(next);
        return ok;
    }

    /** Must hold {@link #refreshLock}. */
    private void schedule(Duration delay) {
        if (closed) {
            return;
        }
        try {
            pending = scheduler.schedule(this::scheduledRefresh, delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            log.warn("credentials refresh scheduler rejected the next refresh; automatic refresh stopped", e);
        }
    }

    private Credentials fetchChecked() {
        Credentials c = fetcher.get();
        if (c == null) {
            throw new IllegalStateException("credentials fetcher returned null");
        }
        return c;
    }

    /**
     * Delay until the next refresh: the refresh interval, shortened so that the refresh happens
     * {@code aheadOfExpiry} before the credentials expire, but never below {@link #MIN_DELAY}.
     */
    static Duration nextRefreshDelay(Instant now, Credentials credentials, Duration interval,
                                     Duration aheadOfExpiry) {
        Duration delay = interval;
        if (credentials.expiration() != null) {
            Duration untilRefresh = Duration.between(now, credentials.expiration().minus(aheadOfExpiry));
            if (untilRefresh.compareTo(delay) < 0) {
                delay = untilRefresh;
            }
        }
        return delay.compareTo(MIN_DELAY) < 0 ? MIN_DELAY : delay;
    }

    @Override
    public String toString() {
        return "RefreshingCredentialsProvider[" + current + ", refreshInterval=" + refreshInterval + "]";
    }

    /** Builder for {@link RefreshingCredentialsProvider}. Not thread-safe. */
    public static final class Builder {
        private final Supplier<Credentials> fetcher;
        private Duration refreshInterval = Duration.ofMinutes(30);
        private Duration refreshAheadOfExpiry = Duration.ofMinutes(5);
        private Duration retryDelay = Duration.ofMinutes(1);
        private Clock clock = Clock.systemUTC();
        private ScheduledExecutorService scheduler;

        private Builder(Supplier<Credentials> fetcher) {
            this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
        }

        /** Time between routine refreshes. Must be at least 1 s. Default: 30 minutes. */
        public Builder refreshInterval(Duration interval) {
            this.refreshInterval = requireAtLeast(interval, MIN_DELAY, "refreshInterval");
            return this;
        }

        /** How long before {@link Credentials#expiration()} to refresh. Default: 5 minutes. */
        public Builder refreshAheadOfExpiry(Duration ahead) {
            this.refreshAheadOfExpiry = requireAtLeast(ahead, Duration.ZERO, "refreshAheadOfExpiry");
            return this;
        }

        /** Delay before retrying a failed refresh (capped at the refresh interval). Default: 1 minute. */
        public Builder retryDelay(Duration delay) {
            this.retryDelay = requireAtLeast(delay, MIN_DELAY, "retryDelay");
            return this;
        }

        /**
         * Scheduler for the refreshes. It is not shut down by {@link RefreshingCredentialsProvider#close()}.
         * Default: a daemon thread owned (and shut down) by the provider.
         */
        public Builder scheduler(ScheduledExecutorService scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /** Clock used to compare against credential expiration. Default: the system UTC clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Fetches the first credentials (on the calling thread) and schedules the refreshes.
         *
         * @throws IllegalStateException if the first fetch fails (the cause is attached)
         */
        public RefreshingCredentialsProvider build() {
            RefreshingCredentialsProvider p = new RefreshingCredentialsProvider(this);
            p.start();
            return p;
        }

        private static Duration requireAtLeast(Duration d, Duration min, String name) {
            Objects.requireNonNull(d, name);
            if (d.compareTo(min) < 0) {
                throw new IllegalArgumentException(name + " must be at least " + min + ", got " + d);
            }
            return d;
        }
    }
}
