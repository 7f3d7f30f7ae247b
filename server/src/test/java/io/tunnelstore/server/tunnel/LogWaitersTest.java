package io.tunnelstore.server.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunnelstore.storage.LogBounds;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

    @Test
    void pollingTheBoundsFiresOnlyTheWaitsWhoseNextSequenceAnotherNodeWrote() {
        LogWaiters waiters = new LogWaiters();
        List<String> fired = new ArrayList<>();
        waiters.await(1, 1, 5, () -> fired.add("t1s1@5"));
        waiters.await(1, 1, 8, () -> fired.add("t1s1@8"));
        waiters.await(1, 2, 3, () -> fired.add("t1s2@3"));
        Map<Long, LogBounds> byShard = new HashMap<>(Map.of(1L, new LogBounds(1, 4), 2L, new LogBounds(0, 0)));
        List<String> asked = new ArrayList<>();

        assertThat(waiters.pollBounds((table, shard) -> {
            asked.add(table + "/" + shard);
            return byShard.get(shard);
        })).isZero();
        assertThat(asked).containsExactlyInAnyOrder("1/1", "1/2");
        assertThat(fired).isEmpty();

        byShard.put(1L, new LogBounds(1, 6)); // another node appended 5 and 6
        assertThat(waiters.pollBounds((table, shard) -> byShard.get(shard))).isEqualTo(1);
        assertThat(fired).containsExactly("t1s1@5");
        assertThat(waiters.pending()).isEqualTo(2);

        byShard.put(2L, new LogBounds(1, 3));
        byShard.put(1L, new LogBounds(1, 8));
        assertThat(waiters.pollBounds((table, shard) -> byShard.get(shard))).isEqualTo(2);
        assertThat(fired).hasSize(3).startsWith("t1s1@5").containsExactlyInAnyOrder("t1s1@5", "t1s2@3", "t1s1@8");
        assertThat(waiters.pending()).isZero();
    }

    @Test
    void aShardWhoseBoundsCannotBeReadIsRetriedOnTheNextPollAndAFiredWaitCannotBeCancelled() {
        LogWaiters waiters = new LogWaiters();
        AtomicInteger fired = new AtomicInteger();
        LogWaiters.Waiter w = waiters.await(4, 9, 2, fired::incrementAndGet);
        assertThat(waiters.pollBounds((table, shard) -> {
            throw new IllegalStateException("region moving");
        })).isZero();
        assertThat(waiters.pending()).isEqualTo(1);
        assertThat(waiters.pollBounds((table, shard) -> new LogBounds(1, 2))).isEqualTo(1);
        assertThat(w.cancel()).isFalse();
        waiters.appended(4, 9, 3); // the local append after the poll fired it: nothing more
        assertThat(fired.get()).isEqualTo(1);
    }
}
