package io.tunnelstore.server.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunnelstore.protocol.errors.ErrorCode;
import io.tunnelstore.protocol.errors.OtsException;
import java.util.Base64;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** The iterator wire form, shard-id parsing and split-point spreading, without a server. */
class ShardIteratorTest {

    private static void assertInvalid(Runnable call) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(OtsException.class,
                e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.PARAMETER_INVALID));
    }

    @Test
    void iteratorsRoundTripThroughTheirWireForm() {
        ShardIterator it = new ShardIterator(7, "5f0c-é-stream", 3, 42, 1_700_000_000_000_123L);
        String text = it.encode();
        assertThat(text).matches("[A-Za-z0-9_-]+");
        assertThat(ShardIterator.decode(text)).isEqualTo(it);
        ShardIterator unresolved = new ShardIterator(1, "s", 1, 0, 5);
        assertThat(unresolved.resolved()).isFalse();
        assertThat(ShardIterator.decode(unresolved.encode())).isEqualTo(unresolved);
        assertThat(unresolved.at(9)).isEqualTo(new ShardIterator(1, "s", 1, 9, 5));
    }

    @Test
    void garbledIteratorsAreParameterErrors() {
        String text = new ShardIterator(7, "stream", 3, 42, 0).encode();
        byte[] bytes = Base64.getUrlDecoder().decode(text);
        bytes[10] ^= 1; // one flipped bit in the table id
        assertInvalid(() -> ShardIterator.decode(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes)));
        assertInvalid(() -> ShardIterator.decode(text.substring(0, text.length() - 3)));
        assertInvalid(() -> ShardIterator.decode(text + "AAAA"));
        assertInvalid(() -> ShardIterator.decode("%%%"));
        assertInvalid(() -> ShardIterator.decode(""));
    }

    @Test
    void shardIdsAreDecimalShardNumbers() {
        assertThat(ShardIds.format(12)).isEqualTo("12");
        assertThat(ShardIds.parse("12")).isEqualTo(12);
        assertThat(ShardIds.parse("007")).isEqualTo(7);
        assertInvalid(() -> ShardIds.parse(""));
        assertInvalid(() -> ShardIds.parse("-1"));
        assertInvalid(() -> ShardIds.parse("1a"));
        assertInvalid(() -> ShardIds.parse("9999999999999999999"));
    }

    @Test
    void spreadKeepsEvenlySpacedPoints() {
        List<Long> six = LongStream.rangeClosed(1, 6).boxed().toList();
        assertThat(SplitPointCalculator.spread(six, 2)).containsExactly(2L, 4L);
        assertThat(SplitPointCalculator.spread(six, 1)).containsExactly(3L);
        assertThat(SplitPointCalculator.spread(six, 5)).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(SplitPointCalculator.spread(six, 6)).isSameAs(six);
        assertThat(SplitPointCalculator.spread(six, 10)).isSameAs(six);
    }
}
