package io.tunnelstore.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunnelstore.testsupport.Await;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class CredentialsProvidersTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    @Test
    void credentialsValidateAndNeverPrintTheSecret() {
        Credentials c = Credentials.of("STS.abc", "s3cr3t", "tok3n");
        assertThat(c.hasSecurityToken()).isTrue();
        assertThat(c.toString()).doesNotContain("s3cr3t").doesNotContain("tok3n").contains("STS.abc");
        assertThat(Credentials.of("ak", "sk", " ").securityToken()).isNull();
        assertThatThrownBy(() -> Credentials.of("bad key", "sk"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'bad key'");
        assertThatThrownBy(() -> Credentials.of("ak", ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("secret is empty");
    }

    @Test
    void staticProviderReturnsTheSameCredentials() {
        StaticCredentialsProvider p = StaticCredentialsProvider.of("ak", "sk");
        assertThat(p.credentials()).isEqualTo(Credentials.of("ak", "sk"));
        assertThat(p.credentials()).isSameAs(p.credentials());
    }

    @Test
    void environmentProviderReadsBothVariables() {
        EnvironmentCredentialsProvider p = EnvironmentCredentialsProvider.fromEnv(
                Map.of("OTS_AK_ENV", " myKey ", "OTS_SK_ENV", "mySecret"));
        assertThat(p.credentials()).isEqualTo(Credentials.of("myKey", "mySecret"));
    }

    @Test
    void environmentProviderNamesTheMissingVariable() {
        assertThatThrownBy(() -> EnvironmentCredentialsProvider.fromEnv(Map.of("OTS_SK_ENV", "x")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("environment variable OTS_AK_ENV (the access key id) is not set");
        assertThatThrownBy(() -> EnvironmentCredentialsProvider.fromEnv(Map.of("OTS_AK_ENV", "k", "OTS_SK_ENV", "")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("environment variable OTS_SK_ENV (the access key secret) is blank");
    }

    /** A fetcher that hands out scripted results: credentials, or a RuntimeException to throw. */
    private static final class ScriptedFetcher implements Supplier<Credentials> {
        static final Object NULL = new Object();
        final Deque<Object> script = new ArrayDeque<>();
        int calls;

        ScriptedFetcher then(Object result) {
            script.add(result);
            return this;
        }

        @Override
        public Credentials get() {
            calls++;
            Object next = script.poll();
            if (next instanceof RuntimeException e) {
                throw e;
            }
            if (next == NULL) {
                return null;
            }
            return (Credentials) next;
        }
    }

    @Test
    void refreshesOnTheInjectedSchedulerEveryInterval() {
        ManualScheduledExecutor scheduler = new ManualScheduledExecutor();
        ScriptedFetcher fetcher = new ScriptedFetcher()
                .then(Credentials.of("k1", "s1", "t1"))
                .then(Credentials.of("k2", "s2", "t2"));
        try (RefreshingCredentialsProvider p = RefreshingCredentialsProvider.builder(fetcher)
                .scheduler(scheduler).clock(CLOCK).build()) {
            assertThat(p.credentials().accessKeyId()).isEqualTo("k1");
            assertThat(scheduler.pendingDelays()).containsExactly(Duration.ofMinutes(30));

            scheduler.runNext();

            assertThat(p.credentials().accessKeyId()).isEqualTo("k2");
            assertThat(fetcher.calls).isEqualTo(2);
            assertThat(scheduler.pendingDelays()).containsExactly(Duration.ofMinutes(30));
        }
        assertThat(scheduler.pendingDelays()).isEmpty();
        assertThat(scheduler.isShutdown()).as("an injected scheduler is not shut down").isFalse();
    }

    @Test
    void refreshesAheadOfExpiryWhenThatComesFirst() {
        ManualScheduledExecutor scheduler = new ManualScheduledExecutor();
        ScriptedFetcher fetcher = new ScriptedFetcher()
                .then(Credentials.temporary("k1", "s1", "t1", NOW.plus(Duration.ofMinutes(15))));
        try (RefreshingCredentialsProvider p = RefreshingCredentialsProvider.builder(fetcher)
                .refreshAheadOfExpiry(Duration.ofMinutes(5)).scheduler(scheduler).clock(CLOCK).build()) {
            assertThat(scheduler.pendingDelays()).containsExactly(Duration.ofMinutes(10));
        }
    }

    @Test
    void nextRefreshDelayHasAFloorForAlmostExpiredCredentials() {
        Credentials expiring = Credentials.temporary("k", "s", "t", NOW.plusSeconds(30));
        assertThat(RefreshingCredentialsProvider.nextRefreshDelay(NOW, expiring, Duration.ofMinutes(30),
                Duration.ofMinutes(5))).isEqualTo(Duration.ofSeconds(1));
        assertThat(RefreshingCredentialsProvider.nextRefreshDelay(NOW, Credentials.of("k", "s"),
                Duration.ofMinutes(7), Duration.ofMinutes(5))).isEqualTo(Duration.ofMinutes(7));
    }

    @Test
    void aFailedRefreshKeepsTheLastGoodCredentialsAndRetriesSooner() {
        ManualScheduledExecutor scheduler = new ManualScheduledExecutor();
        ScriptedFetcher fetcher = new ScriptedFetcher()
                .then(Credentials.of("k1", "s1", "t1"))
                .then(new IllegalStateException("sts down"))
                .then(ScriptedFetcher.NULL)
                .then(Credentials.of("k3", "s3", "t3"));
        try (RefreshingCredentialsProvider p = RefreshingCredentialsProvider.builder(fetcher)
                .retryDelay(Duration.ofSeconds(20)).scheduler(scheduler).clock(CLOCK).build()) {
            scheduler.runNext(); // throws inside: logged, kept
            assertThat(p.credentials().accessKeyId()).isEqualTo("k1");
            assertThat(scheduler.pendingDelays()).containsExactly(Duration.ofSeconds(20));

            assertThat(p.refreshNow()).as("fetcher returned null").isFalse();
            assertThat(p.credentials().accessKeyId()).isEqualTo("k1");
            assertThat(scheduler.pendingDelays()).containsExactly(Duration.ofSeconds(20));

            assertThat(p.refreshNow()).isTrue();
            assertThat(p.credentials().accessKeyId()).isEqualTo("k3");
            assertThat(scheduler.pendingDelays()).containsExactly(Duration.ofMinutes(30));
        }
    }

    @Test
    void aFailingFirstFetchFailsTheBuild() {
        ManualScheduledExecutor scheduler = new ManualScheduledExecutor();
        ScriptedFetcher fetcher = new ScriptedFetcher().then(new IllegalStateException("no sts"));
        assertThatThrownBy(() -> RefreshingCredentialsProvider.builder(fetcher).scheduler(scheduler).build())
                .isInstanceOf(IllegalStateException.class).hasMessage("initial credentials fetch failed")
                .hasRootCauseMessage("no sts");
        assertThat(scheduler.pendingDelays()).isEmpty();
    }

    @Test
    void closedProviderRejectsManualRefreshButKeepsServing() {
        ManualScheduledExecutor scheduler = new ManualScheduledExecutor();
        RefreshingCredentialsProvider p = RefreshingCredentialsProvider.builder(
                new ScriptedFetcher().then(Credentials.of("k1", "s1"))).scheduler(scheduler).build();
        p.close();
        p.close();
        assertThat(p.credentials().accessKeyId()).isEqualTo("k1");
        assertThatThrownBy(p::refreshNow).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void ownDaemonThreadRefreshesAndIsStoppedByClose() throws Exception {
        CountDownLatch secondFetch = new CountDownLatch(1);
        List<Credentials> issued = List.of(Credentials.of("k1", "s1"), Credentials.of("k2", "s2"));
        int[] n = {0};
        Supplier<Credentials> fetcher = () -> {
            Credentials c = issued.get(Math.min(n[0]++, 1));
            if (n[0] == 2) {
                secondFetch.countDown();
            }
            return c;
        };
        // expiration right away: the next refresh is due after the 1 s floor
        try (RefreshingCredentialsProvider p = RefreshingCredentialsProvider.builder(() -> {
            Credentials c = fetcher.get();
            return new Credentials(c.accessKeyId(), c.accessKeySecret(), null, Instant.now());
        }).build()) {
            assertThat(p.credentials().accessKeyId()).isEqualTo("k1");
            assertThat(secondFetch.await(10, TimeUnit.SECONDS)).isTrue();
            // the fetch returned; the snapshot is installed right after it
            Await.until("the k2 snapshot", Duration.ofSeconds(10), () -> p.credentials().accessKeyId().equals("k2"));
            assertThat(p.credentials().accessKeyId()).isEqualTo("k2");
        }
    }
}
