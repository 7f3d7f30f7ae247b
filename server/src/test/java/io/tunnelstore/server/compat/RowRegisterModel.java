package io.tunnelstore.server.compat;

import java.util.Objects;
import java.util.function.Function;

/**
 * The sequential specification of one row in the black-box linearizability test: an optional value column {@code v}
 * (set by PutRow, which replaces the row, and by a compare-and-set UpdateRow) and an optional counter column
 * {@code n} (UpdateRow increments). Each factory returns the {@code step} of a {@link LinearizabilityChecker.Op}: the
 * state after the operation, or null when its recorded result is impossible in the given state.
 */
final class RowRegisterModel {

    /** The row's columns; both null means the row does not exist. */
    record State(Long v, Long n) {}

    static final State ABSENT = new State(null, null);

    private RowRegisterModel() {}

    static Function<State, State> put(long value) {
        return s -> new State(value, null);
    }

    static Function<State, State> delete() {
        return s -> ABSENT;
    }

    /** UpdateRow v := newValue if v == expected (condition failure answered {@code succeeded == false}). */
    static Function<State, State> compareAndSet(long expected, long newValue, boolean succeeded) {
        return s -> {
            boolean holds = s.v() != null && s.v() == expected;
            if (holds != succeeded) {
                return null;
            }
            return holds ? new State(newValue, s.n()) : s;
        };
    }

    /** A compare-and-set whose answer was lost: it took effect exactly when its condition held. */
    static Function<State, State> compareAndSetUnknown(long expected, long newValue) {
        return s -> s.v() != null && s.v() == expected ? new State(newValue, s.n()) : s;
    }

    /** UpdateRow n := n + 1 (0 when absent), RT_AFTER_MODIFY answered {@code returned}. */
    static Function<State, State> increment(long returned) {
        return s -> {
            long next = (s.n() == null ? 0 : s.n()) + 1;
            return next == returned ? new State(s.v(), next) : null;
        };
    }

    static Function<State, State> incrementUnknown() {
        return s -> new State(s.v(), (s.n() == null ? 0 : s.n()) + 1);
    }

    /** GetRow that saw {@code v} and {@code n} (nulls for absent columns; both null for an absent row). */
    static Function<State, State> read(Long v, Long n) {
        State seen = new State(v, n);
        return s -> Objects.equals(s, seen) ? s : null;
    }
}
