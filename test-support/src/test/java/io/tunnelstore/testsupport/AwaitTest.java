package io.tunnelstore.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AwaitTest {

    @Test
    void returnsAtOnceWhenTheConditionHolds() {
        AtomicInteger polls = new AtomicInteger();
        Await.until("true", Duration.ZERO, () -> polls.incrementAndGet() > 0);
        assertThat(polls).hasValue(1);
    }

    @Test
    void pollsUntilTheConditionHolds() {
        AtomicInteger polls = new AtomicInteger();
        Await.until("the fifth poll", Duration.ofSeconds(10), () -> polls.incrementAndGet() == 5);
        assertThat(polls).hasValue(5);
    }

    @Test
    void failsNamingWhatWasAwaited() {
        assertThatThrownBy(() -> Await.until("the moon", Duration.ofMillis(20), () -> false))
                .isInstanceOf(AssertionError.class)
                .hasMessage("Timed out after PT0.02S waiting for the moon");
        assertThatThrownBy(() -> Await.until(() -> false, Duration.ofMillis(5), () -> "state is CLOSED"))
                .hasMessage("Timed out after PT0.005S waiting for state is CLOSED");
    }

    @Test
    void interruptEndsTheWaitAndKeepsTheFlag() {
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> Await.until("never", Duration.ofSeconds(10), () -> false))
                    .isInstanceOf(AssertionError.class).hasMessage("Interrupted while waiting for never");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void awaitsALatch() throws Exception {
        CountDownLatch latch = new CountDownLatch(1);
        Thread t = new Thread(latch::countDown);
        t.start();
        Await.latch("the count-down", Duration.ofSeconds(10), latch);
        assertThat(latch.getCount()).isZero();
        t.join();

        assertThatThrownBy(() -> Await.latch("two events", Duration.ofMillis(10), new CountDownLatch(2)))
                .hasMessage("Timed out after PT0.01S waiting for two events (count still 2)");
    }
}
