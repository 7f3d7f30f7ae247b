package io.tunnelstore.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TunnelWorkerConfigTest {
    private static final ChannelProcessorFactory FACTORY = SimpleProcessorFactory.of(null, (c, r) -> { });

    @Test
    void defaultsMatchTheDocumentedValues() {
        TunnelWorkerConfig c = TunnelWorkerConfig.builder().processorFactory(FACTORY).build();
        assertThat(c.heartbeatInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.heartbeatTimeout()).isEqualTo(Duration.ofSeconds(300));
        assertThat(c.checkpointInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.maxChannelParallel()).isZero();
        assertThat(c.readAheadBatches()).isEqualTo(2);
        assertThat(c.maxIdleBackoff()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.closingDetectRounds()).isEqualTo(3);
        assertThat(c.callbackFailurePolicy()).isEqualTo(CallbackFailurePolicy.releaseAndResume());
        assertThat(c.readExecutor()).isEmpty();
        assertThat(c.processExecutor()).isEmpty();
        assertThat(c.clientTag()).isNotBlank();
        assertThat(c.closeOnJvmExit()).isTrue();
        assertThat(c.listener()).isSameAs(WorkerListener.NONE);
    }

    @Test
    void heartbeatIntervalBelowFiveSecondsIsRejected() {
        assertThatThrownBy(() -> TunnelWorkerConfig.builder().heartbeatInterval(Duration.ofMillis(4_999)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(">= 5s").hasMessageContaining("4.999");
        assertThat(TunnelWorkerConfig.builder().heartbeatInterval(Duration.ofSeconds(5)).heartbeatTimeout(
                Duration.ofSeconds(6)).processorFactory(FACTORY).build().heartbeatInterval())
                .isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void timeoutMustExceedIntervalWhateverTheSetterOrder() {
        assertThatThrownBy(() -> TunnelWorkerConfig.builder().heartbeatTimeout(Duration.ofSeconds(10))
                .heartbeatInterval(Duration.ofSeconds(10)).processorFactory(FACTORY).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("must exceed");
        assertThatThrownBy(() -> TunnelWorkerConfig.builder().heartbeatInterval(Duration.ofSeconds(60))
                .processorFactory(FACTORY).heartbeatTimeout(Duration.ofSeconds(30)).build())
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void otherLimitsAreChecked() {
        assertThatThrownBy(() -> TunnelWorkerConfig.builder().build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("processorFactory");
        assertThatThrownBy(() -> TunnelWorkerConfig.builder().readAheadBatches(0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TunnelWorkerConfig.builder().readAheadBatches(17))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TunnelWorkerConfig.builder().maxChannelParallel(-1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TunnelWorkerConfig.builder().checkpointInterval(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TunnelWorkerConfig.builder().maxIdleBackoff(Duration.ofMillis(5)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TunnelWorkerConfig.builder().clientTag(" "))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CallbackFailurePolicy.retry(0, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void toBuilderCopiesEveryValue() {
        TunnelWorkerConfig c = TunnelWorkerConfig.builder().processorFactory(FACTORY).heartbeatInterval(
                Duration.ofSeconds(7)).heartbeatTimeout(Duration.ofSeconds(70)).maxChannelParallel(3)
                .readAheadBatches(4).clientTag("tag").callbackFailurePolicy(CallbackFailurePolicy.skip()).build();
        TunnelWorkerConfig d = c.toBuilder().build();
        assertThat(d).isNotSameAs(c);
        assertThat(d.toString()).isEqualTo(c.toString());
        assertThat(d.processorFactory()).isSameAs(FACTORY);
    }

    @Test
    void simpleFactoryCarriesTheCustomValue() throws Exception {
        SimpleProcessorFactory f = SimpleProcessorFactory.of("my-app", (ctx, records) -> { });
        assertThat(f.customValue()).isEqualTo("my-app");
        assertThat(f.create(null)).isNotNull();
    }
}
