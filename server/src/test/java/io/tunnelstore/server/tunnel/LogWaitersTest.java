package io.tunnelstore.server.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LogWaitersTest {

    @Test
    void aWaiterFiresOnceOnTheNextAppendToItsShardOnly() {
        LogWaiters waiters = new LogWaiters();
        AtomicInteger fired = new AtomicInteger();
        waiters.await(1, 2, fired::incrementAndGet);
        waiters.appended(1, 3, 10); // other shard
        waiters.appended(9, 2, 10); // other table
        assertThat(fired.get()).isZero();
        waiters.appended(1, 2, 11);
        waiters.appended(1, 2, 12);
        assertThat(fired.get()).isEqualTo(1);
        assertThat(waiters.pending()).isZero();
    }

    @Test
    void cancelWinsOnlyBeforeTheAppend() {
        LogWaiters waiters = new LogWaiters();
        AtomicInteger fired = new AtomicInteger();
        LogWaiters.Waiter early = waiters.await(1, 1, fired::incrementAndGet);
        assertThat(early.cancel()).isTrue();
        waiters.appended(1, 1, 5);
        assertThat(fired.get()).isZero();

        LogWaiters.Waiter late = waiters.await(1, 1, fired::incrementAndGet);
        waiters.appended(1, 1, 6);
        assertThat(late.cancel()).isFalse();
        assertThat(fired.get()).isEqualTo(1);
    }
}
