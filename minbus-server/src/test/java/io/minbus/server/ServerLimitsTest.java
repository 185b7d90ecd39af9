package io.minbus.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minbus.wire.Limits;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ServerLimitsTest {

    @Test
    void theDefaultsAreThoseOfTheSpec() {
        ServerLimits d = ServerLimits.defaults();
        assertThat(d.maxConnections()).isEqualTo(16384);
        assertThat(d.registrationTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(d.maxNamesPerProcess()).isEqualTo(1024);
        assertThat(d.maxRelaysPerPlugin()).isEqualTo(1024);
        assertThat(d.relayBuffer()).isEqualTo(262144);
        assertThat(d.relayBufferMax()).isEqualTo(1048576);
        assertThat(d.relayMemory()).isEqualTo(1L << 30);
        assertThat(d.relayMemory() / (2L * d.relayBuffer())).as("relays that fit").isEqualTo(2048);
        assertThat(d.watchBacklog()).isEqualTo(1 << 20);
        assertThat(d.maxPendingQueries()).isEqualTo(8);
        assertThat(d.topLevelCredit()).isEqualTo(4096);
        assertThat(d.heartbeatInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(d.heartbeatTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(d.session()).isEqualTo(new Limits(262144, 67108864, 4096));
    }

    @Test
    void theBuilderChangesOneLimitAtATime() {
        ServerLimits l = ServerLimits.defaults().toBuilder().relayBuffer(1024).maxNamesPerProcess(2).build();
        assertThat(l.relayBuffer()).isEqualTo(1024);
        assertThat(l.maxNamesPerProcess()).isEqualTo(2);
        assertThat(l.maxConnections()).isEqualTo(16384);
    }

    @Test
    void aRelayBufferAboveTheDefaultMaximumRaisesItUnlessTheMaximumWasSet() {
        assertThat(ServerLimits.builder().relayBuffer(4 << 20).build().relayBufferMax()).isEqualTo(4 << 20);
        assertThat(ServerLimits.builder().relayBuffer(4096).relayBufferMax(4096).build().relayBufferMax()).as("growth off").isEqualTo(4096);
        assertThatThrownBy(() -> ServerLimits.builder().relayBuffer(4096).relayBufferMax(1024).build())
                .hasMessageContaining("relayBufferMax 1024 is below relayBuffer 4096");
    }

    @Test
    void inconsistentLimitsAreRefusedWithWhatToChange() {
        assertThatThrownBy(() -> ServerLimits.builder().relayMemory(1000).build())
                .hasMessageContaining("cannot hold even one relay");
        assertThatThrownBy(() -> ServerLimits.builder().topLevelCredit(100).build())
                .hasMessageContaining("below 258");
        assertThatThrownBy(() -> ServerLimits.builder().session(Limits.defaults().withMaxEntities(10)).build())
                .hasMessageContaining("must exceed maxRelaysPerPlugin");
        assertThatThrownBy(() -> ServerLimits.builder().heartbeatTimeout(Duration.ZERO).build())
                .hasMessageContaining("heartbeatTimeout must be positive");
        assertThatThrownBy(() -> ServerLimits.builder().maxConnections(0).build())
                .hasMessageContaining("maxConnections must be positive");
    }
}
