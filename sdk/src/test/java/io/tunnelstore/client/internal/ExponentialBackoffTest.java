package io.tunnelstore.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunnelstore.client.RetryPolicy;
import org.junit.jupiter.api.Test;

class ExponentialBackoffTest {

    @Test
    void midpointRandomGivesTheExactExponentialSequenceCappedAtMax() {
        ExponentialBackoff b = new ExponentialBackoff(10, 2.0, 1000, 0.2, () -> 0.5);
        assertThat(new long[] {b.backoffMs(0), b.backoffMs(1), b.backoffMs(2), b.backoffMs(3), b.backoffMs(4),
                b.backoffMs(5), b.backoffMs(6), b.backoffMs(7), b.backoffMs(30)})
                .containsExactly(10, 20, 40, 80, 160, 320, 640, 1000, 1000);
    }

    @Test
    void jitterSpreadsBelowAndAboveTheBase() {
        ExponentialBackoff low = new ExponentialBackoff(100, 2.0, 10_000, 0.2, () -> 0.0);
        ExponentialBackoff high = new ExponentialBackoff(100, 2.0, 10_000, 0.2, () -> 0.75);
        assertThat(low.backoffMs(0)).isEqualTo(80);   // 100 × (1 - 0.2)
        assertThat(low.backoffMs(2)).isEqualTo(320);  // 400 × 0.8
        assertThat(high.backoffMs(0)).isEqualTo(110); // 100 × (1 + 0.2 × 0.5)
    }

    @Test
    void jitterNeverExceedsTheCapNorGoesBelowOneMs() {
        ExponentialBackoff b = new ExponentialBackoff(1, 2.0, 1000, 0.9, () -> 0.999_999);
        assertThat(b.backoffMs(20)).isEqualTo(1000);
        ExponentialBackoff tiny = new ExponentialBackoff(1, 1.0, 1, 0.9, () -> 0.0);
        assertThat(tiny.backoffMs(0)).isEqualTo(1);
    }

    @Test
    void defaultPolicyStartsAtTenMsAndCapsAtOneSecond() {
        ExponentialBackoff b = ExponentialBackoff.of(RetryPolicy.defaults(), () -> 0.5);
        assertThat(b.backoffMs(0)).isEqualTo(10);
        assertThat(b.backoffMs(10)).isEqualTo(1000);
    }

    @Test
    void rejectsBadArguments() {
        assertThatThrownBy(() -> new ExponentialBackoff(0, 2, 10, 0, () -> 0.5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("initialMs");
        assertThatThrownBy(() -> new ExponentialBackoff(10, 0.5, 100, 0, () -> 0.5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("multiplier");
        ExponentialBackoff b = new ExponentialBackoff(10, 2, 100, 0, () -> 0.5);
        assertThatThrownBy(() -> b.backoffMs(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
