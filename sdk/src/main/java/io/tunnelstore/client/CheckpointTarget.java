package io.tunnelstore.client;

import java.time.Instant;
import java.util.Objects;

/** Where {@link AdminClient#setCheckpoint} moves a channel. */
public sealed interface CheckpointTarget {

    /** A token from {@link AdminClient#showCheckpoints} or an export (base-data or stream channel). */
    record Token(String token) implements CheckpointTarget {
        public Token {
            Objects.requireNonNull(token, "token");
        }
    }

    /** A stream channel delivers from this change-log sequence on (≥ 1). */
    record Sequence(long nextSequence) implements CheckpointTarget {
        public Sequence {
            if (nextSequence < 1) {
                throw new IllegalArgumentException("sequence numbers start at 1: " + nextSequence);
            }
        }
    }

    /** A stream channel delivers from the first change committed at or after this time. */
    record Time(Instant time) implements CheckpointTarget {
        public Time {
            Objects.requireNonNull(time, "time");
        }
    }

    static CheckpointTarget token(String token) {
        return new Token(token);
    }

    static CheckpointTarget sequence(long nextSequence) {
        return new Sequence(nextSequence);
    }

    static CheckpointTarget time(Instant time) {
        return new Time(time);
    }
}
