package io.tunnelstore.server.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LossForecastTest {
    private static final long HOUR = 3_600_000L;

    @Test
    void aStalledConsumerLosesDataWhenItsLagReachesTheRetention() {
        LossForecast f = new LossForecast();
        for (long t = 0; t <= 60_000; t += 10_000) {
            f.record("t", 1_000_000 + t, 600_000 + t); // lag grows one second per second
        }
        // lag 660 s now, retention 1 h: 2,940 s to go
        assertThat(f.millisUntilLoss("t", HOUR)).hasValue(HOUR - 660_000);
    }

    @Test
    void aConsumerFallingBehindSlowlyGetsALongerForecast() {
        LossForecast f = new LossForecast();
        for (long t = 0; t <= 100_000; t += 10_000) {
            f.record("t", t, 1_000 + t / 10); // lag grows 0.1 s per second
        }
        // lag 11 s; (3,600 - 11) s / 0.1
        assertThat(f.millisUntilLoss("t", HOUR)).hasValue((HOUR - 11_000) * 10);
    }

    @Test
    void noForecastWhenTheLagShrinksStaysFlatIsZeroOrHasOneSample() {
        LossForecast f = new LossForecast();
        f.record("shrink", 0, 50_000);
        f.record("shrink", 10_000, 40_000);
        assertThat(f.millisUntilLoss("shrink", HOUR)).isEmpty();
        f.record("flat", 0, 5_000);
        f.record("flat", 10_000, 5_000);
        assertThat(f.millisUntilLoss("flat", HOUR)).isEmpty();
        f.record("zero", 0, 0);
        f.record("zero", 10_000, 0);
        assertThat(f.millisUntilLoss("zero", HOUR)).isEmpty();
        f.record("one", 0, 10_000);
        assertThat(f.millisUntilLoss("one", HOUR)).isEmpty();
        assertThat(f.millisUntilLoss("unknown", HOUR)).isEmpty();
    }

    @Test
    void alreadyPastTheRetentionIsZeroAndOldSamplesAreForgotten() {
        LossForecast f = new LossForecast();
        f.record("t", 0, HOUR + 1);
        f.record("t", 1, HOUR + 2);
        assertThat(f.millisUntilLoss("t", HOUR)).hasValue(0);
        LossForecast g = new LossForecast();
        g.record("t", 0, 0);          // forgotten: outside the window by the last sample
        g.record("t", LossForecast.WINDOW_MILLIS + 1, 10_000);
        assertThat(g.millisUntilLoss("t", HOUR)).isEmpty();
    }
}
