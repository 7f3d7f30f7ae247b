package io.tunnelstore.server.compat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * A linearizability checker for recorded histories: the Wing–Gong search with Lowe's memoization (the algorithm of
 * Knossos' "wgl" checker and of Porcupine), split per key (P-compositionality: a history of independent objects is
 * linearizable iff each object's sub-history is).
 *
 * <p>Each operation carries its invocation and completion time and a {@code step} function: given a model state it
 * returns the state after the operation, or {@code null} when the operation's recorded result is impossible in that
 * state. An operation whose outcome is unknown (the client saw a failure) has completion {@link Long#MAX_VALUE}: it
 * may take effect at any point after its invocation, or never.
 *
 * <p>No maintained Java library does this (Knossos is Clojure, Porcupine Go), hence this small one in test code.
 */
final class LinearizabilityChecker {

    /** One recorded operation on one key. */
    record Op<S>(Object key, int process, long invokeNanos, long completeNanos, String description,
                 Function<S, S> step) {
        Op {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(step, "step");
            if (completeNanos < invokeNanos) {
                throw new IllegalArgumentException("completes before it is invoked: " + description);
            }
        }

        boolean outcomeKnown() {
            return completeNanos != Long.MAX_VALUE;
        }
    }

    /** The verdict: linearizable, or the key whose sub-history is not, with its operations. */
    record Result(boolean linearizable, Object failedKey, String explanation, long statesExplored) {}

    private final long maxStates;

    /** @param maxStates a bound on explored (linearized set, state) pairs per key; beyond it the check fails */
    LinearizabilityChecker(long maxStates) {
        this.maxStates = maxStates;
    }

    <S> Result check(List<Op<S>> history, S initial) {
        Map<Object, List<Op<S>>> byKey = new LinkedHashMap<>();
        for (Op<S> op : history) {
            byKey.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(op);
        }
        long explored = 0;
        for (Map.Entry<Object, List<Op<S>>> e : byKey.entrySet()) {
            KeyResult r = checkKey(e.getValue(), initial);
            explored += r.states;
            if (!r.linearizable) {
                return new Result(false, e.getKey(), r.explanation, explored);
            }
        }
        return new Result(true, null, "linearizable", explored);
    }

    private record KeyResult(boolean linearizable, String explanation, long states) {}

    /** An entry of the doubly linked list of calls and returns, ordered by time. */
    private static final class Entry<S> {
        final int id;
        final Op<S> op; // null for a return entry
        final long time;
        Entry<S> match; // call -> its return (null when the outcome is unknown), return -> its call
        Entry<S> prev;
        Entry<S> next;

        Entry(int id, Op<S> op, long time) {
            this.id = id;
            this.op = op;
            this.time = time;
        }

        boolean isCall() {
            return op != null;
        }
    }

    private record CacheKey(BitSet linearized, Object state) {}

    private record Frame<S>(Entry<S> call, S stateBefore) {}

    private <S> KeyResult checkKey(List<Op<S>> ops, S initial) {
        // build the entry list: calls at invocation, returns at completion; calls before returns at equal times
        // (touching operations are concurrent)
        List<Entry<S>> entries = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) {
            Op<S> op = ops.get(i);
            Entry<S> call = new Entry<>(i, op, op.invokeNanos());
            entries.add(call);
            if (op.outcomeKnown()) {
                Entry<S> ret = new Entry<>(i, null, op.completeNanos());
                call.match = ret;
                ret.match = call;
                entries.add(ret);
            }
        }
        entries.sort(Comparator.<Entry<S>>comparingLong(e -> e.time).thenComparing(e -> e.isCall() ? 0 : 1));
        Entry<S> head = new Entry<>(-1, null, Long.MIN_VALUE); // sentinel
        Entry<S> last = head;
        for (Entry<S> e : entries) {
            last.next = e;
            e.prev = last;
            last = e;
        }
        int knownRemaining = (int) ops.stream().filter(Op::outcomeKnown).count();

        Set<CacheKey> cache = new HashSet<>();
        Deque<Frame<S>> stack = new ArrayDeque<>();
        BitSet linearized = new BitSet(ops.size());
        S state = initial;
        Entry<S> entry = head.next;
        long states = 0;
        while (knownRemaining > 0) {
            if (entry != null && entry.isCall()) {
                S next = entry.op.step().apply(state);
                if (next != null) {
                    BitSet candidate = (BitSet) linearized.clone();
                    candidate.set(entry.id);
                    if (cache.add(new CacheKey(candidate, next))) {
                        if (++states > maxStates) {
                            return new KeyResult(false, "gave up after " + maxStates + " states", states);
                        }
                        stack.push(new Frame<>(entry, state));
                        state = next;
                        linearized.set(entry.id);
                        lift(entry);
                        if (entry.op.outcomeKnown()) {
                            knownRemaining--;
                        }
                        entry = head.next;
                        continue;
                    }
                }
                entry = entry.next;
            } else {
                // a return whose call is not linearized yet (or, defensively, the end of the list): the last
                // choice was wrong, undo it and try the next candidate after it
                if (stack.isEmpty()) {
                    return new KeyResult(false, describe(ops), states);
                }
                Frame<S> top = stack.pop();
                state = top.stateBefore();
                linearized.clear(top.call().id);
                unlift(top.call());
                if (top.call().op.outcomeKnown()) {
                    knownRemaining++;
                }
                entry = top.call().next;
            }
        }
        return new KeyResult(true, "linearizable", states);
    }

    private static <S> void lift(Entry<S> call) {
        unlink(call);
        if (call.match != null) {
            unlink(call.match);
        }
    }

    private static <S> void unlift(Entry<S> call) {
        if (call.match != null) {
            relink(call.match);
        }
        relink(call);
    }

    private static <S> void unlink(Entry<S> e) {
        e.prev.next = e.next;
        if (e.next != null) {
            e.next.prev = e.prev;
        }
    }

    private static <S> void relink(Entry<S> e) {
        e.prev.next = e;
        if (e.next != null) {
            e.next.prev = e;
        }
    }

    private static <S> String describe(List<Op<S>> ops) {
        StringBuilder b = new StringBuilder("no linearization of:");
        ops.stream().sorted(Comparator.comparingLong(Op::invokeNanos)).forEach(op -> b.append("\n  p")
                .append(op.process()).append(' ').append(op.description()).append(" [").append(op.invokeNanos())
                .append(", ").append(op.outcomeKnown() ? Long.toString(op.completeNanos()) : "?").append(']'));
        return b.toString();
    }
}
