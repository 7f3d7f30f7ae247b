package io.tunnelstore.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ManualClockTest {

    private static final Instant START = Instant.parse("2026-01-01T00:00:00.000001234Z");

    @Test
    void standsStillUntilMoved() {
        ManualClock clock = ManualClock.startingAt(START);
        assertThat(clock.instant()).isEqualTo(START);
        assertThat(clock.instant()).isEqualTo(START);
        assertThat(clock.getZone()).isEqualTo(ZoneOffset.UTC);

        assertThat(clock.advance(Duration.ofHours(2))).isEqualTo(Instant.parse("2026-01-01T02:00:00.000001234Z"));
        assertThat(clock.millis()).isEqualTo(Instant.parse("2026-01-01T02:00:00Z").toEpochMilli());
        assertThat(clock.micros()).isEqualTo(Instant.parse("2026-01-01T02:00:00Z").toEpochMilli() * 1000 + 1);
    }

    @Test
    void advanceRefusesNegativeAmountsAndRewindStepsBack() {
        ManualClock clock = ManualClock.startingAt(START);
        assertThatThrownBy(() -> clock.advance(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("use rewind");
        assertThat(clock.instant()).isEqualTo(START);

        assertThat(clock.rewind(Duration.ofSeconds(30))).isEqualTo(START.minusSeconds(30));
        assertThatThrownBy(() -> clock.rewind(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void zonedViewSharesTheTime() {
        ManualClock clock = ManualClock.startingAt(START);
        ZoneId tokyo = ZoneId.of("Asia/Tokyo");
        Clock zoned = clock.withZone(tokyo);
        clock.advance(Duration.ofMinutes(5));
        assertThat(zoned.getZone()).isEqualTo(tokyo);
        assertThat(zoned.instant()).isEqualTo(START.plusSeconds(300));
    }

    @Test
    void followingSystemTimeAddsTheOffsetToTheWallClock() {
        ManualClock clock = ManualClock.followingSystemTime();
        long before = System.currentTimeMillis();
        long read = clock.millis();
        long after = System.currentTimeMillis();
        assertThat(read).isBetween(before, after);

        clock.advance(Duration.ofHours(1));
        before = System.currentTimeMillis();
        read = clock.millis();
        after = System.currentTimeMillis();
        assertThat(read).isBetween(before + 3_600_000, after + 3_600_000);

        clock.rewind(Duration.ofHours(2));
        before = System.currentTimeMillis();
        read = clock.millis();
        after = System.currentTimeMillis();
        assertThat(read).isBetween(before - 3_600_000, after - 3_600_000);
    }

    @Test
    void tickingClockMovesByItsStepAtEveryRead() {
        ManualClock clock = ManualClock.ticking(Instant.ofEpochMilli(1_000), Duration.ofMillis(1));
        assertThat(clock.millis()).isEqualTo(1_001);
        assertThat(clock.millis()).isEqualTo(1_002);
        assertThat(clock.instant()).isEqualTo(Instant.ofEpochMilli(1_003));
        clock.advance(Duration.ofSeconds(1));
        assertThat(clock.millis()).isEqualTo(2_004);
        assertThat(clock.toString()).isEqualTo("ManualClock[1970-01-01T00:00:02.004Z]"); // toString does not tick
        assertThatThrownBy(() -> ManualClock.ticking(START, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void subclassesShareTheTimeOfTheClockTheyWrap() {
        ManualClock base = ManualClock.startingAt(START);
        ManualClock view = new ManualClock(base) { };
        base.advance(Duration.ofSeconds(1));
        assertThat(view.instant()).isEqualTo(START.plusSeconds(1));
    }
}
