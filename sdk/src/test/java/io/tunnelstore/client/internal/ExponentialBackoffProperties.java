package io.tunnelstore.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

class ExponentialBackoffProperties {

    @Property
    void pauseStaysWithinJitterOfTheCappedBaseAndWithinOneMsToMax(
            @ForAll @LongRange(min = 1, max = 1_000) long initialMs,
            @ForAll @DoubleRange(min = 1.0, max = 4.0) double multiplier,
            @ForAll @LongRange(min = 0, max = 100_000) long extraMaxMs,
            @ForAll @DoubleRange(min = 0.0, max = 0.99) double jitter,
            @ForAll @DoubleRange(min = 0.0, max = 1.0, maxIncluded = false) double random,
            @ForAll @IntRange(min = 0, max = 200) int attempt) {
        long maxMs = initialMs + extraMaxMs;
        ExponentialBackoff b = new ExponentialBackoff(initialMs, multiplier, maxMs, jitter, () -> random);
        double base = Math.min(maxMs, initialMs * Math.pow(multiplier, attempt));

        long pause = b.backoffMs(attempt);

        assertThat(pause).isBetween(1L, maxMs);
        assertThat((double) pause).isBetween(Math.floor(base * (1 - jitter)) - 1, Math.ceil(base * (1 + jitter)) + 1);
    }

    @Property
    void withoutJitterThePauseNeverShrinksAsAttemptsGrow(
            @ForAll @LongRange(min = 1, max = 1_000) long initialMs,
            @ForAll @DoubleRange(min = 1.0, max = 4.0) double multiplier,
            @ForAll @IntRange(min = 0, max = 100) int attempt) {
        ExponentialBackoff b = new ExponentialBackoff(initialMs, multiplier, 60_000, 0.0, () -> 0.5);
        assertThat(b.backoffMs(attempt + 1)).isGreaterThanOrEqualTo(b.backoffMs(attempt));
    }
}
