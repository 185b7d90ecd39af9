package io.minbus.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RestartPolicyTest {

    @Test
    void defaultBackoffDoublesFrom500msUpTo30s() {
        RestartPolicy p = RestartPolicy.onFailure();
        assertThat(p.delayBefore(1)).isEqualTo(Duration.ofMillis(500));
        assertThat(p.delayBefore(2)).isEqualTo(Duration.ofSeconds(1));
        assertThat(p.delayBefore(3)).isEqualTo(Duration.ofSeconds(2));
        assertThat(p.delayBefore(7)).isEqualTo(Duration.ofSeconds(30)); // 32s capped
        assertThat(p.delayBefore(1000)).isEqualTo(Duration.ofSeconds(30));
        assertThat(p.resetAfter()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void modesDecideWhatIsRestarted() {
        assertThat(RestartPolicy.never().restarts(true)).isFalse();
        assertThat(RestartPolicy.onFailure().restarts(true)).isTrue();
        assertThat(RestartPolicy.onFailure().restarts(false)).isFalse();
        assertThat(RestartPolicy.always().restarts(false)).isTrue();
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> RestartPolicy.always().withBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ZERO))
                .hasMessageContaining("maxBackoff");
        assertThatThrownBy(() -> RestartPolicy.always().withBackoff(Duration.ZERO, Duration.ofSeconds(1), Duration.ZERO))
                .hasMessageContaining("initialBackoff");
    }
}
