package io.tunnelstore.server.compat;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunnelstore.server.compat.LinearizabilityChecker.Op;
import io.tunnelstore.server.compat.RowRegisterModel.State;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The checker accepts linearizable histories and rejects known non-linearizable ones. */
class LinearizabilityCheckerTest {

    private static final long UNKNOWN = Long.MAX_VALUE;
    private final LinearizabilityChecker checker = new LinearizabilityChecker(1_000_000);

    private static Op<State> op(String key, int process, long invoke, long complete, String what,
                                Function<State, State> step) {
        return new Op<>(key, process, invoke, complete, what, step);
    }

    private LinearizabilityChecker.Result check(Op<State>... ops) {
        return checker.check(List.of(ops), RowRegisterModel.ABSENT);
    }

    @Test
    void aReadAfterAnAcknowledgedPutThatMissesItIsRejected() {
        LinearizabilityChecker.Result r = check(
                op("a", 1, 0, 10, "put 1", RowRegisterModel.put(1)),
                op("a", 2, 20, 30, "read absent", RowRegisterModel.read(null, null)));
        assertThat(r.linearizable()).isFalse();
        assertThat(r.failedKey()).isEqualTo("a");
        assertThat(r.explanation()).contains("p1 put 1 [0, 10]", "p2 read absent [20, 30]");
    }

    @Test
    void readsConcurrentWithAPutMaySeeItLateButNeverUnseeIt() {
        assertThat(check(
                op("a", 1, 0, 100, "put 1", RowRegisterModel.put(1)),
                op("a", 2, 10, 20, "read absent", RowRegisterModel.read(null, null)),
                op("a", 3, 30, 40, "read 1", RowRegisterModel.read(1L, null))).linearizable()).isTrue();
        assertThat(check(
                op("a", 1, 0, 100, "put 1", RowRegisterModel.put(1)),
                op("a", 2, 10, 20, "read 1", RowRegisterModel.read(1L, null)),
                op("a", 3, 30, 40, "read absent", RowRegisterModel.read(null, null))).linearizable()).isFalse();
    }

    @Test
    void twoIncrementsReturningTheSameValueAreRejectedEvenWhenConcurrent() {
        assertThat(check(
                op("a", 1, 0, 10, "inc -> 1", RowRegisterModel.increment(1)),
                op("a", 2, 5, 15, "inc -> 1", RowRegisterModel.increment(1))).linearizable()).isFalse();
        assertThat(check(
                op("a", 1, 0, 10, "inc -> 2", RowRegisterModel.increment(2)),
                op("a", 2, 5, 15, "inc -> 1", RowRegisterModel.increment(1))).linearizable()).isTrue();
    }

    @Test
    void aLostIncrementAfterAnEarlierAcknowledgedOneIsRejected() {
        assertThat(check(
                op("a", 1, 0, 10, "inc -> 1", RowRegisterModel.increment(1)),
                op("a", 2, 20, 30, "inc -> 2", RowRegisterModel.increment(2)),
                op("a", 3, 40, 50, "read n=1", RowRegisterModel.read(null, 1L))).linearizable()).isFalse();
    }

    @Test
    void compareAndSetMustAgreeWithTheValueItSaw() {
        assertThat(check(
                op("a", 1, 0, 10, "put 1", RowRegisterModel.put(1)),
                op("a", 2, 20, 30, "cas 1->2 ok", RowRegisterModel.compareAndSet(1, 2, true)),
                op("a", 3, 25, 35, "cas 1->3 ok", RowRegisterModel.compareAndSet(1, 3, true))).linearizable())
                .isFalse();
        assertThat(check(
                op("a", 1, 0, 10, "put 1", RowRegisterModel.put(1)),
                op("a", 2, 20, 30, "cas 1->2 ok", RowRegisterModel.compareAndSet(1, 2, true)),
                op("a", 3, 25, 35, "cas 1->3 failed", RowRegisterModel.compareAndSet(1, 3, false)),
                op("a", 4, 40, 50, "read 2", RowRegisterModel.read(2L, null))).linearizable()).isTrue();
    }

    @Test
    void anOperationWithAnUnknownOutcomeMayTakeEffectLateOrNever() {
        assertThat(check(
                op("a", 1, 0, UNKNOWN, "put 2 (lost answer)", RowRegisterModel.put(2)),
                op("a", 2, 50, 60, "read absent", RowRegisterModel.read(null, null)),
                op("a", 3, 70, 80, "read 2", RowRegisterModel.read(2L, null))).linearizable()).isTrue();
        assertThat(check(
                op("a", 1, 0, UNKNOWN, "put 2 (lost answer)", RowRegisterModel.put(2)),
                op("a", 2, 50, 60, "read 2", RowRegisterModel.read(2L, null)),
                op("a", 3, 70, 80, "read absent", RowRegisterModel.read(null, null))).linearizable()).isFalse();
        assertThat(check(
                op("a", 1, 0, UNKNOWN, "put 2 (lost answer)", RowRegisterModel.put(2)),
                op("a", 2, 50, 60, "read absent", RowRegisterModel.read(null, null))).linearizable()).isTrue();
    }

    @Test
    void keysAreCheckedIndependently() {
        LinearizabilityChecker.Result r = check(
                op("a", 1, 0, 10, "put 1", RowRegisterModel.put(1)),
                op("b", 1, 20, 30, "read absent", RowRegisterModel.read(null, null)),
                op("b", 2, 40, 50, "inc -> 1", RowRegisterModel.increment(1)),
                op("a", 2, 60, 70, "read 1", RowRegisterModel.read(1L, null)),
                op("b", 3, 80, 90, "read n=2", RowRegisterModel.read(null, 2L)));
        assertThat(r.linearizable()).isFalse();
        assertThat(r.failedKey()).isEqualTo("b");
    }

    /** A history produced by a real sequential execution, with every operation's interval widened to overlap. */
    @Test
    void aLongConcurrentLookingHistoryOfARealExecutionIsAccepted() {
        Random random = new Random(42);
        List<Op<State>> ops = new ArrayList<>();
        State state = RowRegisterModel.ABSENT;
        for (int i = 0; i < 2_000; i++) {
            long at = i * 10L;
            Function<State, State> step;
            String what;
            switch (random.nextInt(5)) {
                case 0 -> {
                    long v = random.nextInt(3);
                    step = RowRegisterModel.put(v);
                    what = "put " + v;
                }
                case 1 -> {
                    long next = (state.n() == null ? 0 : state.n()) + 1;
                    step = RowRegisterModel.increment(next);
                    what = "inc -> " + next;
                }
                case 2 -> {
                    long expected = random.nextInt(3);
                    boolean ok = state.v() != null && state.v() == expected;
                    step = RowRegisterModel.compareAndSet(expected, expected + 1, ok);
                    what = "cas " + expected + (ok ? " ok" : " failed");
                }
                case 3 -> {
                    step = RowRegisterModel.delete();
                    what = "delete";
                }
                default -> {
                    step = RowRegisterModel.read(state.v(), state.n());
                    what = "read " + state;
                }
            }
            state = step.apply(state);
            // the operation took effect at `at`; its client saw it between at - 25 and at + 25
            ops.add(op("k", i % 6, Math.max(0, at - 25), at + 25, what, step));
        }
        LinearizabilityChecker.Result r = checker.check(ops, RowRegisterModel.ABSENT);
        assertThat(r.linearizable()).as(r.explanation()).isTrue();
    }
}
