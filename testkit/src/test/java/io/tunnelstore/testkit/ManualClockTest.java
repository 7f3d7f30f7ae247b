package io.tunnelstore.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class ManualClockTest {

    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void standsStillUntilAdvanced() {
        ManualClock clock = ManualClock.startingAt(START);
        assertThat(clock.instant()).isEqualTo(START);
        assertThat(clock.millis()).isEqualTo(START.toEpochMilli());

        assertThat(clock.advance(Duration.ofHours(2))).isEqualTo(Instant.parse("2026-01-01T02:00:00Z"));
        assertThat(clock.instant()).isEqualTo(Instant.parse("2026-01-01T02:00:00Z"));
    }

    @Test
    void refusesToGoBackwards() {
        ManualClock clock = ManualClock.startingAt(START);
        assertThatThrownBy(() -> clock.advance(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-0.001S");
        assertThat(clock.instant()).isEqualTo(START);
    }

    @Test
    void zonedViewSharesTheSameTime() {
        ManualClock clock = ManualClock.startingAt(START);
        var tokyo = clock.withZone(ZoneId.of("Asia/Tokyo"));
        clock.advance(Duration.ofMinutes(5));
        assertThat(tokyo.instant()).isEqualTo(START.plusSeconds(300));
        assertThat(tokyo.getZone()).isEqualTo(ZoneId.of("Asia/Tokyo"));
    }

    @Test
    void concurrentAdvancesAreAllApplied() throws InterruptedException {
        ManualClock clock = ManualClock.startingAt(START);
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 1000; i++) {
                    clock.advance(Duration.ofMillis(1));
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(clock.instant()).isEqualTo(START.plusMillis(4000));
    }
}
