package io.tunnelstore.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TunnelStageTableTest {

    @ParameterizedTest
    @EnumSource(TunnelStage.class)
    void stagesOnlyMoveForward(TunnelStage from) {
        for (TunnelStage to : TunnelStage.values()) {
            assertThat(from.canTransitionTo(to)).as("%s -> %s", from, to).isEqualTo(to.ordinal() > from.ordinal());
        }
    }
}
