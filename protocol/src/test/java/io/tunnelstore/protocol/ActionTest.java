package io.tunnelstore.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ActionTest {

    @Test
    void fromPathIsExactAndStripsLeadingSlashes() {
        assertThat(Action.fromPath("PutRow")).contains(Action.PUT_ROW);
        assertThat(Action.fromPath("/PutRow")).contains(Action.PUT_ROW);
        assertThat(Action.fromPath("//GetRange")).contains(Action.GET_RANGE);
        assertThat(Action.fromPath("tunnel/readrecords")).contains(Action.TUNNEL_READ_RECORDS);
        assertThat(Action.fromPath("//tunnel/heartbeat")).contains(Action.TUNNEL_HEARTBEAT);
        assertThat(Action.fromPath("putrow")).isEmpty();
        assertThat(Action.fromPath("tunnel/ReadRecords")).isEmpty();
        assertThat(Action.fromPath("CreateIndex")).isEmpty();
        assertThat(Action.fromPath("")).isEmpty();
        assertThat(Action.fromPath("/")).isEmpty();
        assertThat(Action.fromPath(null)).isEmpty();
    }

    @Test
    void everyActionRoundTripsThroughItsPath() {
        assertThat(Action.values()).hasSize(43);
        for (Action a : Action.values()) {
            assertThat(Action.fromPath(a.path())).contains(a);
            assertThat(a.isTunnel()).isEqualTo(a.name().startsWith("TUNNEL_"));
        }
    }

    @Test
    void idempotencyFollowsJavaSdk() {
        assertThat(Action.GET_ROW.idempotent()).isTrue();
        assertThat(Action.BATCH_GET_ROW.idempotent()).isTrue();
        assertThat(Action.COMPUTE_SPLIT_POINTS_BY_SIZE.idempotent()).isTrue();
        assertThat(Action.PUT_ROW.idempotent()).isFalse();
        assertThat(Action.BATCH_WRITE_ROW.idempotent()).isFalse();
        assertThat(Action.CREATE_TABLE.idempotent()).isFalse();
        assertThat(Action.TUNNEL_READ_RECORDS.idempotent()).isTrue();
        assertThat(Action.TUNNEL_GET_CHECKPOINT.idempotent()).isTrue();
        assertThat(Action.TUNNEL_LIST.idempotent()).isTrue();
        assertThat(Action.TUNNEL_DESCRIBE.idempotent()).isTrue();
        assertThat(Action.TUNNEL_HEARTBEAT.idempotent()).isFalse();
        assertThat(Action.TUNNEL_CHECKPOINT.idempotent()).isFalse();
        assertThat(Action.TUNNEL_SCHEDULE.idempotent()).isFalse();
    }
}
